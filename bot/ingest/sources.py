"""Feed sources: the operator's TOML file, URL checks, and vetting a source a user wants to add."""

from __future__ import annotations

import asyncio
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.clock import SystemClock
from bot.errors import ConfigError, SourceError
from bot.ingest.fetch import FeedFetcher, FetchStatus
from bot.ingest.netguard import AddressGuard, BlockedAddressError
from bot.ingest.parse import parse_feed
from bot.models import Source
from bot.text.urls import display_url, normalize_url
from bot.texts import N_, Text

_KEYS = frozenset({"name", "url"})


@dataclass(frozen=True)
class CandidateSource:
    url: str
    title: str | None  # the feed's own title: a default name


def bundled_sources_path() -> Path:
    return Path(str(resources.files("bot") / "data" / "sources.toml"))


def load_sources(path: Path | None = None) -> tuple[Source, ...]:
    """The operator's sources (trusted: fetched without the SSRF guard). None: the bundled list."""
    path = bundled_sources_path() if path is None else Path(path)
    where = str(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{where}: sources file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{where}: is a directory, not a sources file") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read the sources file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not valid TOML: the file is not UTF-8") from None
    tables = data.get("sources")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f'{where}: no sources; add [[sources]] tables with name = "..." and url = "..."')
    sources: list[Source] = []
    names: dict[str, int] = {}
    urls: dict[str, int] = {}
    for number, table in enumerate(tables, start=1):
        source = _source(where, number, table)
        folded = source.name.casefold()
        if folded in names:
            raise ConfigError(
                f"{where}: source #{number}: the name {source.name!r} is already used by #{names[folded]}"
            )
        if source.url in urls:
            raise ConfigError(
                f"{where}: source #{number}: {source.url} is already listed as #{urls[source.url]}"
            )
        names[folded], urls[source.url] = number, number
        sources.append(source)
    return tuple(sources)


def _source(where: str, number: int, table: Any) -> Source:
    label = f"{where}: source #{number}"
    if not isinstance(table, dict):
        raise ConfigError(f"{label}: expected a [[sources]] table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{label}: unknown key(s) {', '.join(unknown)} (allowed: name, url)")
    name, url = table.get("name"), table.get("url")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}: missing name (a non-empty string)")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{label} ({name.strip()}): missing url (a string)")
    if not url.strip().lower().startswith(("http://", "https://")):
        raise ConfigError(f"{label} ({name.strip()}): url must start with http:// or https://")
    try:
        return Source(name=name.strip(), url=normalize_url(url))
    except SourceError as exc:
        raise ConfigError(f"{label} ({name.strip()}): {exc}") from None


async def check_candidate_source(url: str, fetcher: FeedFetcher) -> CandidateSource:
    """Vet a user-proposed feed: public address, fetchable, really a feed. Raises SourceError."""
    url = normalize_url(url)
    host = urlsplit(url).hostname or url
    try:
        AddressGuard().check_host_literal(host)
    except BlockedAddressError:
        raise SourceError(N_("{host} is not a public address."), host=host) from None
    result = await fetcher.fetch(url, guarded=True)
    if result.status is not FetchStatus.OK:
        if result.blocked:
            raise SourceError(N_("{host} is not a public address."), host=host)
        raise SourceError(
            N_("{url} could not be fetched: {problem}."),
            url=display_url(url),
            problem=result.error or Text(N_("no content")),
        )
    parsed = await asyncio.to_thread(
        parse_feed,
        result.body,
        source="candidate",
        url=result.url,
        headers=result.headers,
        now=SystemClock().now(),
    )
    if not parsed.is_feed or not (parsed.articles or parsed.title):
        raise SourceError(N_("{url} is not an RSS/Atom feed."), url=display_url(url))
    title = " ".join((parsed.title or "").split())[:80] or None
    return CandidateSource(url=url, title=title)
