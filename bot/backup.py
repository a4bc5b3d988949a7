"""Backups: a consistent JSON snapshot of what users and admins told the bot, and its restore.

A snapshot holds the subscriptions, every chat's settings (`ChatState`) and rhythm (`ChatRhythm`:
time zone, digest rhythms, quiet hours, snoozes) and the sources added from chat. Poll states, seen
stories, the outbox, held stories and digest due times rebuild themselves (a restored store primes
each source again, so it never floods anyone with old stories; a digest's due time is worked out
from its rhythm when it first holds a story).

`snapshot_json` / `parse_snapshot` are pure; `restore` writes through the repository ports, so
any backend (TinyDB today, a server database tomorrow) can be the target.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.alerts.quiet import parse_quiet
from bot.alerts.rhythm import parse_rhythm
from bot.alerts.zones import parse_zone
from bot.errors import NewsbotError, QueryError, RhythmError
from bot.matching.query import parse_query
from bot.models import ChatRef, ChatRhythm, ChatState, Source, Subscription
from bot.ports import ChatRepo, RhythmRepo, SourceRepo, SubscriptionRepo

FORMAT = "newsbot-backup"
VERSION = 1
MAX_PROBLEMS_SHOWN = 5
KINDS = {"chats": ChatState, "subscriptions": Subscription, "sources": Source, "rhythms": ChatRhythm}


class BackupError(NewsbotError):
    """A snapshot that cannot be read or restored; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    subscriptions: tuple[Subscription, ...]
    chats: tuple[ChatState, ...]
    sources: tuple[Source, ...]  # added from chat; the sources file is the operator's own backup
    rhythms: tuple[ChatRhythm, ...] = ()  # the chats whose rhythm differs from the defaults

    def counts(self) -> dict[str, int]:
        return {
            "subscriptions": len(self.subscriptions),
            "chats": len(self.chats),
            "sources": len(self.sources),
            "rhythms": len(self.rhythms),
        }


@dataclass(frozen=True, slots=True)
class RestoreReport:
    subscriptions: int = 0
    chats: int = 0
    sources: int = 0
    skipped: int = 0  # already there (merge)
    rhythms: int = 0


# encoding ---------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, ChatRef):
        return value.key
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list | frozenset | set):
        items = [_encode(v) for v in value]
        return sorted(items, key=str) if isinstance(value, frozenset | set) else items
    return value


