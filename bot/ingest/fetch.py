"""HTTP fetching for feeds and article pages: bounded in time and bytes, errors as results.

Every fetch returns a FetchResult; nothing here raises for network trouble. Error texts are
categories ("HTTP 404", "timed out after 20s", "too large") and never contain the URL, headers
or the server's words, so they are safe to log and to show (URLs may carry tokens).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

import httpx

from bot.ingest.body import BodyTooLarge, Inflater, UnsupportedEncoding
from bot.ingest.netguard import BLOCKED_MESSAGE, AddressGuard, BlockedAddressError, guarded_transport

_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
ERROR_BLOCKED = f"refused: {BLOCKED_MESSAGE}"
ERROR_TOO_LARGE = "too large"


class FetchStatus(Enum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    ERROR = "error"


class FetchError(Enum):
    """What went wrong, for decisions (the SSRF guard refused, the server said 429) and metrics."""

    HTTP = "http"  # an HTTP error status; see http_status
    BLOCKED = "blocked"  # the SSRF guard refused an address on the way
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    ENCODING = "encoding"
    TLS = "tls"
    CONNECTION = "connection"
    ADDRESS = "address"  # not a usable http(s) URL
    REDIRECTS = "redirects"
    PROTOCOL = "protocol"  # a malformed HTTP exchange
    NOT_HTML = "not_html"
    NETWORK = "network"


@dataclass(frozen=True)
class FetchResult:
    status: FetchStatus
    url: str  # the final URL, after redirects
    body: bytes = b""  # decompressed
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # lower-case names
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    http_status: int | None = None
    kind: FetchError | None = None  # set when status is ERROR

    @property
    def blocked(self) -> bool:
        """The SSRF guard refused an address on the way."""
        return self.kind is FetchError.BLOCKED


class _Failure(Exception):
    def __init__(
        self,
        kind: FetchError,
        message: str,
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.http_status = http_status
        self.headers = headers  # an HTTP error's response headers (Retry-After)


class FeedFetcher:
    """One shared HTTP client for all sources; guarded fetches go through the SSRF guard.

    An injected `transport` stands for the whole network (tests, the demo): connect-time
    address checks cannot apply to it, so guarded fetches through it only refuse URLs whose
    host is visibly internal (IP literals, localhost).
    """

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        max_bytes: int = 10 * 1024 * 1024,
        user_agent: str = "newsbot/0.1 (+https://github.com/newsbot)",
        max_redirects: int = 5,
        transport: httpx.AsyncBaseTransport | None = None,
        guard: AddressGuard | None = None,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._guard = guard or AddressGuard()
        common = {
            "timeout": httpx.Timeout(timeout),
            "headers": {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            "follow_redirects": False,  # followed by hand: each hop is checked and counted
        }
        self._client = httpx.AsyncClient(transport=transport, **common)  # type: ignore[arg-type]
        if transport is None:
            self._guarded = httpx.AsyncClient(
                transport=guarded_transport(self._guard),
                trust_env=False,
                **common,  # type: ignore[arg-type]
            )
        else:
            self._guarded = self._client

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, guarded: bool = False
    ) -> FetchResult:
        headers = {"Accept": _FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        result = await self._get(url, headers, guarded=guarded, page=False)
        if result.status is FetchStatus.NOT_MODIFIED:
            # A 304 need not repeat the validators; the ones we sent are still current.
            return FetchResult(
                FetchStatus.NOT_MODIFIED,
                result.url,
                headers=result.headers,
                etag=result.etag or etag,
                last_modified=result.last_modified or last_modified,
                http_status=304,
            )
        return result

    async def fetch_page(self, url: str, *, guarded: bool = False) -> FetchResult:
        """An article's HTML page, under the same limits as feeds."""
        return await self._get(url, {"Accept": _PAGE_ACCEPT}, guarded=guarded, page=True)

    async def post_form(self, url: str, form: Mapping[str, str], *, guarded: bool = False) -> int | None:
        """POST a form (a WebSub hub request): the HTTP status, or None when it could not be sent."""
        try:
            target = httpx.URL(url)
            if target.scheme not in ("http", "https") or not target.host:
                return None
            if guarded:
                self._guard.check_host_literal(target.host)
            client = self._guarded if guarded else self._client
            async with asyncio.timeout(self.timeout):
                response = await client.post(target, data=dict(form))
            return response.status_code
        except (BlockedAddressError, TimeoutError, httpx.HTTPError, httpx.InvalidURL, TypeError):
            return None

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._guarded is not self._client:
            await self._guarded.aclose()

    async def _get(self, url: str, headers: dict[str, str], *, guarded: bool, page: bool) -> FetchResult:
        final = [url]
        try:
            async with asyncio.timeout(self.timeout):  # the whole exchange, not each read
                return await self._follow(url, headers, guarded, page, final)
        except _Failure as exc:
            return _error(final[0], exc.kind, exc.message, exc.http_status, exc.headers)
        except BlockedAddressError:
            return _error(final[0], FetchError.BLOCKED, ERROR_BLOCKED)
        except (TimeoutError, httpx.TimeoutException):
            return _error(final[0], FetchError.TIMEOUT, f"timed out after {self.timeout:g}s")
        except BodyTooLarge:
            return _error(final[0], FetchError.TOO_LARGE, f"{ERROR_TOO_LARGE} (over {self.max_bytes} bytes)")
        except UnsupportedEncoding:
            return _error(final[0], FetchError.ENCODING, "unsupported content encoding")
        except httpx.ConnectError as exc:
            if isinstance(exc.__cause__, BlockedAddressError):
                return _error(final[0], FetchError.BLOCKED, ERROR_BLOCKED)
            if _caused_by_tls(exc):
                return _error(final[0], FetchError.TLS, "TLS handshake failed")
            return _error(final[0], FetchError.CONNECTION, "connection failed")
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            return _error(final[0], FetchError.ADDRESS, "invalid address")
        except (httpx.RemoteProtocolError, httpx.LocalProtocolError, httpx.DecodingError):
            return _error(final[0], FetchError.PROTOCOL, "bad HTTP response")
        except httpx.HTTPError as exc:
            return _error(final[0], FetchError.NETWORK, f"network error ({type(exc).__name__})")

    async def _follow(
        self, url: str, headers: dict[str, str], guarded: bool, page: bool, final: list[str]
    ) -> FetchResult:
        client = self._guarded if guarded else self._client
        current = url
        for _ in range(self.max_redirects + 1):
            final[0] = current
            try:
                target = httpx.URL(current)
            except (httpx.InvalidURL, TypeError):
                raise _Failure(FetchError.ADDRESS, "invalid address") from None
            if target.scheme not in ("http", "https") or not target.host:
                raise _Failure(FetchError.ADDRESS, "not an http(s) address")
            if guarded:
                self._guard.check_host_literal(target.host)
            response = await client.send(client.build_request("GET", target, headers=headers), stream=True)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    current = str(response.url.join(location.strip()))
                    continue
                return await self._finish(response, page)
            finally:
                await response.aclose()
        raise _Failure(FetchError.REDIRECTS, f"too many redirects (more than {self.max_redirects})")

    async def _finish(self, response: httpx.Response, page: bool) -> FetchResult:
        url = str(response.url)
        headers = MappingProxyType({k.lower(): v for k, v in response.headers.items()})
        etag, modified = headers.get("etag"), headers.get("last-modified")
        status = response.status_code
        if status == 304:
            return FetchResult(
                FetchStatus.NOT_MODIFIED, url, headers=headers, etag=etag, last_modified=modified
            )
        if not 200 <= status < 300:
            raise _Failure(FetchError.HTTP, f"HTTP {status}", status, headers)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise BodyTooLarge
        if page and not _looks_like_page(headers.get("content-type", "")):
            raise _Failure(FetchError.NOT_HTML, "not an HTML page", status)
        parts: list[bytes] = []
        if response.is_stream_consumed:  # an in-memory response (mock transports): already decoded
            inflater = Inflater("", self.max_bytes)
            parts.append(inflater.feed(response.content))
        else:
            inflater = Inflater(headers.get("content-encoding", ""), self.max_bytes)
            async for raw in response.aiter_raw():
                parts.append(inflater.feed(raw))
            parts.append(inflater.flush())
        return FetchResult(
            FetchStatus.OK,
            url,
            b"".join(parts),
            headers,
            etag=etag,
            last_modified=modified,
            http_status=status,
        )


def _looks_like_page(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return not media or "html" in media or "xml" in media or media.startswith("text/")


def _error(
    url: str,
    kind: FetchError,
    message: str,
    http_status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    return FetchResult(
        FetchStatus.ERROR,
        url,
        headers=headers if headers is not None else MappingProxyType({}),
        error=message,
        http_status=http_status,
        kind=kind,
    )


def _caused_by_tls(exc: BaseException) -> bool:
    """httpx nests the ssl error a few levels down (httpx <- httpcore <- ssl)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
