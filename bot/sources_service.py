"""The polled sources as users see them: the operator's list plus feeds admins added from chat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.errors import PermissionDenied, SourceError
from bot.ingest.fetch import FeedFetcher
from bot.ingest.finder import SeveralFeeds, find_feeds
from bot.ingest.sources import bundled_sources_path
from bot.models import Source, SourceState
from bot.ports import Repos
from bot.text.urls import normalize_url
from bot.texts import N_, Text


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks: admin rights come from NEWSBOT_ADMINS or from the platform (Discord's Manage Server)."""

    platform: str
    user_id: str
    elevated: bool = False  # the platform itself says this user may manage sources
    admin_id: str | None = None  # the id NEWSBOT_ADMINS would list this user by (None: not listable)


@dataclass(frozen=True, slots=True)
class SourceStatus:
    source: Source
    state: SourceState
    from_config: bool


def schedule_text(state: SourceState) -> Text:
    """How often a source is fetched, for /sources: "push", "every 5 min", "backing off (30 min)"."""
    if state.reason == "push":
        return Text(N_("push"))
    if state.interval is None:
        return Text(N_("not scheduled yet"))
    if state.retry_at is not None:
        return Text(N_("backing off"))
    return Text(N_("every {duration}"), duration=duration_text(state.interval))


def duration_text(seconds: float) -> Text:
    if seconds < 90:
        return Text(N_("{count} s"), count=f"{seconds:.0f}")
    if seconds < 5400:
        return Text(N_("{count} min"), count=f"{seconds / 60:.0f}")
    if seconds < 2 * 86400:
        return Text(N_("{count} h"), count=f"{seconds / 3600:.1f}".removesuffix(".0"))
    return Text(N_("{count} days"), count=f"{seconds / 86400:.0f}")


class SourceCatalog:
    """Source listing and administration; NewsService sets these attributes."""

    repos: Repos
    config_sources: tuple[Source, ...]
    admins: frozenset[str]
    fetcher: FeedFetcher | None
    bundled_sources: bool = False  # config_sources is the bundled list (NEWSBOT_SOURCES unset)

    # sources -------------------------------------------------------------------------------

    def all_sources(self) -> list[Source]:
        seen = {s.url for s in self.config_sources}
        extra = [s for s in self.repos.sources.list() if s.url not in seen]
        return [*self.config_sources, *extra]

    def source_statuses(self) -> list[SourceStatus]:
        config_urls = {s.url for s in self.config_sources}
        return [
            SourceStatus(s, self.repos.sources.state(s.url), s.url in config_urls) for s in self.all_sources()
        ]

    def is_admin(self, actor: Actor) -> bool:
        return actor.elevated or (actor.admin_id is not None and actor.admin_id in self.admins)

    def _config_source_help(self, source: Source) -> Text:
        if self.bundled_sources:
            return bundled_help(source.name)
        return Text(N_("{name} comes from the sources file; remove it there and restart."), name=source.name)

    def _require_admin(self, actor: Actor) -> None:
        if not self.is_admin(actor):
            raise PermissionDenied(N_("Only the bot's admins can change the sources."))

    async def add_source(self, actor: Actor, url: str, name: str | None = None) -> Source:
        self._require_admin(actor)
        url = normalize_url(url)
        for known in self.all_sources():
            if known.url == url:
                raise SourceError(N_("{name} is already polled from that address."), name=known.name)
            if name and known.name.casefold() == name.casefold():
                raise SourceError(N_("There is already a source named {name}."), name=known.name)
        if self.fetcher is None:
            raise SourceError(N_("Sources cannot be added in this mode."))
        found = await find_feeds(url, self.fetcher)  # the feed, or the feeds of the page at url
        known = {s.url: s.name for s in self.all_sources()}
        fresh = tuple(f for f in found.feeds if f.url not in known)
        if not fresh:
            raise SourceError(
                N_("{name} is already polled from that address."), name=known[found.feeds[0].url]
            )
        if len(fresh) > 1:
            raise SeveralFeeds(found.page or url, fresh)
        candidate = fresh[0]
        url = candidate.url
        source = Source(
            name=_source_name(name, candidate.title, url, self.all_sources()),
            url=url,
            added_by=f"{actor.platform}:{actor.user_id}",
        )
        if not self.repos.sources.add(source):
            raise SourceError(N_("{name} is already a source."), name=source.name)
        return source

    def remove_source(self, actor: Actor, name_or_url: str) -> Source:
        self._require_admin(actor)
        wanted = name_or_url.strip()
        for s in self.config_sources:
            if wanted in (s.url, s.name) or wanted.casefold() == s.name.casefold():
                raise SourceError(self._config_source_help(s))
        removed = self.repos.sources.remove(wanted)
        if removed is None:
            for s in self.repos.sources.list():
                if wanted.casefold() == s.name.casefold():
                    removed = self.repos.sources.remove(s.url)
                    break
        if removed is None:
            raise SourceError(N_("No source is named {name}. Send /sources to see them."), name=wanted)
        return removed


def bundled_help(name: str) -> Text:
    return Text(
        N_(
            "{name} is in newsbot's bundled source list, which cannot be changed from chat. To choose "
            "your own sources, copy {path} to a file of your own, edit it, point "
            "NEWSBOT_SOURCES at that file and restart."
        ),
        name=name,
        path=str(bundled_sources_path()),
    )


def _source_name(asked: str | None, title: str | None, url: str, existing: Sequence[Source]) -> str:
    base = (asked or title or urlsplit(url).hostname or url).strip()[:60] or url
    taken = {s.name.casefold() for s in existing}
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base} ({n})", n + 1
    return name
