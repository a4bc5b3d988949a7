"""A loopback HTTP server that serves feeds the way real servers do, and misbehaves on demand.

Usage::

    with FeedServer() as server:
        server.route("/feed.xml", body=rss_bytes, etag='"v1"')
        url = server.url("/feed.xml")          # http://127.0.0.1:<port>/feed.xml
        ...                                     # fetch it: 200, then 304 when If-None-Match matches
        assert server.requests[-1].headers["if-none-match"] == '"v1"'

Route options (all keyword):
    body          bytes of the response (default b"")
    status        HTTP status (default 200)
    headers       extra response headers (override the defaults)
    content_type  default "application/rss+xml; charset=utf-8"
    etag / last_modified  sent as ETag / Last-Modified; a request whose If-None-Match /
                  If-Modified-Since matches gets 304 with no body
    delay         seconds to wait before answering
    hang          accept the request and never answer (until the server stops)
    chunks        a sequence of byte strings, or a zero-argument callable returning an iterable
                  (for huge bodies); sent one by one with `chunk_delay` seconds between, no
                  Content-Length (connection-delimited)
    gzip          compress the body and send Content-Encoding: gzip (body is sent as given
                  when headers set Content-Encoding yourself)
    redirect_to   302 to this path or absolute URL
    raw           bytes written to the socket instead of any HTTP response (garbage responses)

Unknown paths get 404. `requests` is the log of (method, path, headers) in arrival order;
`hits(path)` counts requests for a path. Stopping never waits for hanging handlers: they
wait on a stop event and handler threads are daemons.
"""

from __future__ import annotations

import gzip as gzip_module
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

Chunks = Sequence[bytes] | Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class Route:
    body: bytes = b""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    hang: bool = False
    chunks: Chunks | None = None
    chunk_delay: float = 0.0
    gzip: bool = False
    redirect_to: str | None = None
    raw: bytes | None = None


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # lower-case names


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, owner: FeedServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up mid-body (size caps, timeouts) are expected here


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request a connection: bodies may be close-delimited

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        path = self.path
        owner._record(RecordedRequest("GET", path, {k.lower(): v for k, v in self.headers.items()}))
        route = owner._routes.get(path) or owner._routes.get(path.split("?", 1)[0])
        if route is None:
            self._send(404, b"not found", {"Content-Type": "text/plain"})
            return
        if route.hang:
            owner._stop.wait()
            return
        if route.delay and owner._stop.wait(route.delay):
            return
        if route.raw is not None:
            self.wfile.write(route.raw)
            return
        if route.redirect_to is not None:
            target = route.redirect_to
            location = target if "://" in target else owner.url(target)
            self._send(302, b"", {"Location": location})
            return
        headers = {"Content-Type": route.content_type}
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        headers.update(route.headers)
        if self._not_modified(route):
            self._send(304, b"", {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")})
            return
        if route.chunks is not None:
            self._stream(route, headers)
            return
        body = route.body
        if route.gzip:
            body = gzip_module.compress(body)
            headers.setdefault("Content-Encoding", "gzip")
        self._send(route.status, body, headers)

    def _not_modified(self, route: Route) -> bool:
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if route.etag and inm is not None:
            return route.etag in [tag.strip() for tag in inm.split(",")]
        return bool(route.last_modified and ims == route.last_modified)

    def _send(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, route: Route, headers: Mapping[str, str]) -> None:
        self.send_response(route.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        chunks = route.chunks() if callable(route.chunks) else route.chunks
        try:
            for i, chunk in enumerate(chunks or ()):
                if i and route.chunk_delay and self.server.owner._stop.wait(route.chunk_delay):
                    return
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: that is what caps are for


class FeedServer:
    """Start with `start()` or `with FeedServer() as server:`; see the module docstring."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._log: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FeedServer:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="feedserver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # releases hanging and delayed handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start the server first"
        return int(self._server.server_address[1])

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path if path.startswith('/') else '/' + path}"

    def route(self, path: str, **options: object) -> Route:
        route = Route(**options)  # type: ignore[arg-type]
        with self._lock:
            self._routes[path] = route
        return route

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def hits(self, path: str) -> int:
        return sum(r.path == path for r in self.requests)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.requests) >= count:
                return True
            time.sleep(0.01)
        return False

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._log.append(request)
