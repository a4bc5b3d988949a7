"""Records <-> JSON documents. Datetimes are ISO strings in UTC; a ChatRef is its `key`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.models import (
    Alert,
    Article,
    ChatRef,
    ChatState,
    Digest,
    FeedHints,
    Source,
    SourceState,
    Subscription,
)

Doc = dict[str, Any]


def dt_out(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # the core is UTC-aware; a naive time can only mean UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def dt_in(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _dt_required(value: str) -> datetime:
    parsed = dt_in(value)
    assert parsed is not None
    return parsed


def subscription_doc(sub: Subscription) -> Doc:
    doc: Doc = {"chat": sub.chat.key, "query": sub.query, "created": dt_out(sub.created)}
    if sub.typed:
        doc["typed"] = sub.typed
    return doc


def chat_ref(key: str, known: dict[str, ChatRef] | None = None) -> ChatRef:
    """The ChatRef of a key; with `known`, one shared object per key (50,000 rows, 10,000 chats)."""
    if known is None:
        return ChatRef.from_key(key)
    ref = known.get(key)
    if ref is None:
        ref = known[key] = ChatRef.from_key(key)
    return ref


def subscription_from(doc: Doc, known: dict[str, ChatRef] | None = None) -> Subscription:
    return Subscription(
        chat_ref(doc["chat"], known), doc["query"], _dt_required(doc["created"]), doc.get("typed", "")
    )


def chat_doc(state: ChatState) -> Doc:
    return {
        "chat": state.chat.key,
        "active": state.active,
        "paused": state.paused,
        "images": state.images,
        "bound": state.bound,
        "removed_at": dt_out(state.removed_at),
        "threads": state.threads,
        "language": state.language,
        "platform_language": state.platform_language,
    }


def chat_from(doc: Doc) -> ChatState:
    return ChatState(
        ChatRef.from_key(doc["chat"]),
        bool(doc.get("active", True)),
        bool(doc.get("paused", False)),
        images=bool(doc.get("images", True)),
        bound=doc.get("bound") or None,
        removed_at=dt_in(doc.get("removed_at")),
        threads=bool(doc.get("threads", True)),
        language=str(doc.get("language") or ""),  # rows stored before issue 15 have neither
        platform_language=str(doc.get("platform_language") or ""),
    )


def source_doc(source: Source) -> Doc:
    return {"name": source.name, "url": source.url, "added_by": source.added_by}


def source_from(doc: Doc) -> Source:
    return Source(doc["name"], doc["url"], doc.get("added_by"))


def state_doc(state: SourceState) -> Doc:
    return {
        "url": state.url,
        "etag": state.etag,
        "last_modified": state.last_modified,
        "primed": state.primed,
        "failures": state.failures,
        "retry_at": dt_out(state.retry_at),
        "last_success": dt_out(state.last_success),
        "last_error": state.last_error,
        "last_error_at": dt_out(state.last_error_at),
        "next_due": dt_out(state.next_due),
        "interval": state.interval,
        "reason": state.reason,
        "arrivals": [dt_out(t) for t in state.arrivals],
        "watched_since": dt_out(state.watched_since),
        "last_new_at": dt_out(state.last_new_at),
        "hints": _hints_doc(state.hints),
    }


def _hints_doc(hints: FeedHints) -> Doc | None:
    if hints == FeedHints():
        return None
    return {
        "ttl": hints.ttl_seconds,
        "skip_hours": sorted(hints.skip_hours),
        "skip_days": sorted(hints.skip_days),
        "update": hints.update_seconds,
    }


def _hints_from(doc: Doc | None) -> FeedHints:
    if not doc:
        return FeedHints()
    return FeedHints(
        ttl_seconds=doc.get("ttl"),
        skip_hours=frozenset(int(h) for h in doc.get("skip_hours") or ()),
        skip_days=frozenset(int(d) for d in doc.get("skip_days") or ()),
        update_seconds=doc.get("update"),
    )


def state_from(doc: Doc) -> SourceState:
    return SourceState(
        url=doc["url"],
        etag=doc.get("etag"),
        last_modified=doc.get("last_modified"),
        primed=bool(doc.get("primed", False)),
        failures=int(doc.get("failures", 0)),
        retry_at=dt_in(doc.get("retry_at")),
        last_success=dt_in(doc.get("last_success")),
        last_error=doc.get("last_error"),
        last_error_at=dt_in(doc.get("last_error_at")),
        next_due=dt_in(doc.get("next_due")),
        interval=doc.get("interval"),
        reason=doc.get("reason"),
        arrivals=tuple(_dt_required(t) for t in doc.get("arrivals") or ()),
        watched_since=dt_in(doc.get("watched_since")),
        last_new_at=dt_in(doc.get("last_new_at")),
        hints=_hints_from(doc.get("hints")),
    )


def article_doc(article: Article) -> Doc:
    return {
        "key": article.key,
        "source": article.source,
        "title": article.title,
        "url": article.url,
        "published": dt_out(article.published),
        "text": article.text,
        "fetched_at": dt_out(article.fetched_at),
        "guid": article.guid,
        "title_key": article.title_key,
        "url_key": article.url_key,
        "image": article.image,
        "lang": article.lang,
    }


def article_from(doc: Doc) -> Article:
    return Article(
        key=doc["key"],
        source=doc["source"],
        title=doc["title"],
        url=doc["url"],
        published=dt_in(doc.get("published")),
        text=doc["text"],
        fetched_at=_dt_required(doc["fetched_at"]),
        guid=doc.get("guid", ""),
        title_key=doc.get("title_key", ""),
        url_key=doc.get("url_key", ""),
        image=doc.get("image", ""),
        lang=doc.get("lang", ""),
    )


def alert_doc(alert: Alert) -> Doc:
    return {
        "chat": alert.chat.key,
        "article_key": alert.article_key,
        "title": alert.title,
        "url": alert.url,
        "source": alert.source,
        "published": dt_out(alert.published),
        "matched": list(alert.matched),
        "bullets": list(alert.bullets),
        "created": dt_out(alert.created),
        "attempts": alert.attempts,
        "next_attempt": dt_out(alert.next_attempt),
        "plain": alert.plain,
        "image": alert.image,
        "event": alert.event,
        "edit_of": alert.edit_of,
        "also": [list(pair) for pair in alert.also],
        **({"zone": alert.zone} if alert.zone else {}),
        **({"parts_sent": alert.parts_sent} if alert.parts_sent else {}),
        **({"lang": alert.lang} if alert.lang else {}),
        **({"story_lang": alert.story_lang} if alert.story_lang else {}),
        **({"digest": digest_doc(alert.digest)} if alert.digest is not None else {}),
    }


def digest_doc(digest: Digest) -> Doc:
    return {
        "bucket": digest.bucket,
        "since": dt_out(digest.since),
        "due": dt_out(digest.due),
        "zone": digest.zone,
        "late": digest.late,
        "items": [alert_doc(a) for a in digest.items],
    }


def digest_from(doc: Doc) -> Digest:
    return Digest(
        bucket=doc["bucket"],
        since=_dt_required(doc["since"]),
        due=_dt_required(doc["due"]),
        zone=doc.get("zone") or "UTC",
        items=tuple(alert_from(a) for a in doc.get("items", ())),
        late=bool(doc.get("late", False)),
    )


def alert_from(doc: Doc) -> Alert:
    return Alert(
        chat=ChatRef.from_key(doc["chat"]),
        article_key=doc["article_key"],
        title=doc["title"],
        url=doc["url"],
        source=doc["source"],
        published=dt_in(doc.get("published")),
        matched=tuple(doc.get("matched", ())),
        bullets=tuple(doc.get("bullets", ())),
        created=_dt_required(doc["created"]),
        attempts=int(doc.get("attempts", 0)),
        next_attempt=dt_in(doc.get("next_attempt")),
        plain=bool(doc.get("plain", False)),
        image=doc.get("image", ""),
        event=doc.get("event", ""),
        edit_of=doc.get("edit_of", ""),
        also=tuple((str(s), str(u)) for s, u in doc.get("also", ())),
        zone=doc.get("zone", ""),
        digest=digest_from(doc["digest"]) if doc.get("digest") else None,
        parts_sent=int(doc.get("parts_sent", 0)),
        lang=str(doc.get("lang", "")),
        story_lang=str(doc.get("story_lang", "")),
    )
