"""User-facing words the core produces, as English templates the chat adapters translate.

The core never translates (it does not know who reads): a message is a `Text`, an English `str`
(so logs, the demo and tests read it as it is) that also keeps its template and parameters, so
that handlers/i18n.py can show it in the reader's language. `N_` marks a template for the
catalogs (pybabel extracts `N_`, `Text` and `plural_text`, see the README); placeholders are
`{name}` as in str.format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


def N_(message: str) -> str:
    """Marks a message for the translation catalogs; returns it unchanged."""
    return message


class Text(str):
    """An English message that remembers how it was made: `template.format(**params)`.

    A parameter may itself be a `Text` (translated along with its message) or any value
    (user or feed text, numbers: shown as they are).
    """

    template: str
    params: dict[str, Any]
    plural: str
    count: int | None

    def __new__(cls, template: str, /, **params: Any) -> Text:
        obj = super().__new__(cls, template.format(**params) if params else template)
        obj.template, obj.params, obj.plural, obj.count = template, params, "", None
        return obj


@dataclass(frozen=True, slots=True)
class When:
    """A moment to show in the reader's language, as a `Text` parameter: "08:00", "Mon 08:00",
    "24 Nov 08:00", "24 Nov 2026 08:00". `moment` is already in the chat's zone."""

    moment: datetime
    style: str = "date_time"  # "time", "weekday_time", "day_time", "date_time", "zoned" (with the zone)

    def __str__(self) -> str:
        if self.style == "zoned":
            return f"{self.moment:%d %b %Y %H:%M} {self.moment.tzname() or 'UTC'}"
        return self.moment.strftime(_ENGLISH[self.style])


_ENGLISH = {
    "time": "%H:%M",
    "weekday_time": "%a %H:%M",
    "day_time": "%d %b %H:%M",
    "date_time": "%d %b %Y %H:%M",
}


def plural_text(singular: str, plural: str, n: int, /, **params: Any) -> Text:
    """A message whose wording follows a count `{n}` ("1 story", "5 stories"): each language
    has its own plural forms."""
    obj = Text(singular if n == 1 else plural, n=n, **params)
    obj.template, obj.plural, obj.count = singular, plural, n
    return obj
