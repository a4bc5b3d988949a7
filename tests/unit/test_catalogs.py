"""Every user-facing message is translated in every shipped language, with the same placeholders.

The messages are extracted from the source itself (Babel, the keywords of the README's
`pybabel extract`), so a new message fails here until each catalog has it; no generated file
can be stale. English is the source language: the msgids are the English text.
"""

from __future__ import annotations

import ast
import gettext
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from handlers.i18n import DEFAULT, LANGUAGES, LOCALES, t, tn, use_language

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": None, "tn": (1, 2), "N_": None, "plural_text": (1, 2)}  # as in the README's command
SHIPPED = [lang for lang in LANGUAGES if lang != DEFAULT]
TAG = re.compile(r"</?[a-z]+(?: [^<>]*)?>")
# the calls that put text in front of a user: a literal there must go through t()/tn()
SHOWN = {
    "send",
    "edit",
    "edit_message",
    "edit_original_response",
    "Button",
    "Choice",
    "Embed",
    "add_field",
    "reply",
    "reply_text",
    "answer",
    "send_message",
    "edit_message_text",
    "edit_text",
    "InlineKeyboardButton",
}
SHOWN_KEYWORDS = {
    "text",
    "caption",
    "content",
    "label",
    "title",
    "description",
    "name",
    "placeholder",
}


def _messages() -> dict[str | tuple[str, str], str]:
    """msgid (or (singular, plural)) -> where it was found."""
    found: dict[str | tuple[str, str], str] = {}
    for folder in ("bot", "handlers"):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=(),
            strip_comment_tags=True,
        ):
            if isinstance(message, tuple):
                message = (message[0], message[1])
            found.setdefault(message, f"{folder}/{filename}")
    return found


def _catalog(lang: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / "newsbot.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def placeholders(text: str) -> set[str]:
    return {
        f"{{{name}{'!' + conv if conv else ''}}}"
        for _, name, _, conv in string.Formatter().parse(text)
        if name is not None
    }


def tags(text: str) -> list[str]:
    return sorted(TAG.findall(text))


def _forms_for_counts(catalog: Catalog) -> dict[int, set[int]]:
    """Which counts (0..199) each plural form serves: a form used for numbers other than 1 must show {n}."""
    index = gettext.c2py(catalog.plural_expr)  # the catalog's own Plural-Forms rule
    served: dict[int, set[int]] = {}
    for n in range(200):
        served.setdefault(index(n), set()).add(n)
    return served


def test_the_source_has_messages_to_translate() -> None:
    found = _messages()
    assert len(found) > 300
    assert "Subscribed to {query}. I will send new matching stories here." in found
    assert ("{n} story", "{n} stories") in found


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_is_translated_with_the_same_placeholders_and_markup(lang: str) -> None:
    catalog = _catalog(lang)
    served = _forms_for_counts(catalog)
    problems = []
    for msgid, where in sorted(_messages().items(), key=lambda item: str(item[0])):
        entry = catalog.get(msgid)
        if entry is None or entry.fuzzy or not entry.string or not all(entry.string):
            problems.append(f"missing ({where}): {msgid!r}")
            continue
        if isinstance(msgid, tuple):
            forms = list(entry.string)
            if len(forms) != catalog.num_plurals:
                problems.append(f"{len(forms)} plural forms, not {catalog.num_plurals}: {msgid!r}")
                continue
            wanted = placeholders(msgid[1]) | placeholders(msgid[0])
            for index, form in enumerate(forms):
                need = wanted if served.get(index, set()) - {1} else wanted - {"{n}"}
                if not need <= placeholders(form) <= wanted:
                    problems.append(f"form {index} placeholders {sorted(placeholders(form))} for {msgid!r}")
                if tags(form) != tags(msgid[1]):
                    problems.append(f"form {index} markup differs: {msgid!r}")
            continue
        if placeholders(entry.string) != placeholders(msgid):
            problems.append(
                f"placeholders {sorted(placeholders(entry.string))} != "
                f"{sorted(placeholders(msgid))}: {msgid!r}"
            )
        if tags(entry.string) != tags(msgid):
            problems.append(f"markup {tags(entry.string)} != {tags(msgid)}: {msgid!r}")
        bare = TAG.sub("", entry.string)
        if ("<" in bare or ">" in bare) and not ("<" in TAG.sub("", msgid) or ">" in TAG.sub("", msgid)):
            problems.append(f"a bare < or > would break Telegram HTML: {entry.string!r}")
    assert problems == []


@pytest.mark.parametrize("lang", SHIPPED)
def test_a_catalog_holds_no_message_the_code_no_longer_has(lang: str) -> None:
    current = set(_messages())
    stale = [
        m.id for m in _catalog(lang) if m.id and m.id not in current and not getattr(m, "obsolete", False)
    ]
    assert stale == [], "run the README's pybabel extract/update to drop them"


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _literal_text(node: ast.AST) -> str:
    """The words a user would read if this argument were sent as it is."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + _literal_text(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_text(node.body) + " " + _literal_text(node.orelse)
    return ""


def test_every_message_shown_in_handlers_goes_through_the_translation_function() -> None:
    offenders = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        for call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            if _name(call) not in SHOWN:
                continue
            args = list(call.args) + [k.value for k in call.keywords if k.arg in SHOWN_KEYWORDS]
            for arg in args:
                words = re.findall(r"[^\W\d_]{2,}", _literal_text(arg))
                if words:
                    offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}: {' '.join(words)[:60]}")
    assert offenders == []


def test_translated_templates_are_literals() -> None:
    """pybabel only sees literal strings: t(f"...") or t("a" + b) would never reach a catalog."""
    offenders = []
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
                if _name(call) not in KEYWORDS or not call.args:
                    continue
                count = 2 if KEYWORDS[_name(call)] else 1
                for arg in call.args[:count]:
                    if isinstance(arg, ast.JoinedStr | ast.BinOp | ast.Call):
                        offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert offenders == []


ONE_LINE_CALL = re.compile(r"""(?<![\w.])(?:t|N_)\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]""")


def test_no_message_hides_where_pybabel_cannot_see_it() -> None:
    """A t("...") inside an f-string is invisible to the extractor (and so to every catalog)."""
    extracted = {m for m in _messages() if isinstance(m, str)}
    unseen = []
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for found in ONE_LINE_CALL.finditer(path.read_text(encoding="utf-8")):
                text = ast.literal_eval(f'"{found.group(1)}"')
                if text not in extracted and text != "...":  # "..." is a docstring's example
                    unseen.append(f"{path.relative_to(ROOT)}: {text[:60]}")
    assert unseen == []


def test_messages_come_out_in_the_chosen_language() -> None:
    assert t("Alerts are on again.") == "Alerts are on again."
    with use_language("ru"):
        assert t("Alerts are on again.") == "Уведомления снова включены."
        assert [tn("{n} story", "{n} stories", n) for n in (1, 3, 5, 21)] == [
            "1 новость",
            "3 новости",
            "5 новостей",
            "21 новость",
        ]
    with use_language("de-AT"):
        assert t("Subscribed to {query}. I will send new matching stories here.", query="X").startswith(
            "X abonniert"
        )
    with use_language("pt-BR"):  # not shipped: English
        assert t("Alerts are on again.") == "Alerts are on again."