def _decode(kind: Any, raw: Any, where: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if raw is None and type(None) in options:
            return None
        problems = []
        for option in (o for o in options if o is not type(None)):
            try:
                return _decode(option, raw, where)
            except BackupError as exc:
                problems.append(str(exc))
        raise BackupError(problems[0] if problems else f"{where}: unexpected null")
    if origin in (tuple, frozenset, list, set):
        if not isinstance(raw, list):
            raise BackupError(f"{where}: expected a list, got {type(raw).__name__}")
        args = [a for a in typing.get_args(kind) if a is not Ellipsis] or [Any]
        items = [_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(raw)]
        return origin(items)
    if origin in (dict, Mapping):
        if not isinstance(raw, dict):
            raise BackupError(f"{where}: expected an object, got {type(raw).__name__}")
        value_kind = typing.get_args(kind)[1] if typing.get_args(kind) else Any
        return {str(k): _decode(value_kind, v, f"{where}[{k!r}]") for k, v in raw.items()}
    if kind is Any:
        return raw
    if kind is ChatRef:
        if not isinstance(raw, str) or ":" not in raw or not raw.partition(":")[2]:
            raise BackupError(f'{where}: expected a chat key like "telegram:123", got {raw!r}')
        return ChatRef.from_key(raw)
    if kind in (datetime, date, time):
        try:
            value = kind.fromisoformat(raw)
        except (TypeError, ValueError):
            raise BackupError(f"{where}: expected an ISO {kind.__name__}, got {raw!r}") from None
        if kind is datetime and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
    if kind is timedelta:
        return timedelta(seconds=_decode(float, raw, where))
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(raw)
        except ValueError:
            raise BackupError(f"{where}: {raw!r} is not one of {[m.value for m in kind]}") from None
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record(kind, raw, where)
    if kind is float and isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    if (kind is bool and not isinstance(raw, bool)) or not isinstance(raw, kind):
        raise BackupError(f"{where}: expected {getattr(kind, '__name__', kind)}, got {raw!r}")
    return raw


def _record(cls: Any, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise BackupError(f"{where}: expected an object, got {type(raw).__name__}")
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name in raw:
            values[f.name] = _decode(hints[f.name], raw[f.name], f"{where}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise BackupError(f"{where}: {f.name} is missing")
    return cls(**values)  # unknown keys (from a newer version) are ignored


def snapshot_json(snapshot: Snapshot, created: datetime, app_version: str = "") -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": _encode(created),
        "newsbot": app_version,
        "counts": snapshot.counts(),
        "chats": [_encode(c) for c in snapshot.chats],
        "subscriptions": [_encode(s) for s in snapshot.subscriptions],
        "sources": [_encode(s) for s in snapshot.sources],
        "rhythms": [_encode(r) for r in snapshot.rhythms],
    }


def parse_snapshot(data: Any) -> Snapshot:
    """Validate a whole snapshot before anything is written; every problem found is reported."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f'not a newsbot backup (no "format": "{FORMAT}")')
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise BackupError(f"backup version {version!r} is newer than this newsbot reads ({VERSION})")
    problems: list[str] = []
    parts: dict[str, list[Any]] = {}
    kinds = (
        ("chats", ChatState),
        ("subscriptions", Subscription),
        ("sources", Source),
        ("rhythms", ChatRhythm),
    )
    for name, cls in kinds:
        raw = data.get(name, [])
        if not isinstance(raw, list):
            problems.append(f"{name}: expected a list")
            continue
        parts[name] = []
        for i, item in enumerate(raw):
            try:
                parts[name].append(_record(cls, item, f"{name}[{i}]"))
            except BackupError as exc:
                problems.append(str(exc))
    problems += _check_subscriptions(parts.get("subscriptions", []))
    problems += _check_sources(parts.get("sources", []))
    problems += _check_rhythms(parts.get("rhythms", []))
    if problems:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN]) + (f"; and {more} more" if more > 0 else "")
        raise BackupError(f"the backup is invalid, nothing was imported: {shown}")
    return Snapshot(
        tuple(parts["subscriptions"]), tuple(parts["chats"]), tuple(parts["sources"]), tuple(parts["rhythms"])
    )


def _check_subscriptions(subs: Sequence[Subscription]) -> list[str]:
    problems, seen = [], set()
    for i, sub in enumerate(subs):
        try:
            parse_query(sub.query)
        except QueryError as exc:
            problems.append(f"subscriptions[{i}].query {sub.query!r}: {exc}")
        if (sub.chat, sub.query) in seen:
            problems.append(f"subscriptions[{i}]: {sub.chat.key} {sub.query!r} appears twice")
        seen.add((sub.chat, sub.query))
    return problems


def _check_sources(sources: Sequence[Source]) -> list[str]:
    problems = []
    for i, source in enumerate(sources):
        if not source.url.startswith(("http://", "https://")):
            problems.append(f"sources[{i}].url: not an http(s) URL")
        if not source.name.strip():
            problems.append(f"sources[{i}].name: empty")
    return problems


def _check_rhythms(rhythms: Sequence[ChatRhythm]) -> list[str]:
    problems, seen = [], set()
    for i, prefs in enumerate(rhythms):
        texts = {"zone": prefs.zone, "default": prefs.default, "quiet": prefs.quiet or "off"}
        texts |= {f"rhythms[{q!r}]": key for q, key in prefs.rhythms.items()}
        for name, text in texts.items():
            parse = parse_zone if name == "zone" else parse_quiet if name == "quiet" else parse_rhythm
            try:
                parse(text)
            except RhythmError as exc:
                problems.append(f"rhythms[{i}].{name}: {exc}")
        if prefs.chat in seen:
            problems.append(f"rhythms[{i}]: {prefs.chat.key} appears twice")
        seen.add(prefs.chat)
    return problems


# taking and restoring -------------------------------------------------------------------------


def take_snapshot(
    subscriptions: SubscriptionRepo,
    chats: ChatRepo,
    sources: SourceRepo,
    rhythms: RhythmRepo | None = None,
) -> Snapshot:
    prefs = tuple(rhythms.all()) if rhythms is not None else ()
    return Snapshot(tuple(subscriptions.all()), tuple(chats.all()), tuple(sources.list()), prefs)


def is_empty(subscriptions: SubscriptionRepo, chats: ChatRepo, sources: SourceRepo) -> bool:
    return not (subscriptions.all() or chats.all() or sources.list())


def restore(
    snapshot: Snapshot,
    subscriptions: SubscriptionRepo,
    chats: ChatRepo,
    sources: SourceRepo,
    *,
    merge: bool = False,
    batch: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext,
    rhythms: RhythmRepo | None = None,
) -> RestoreReport:
    """Write `snapshot` into the repositories; an empty target unless `merge`.

    With `merge`, what is already there wins: an existing chat keeps its settings (its rhythm
    too), an existing subscription or source is skipped. `batch` groups the writes (one durable
    write per file). `rhythms`: where the chats' rhythms go (None: they are not restored).
    """
    if not merge and not is_empty(subscriptions, chats, sources):
        raise BackupError(
            "the store is not empty: import into a new NEWSBOT_DB, or pass --merge to add the backup "
            "to what is there"
        )
    known_chats = {c.chat for c in chats.all()}
    done = dict(subscriptions=0, chats=0, sources=0, skipped=0, rhythms=0)
    with batch():
        for state in snapshot.chats:
            if state.chat in known_chats:
                done["skipped"] += 1
                continue
            chats.save(state)
            done["chats"] += 1
        for sub in snapshot.subscriptions:
            done["subscriptions" if subscriptions.add(sub) else "skipped"] += 1
        for source in snapshot.sources:
            done["sources" if sources.add(source) else "skipped"] += 1
        for prefs in snapshot.rhythms if rhythms is not None else ():
            fresh = rhythms.get(prefs.chat) == ChatRhythm(prefs.chat)  # merge: the store's own wins
            if fresh:
                rhythms.save(prefs)
            done["rhythms" if fresh else "skipped"] += 1
    return RestoreReport(**done)
