"""A loopback WebSub hub: takes subscribe/unsubscribe requests, verifies intent with the
subscriber's callback (as W3C WebSub says), and delivers content signed with the subscriber's
secret (or a wrong one, on demand).

    with FakeHub() as hub:
        hub.url                                  # http://127.0.0.1:<port>/hub
        hub.wait_verified(topic, timeout=10)     # the subscriber echoed our challenge
        hub.publish(topic, body)                 # -> the callback's HTTP status
        hub.publish(topic, body, secret="wrong") # a forged delivery
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Subscription:
    topic: str
    callback: str
    secret: str | None
    lease_seconds: int | None
    verified: bool = False
    mode: str = "subscribe"
    requests: list[dict[str, str]] = field(default_factory=list)


class FakeHub:
    def __init__(self, lease_seconds: int = 3600) -> None:
        self.lease_seconds = lease_seconds
        self.subscriptions: dict[str, Subscription] = {}  # by topic
        self.requests: list[dict[str, str]] = []
        self.deliveries: list[tuple[str, int]] = []  # (topic, callback status)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hub"

    def start(self) -> FakeHub:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        server = self._server
        serve = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        serve.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_verified(self, topic: str, timeout: float = 10.0) -> Subscription:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                sub = self.subscriptions.get(topic)
                if sub is not None and sub.verified and sub.mode == "subscribe":
                    return sub
            time.sleep(0.05)
        raise AssertionError(f"no verified subscription for {topic}; requests: {self.requests}")

    def publish(self, topic: str, body: bytes, *, secret: str | None = None, method: str = "sha256") -> int:
        with self._lock:
            sub = self.subscriptions[topic]
        key = (secret if secret is not None else sub.secret or "").encode()
        signature = f"{method}={hmac.new(key, body, getattr(hashlib, method)).hexdigest()}"
        request = urllib.request.Request(
            sub.callback,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/rss+xml",
                "X-Hub-Signature": signature,
                "Link": f'<{self.url}>; rel="hub", <{topic}>; rel="self"',
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        self.deliveries.append((topic, status))
        return status

    def _verify(self, form: dict[str, str]) -> None:
        challenge = secrets.token_hex(8)
        query = {"hub.mode": form["hub.mode"], "hub.topic": form["hub.topic"], "hub.challenge": challenge}
        if form["hub.mode"] == "subscribe":
            query["hub.lease_seconds"] = str(self.lease_seconds)
        callback = form["hub.callback"]
        url = callback + ("&" if "?" in callback else "?") + urllib.parse.urlencode(query)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                echoed = response.read().decode() == challenge and response.status == 200
        except (urllib.error.URLError, OSError):
            echoed = False
        with self._lock:
            sub = self.subscriptions.get(form["hub.topic"])
            if sub is not None and sub.callback == callback:
                sub.verified = echoed
                sub.mode = form["hub.mode"]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                with hub._lock:
                    hub.requests.append(form)
                if form.get("hub.mode") not in ("subscribe", "unsubscribe") or "hub.topic" not in form:
                    self.send_response(400)
                    self.end_headers()
                    return
                with hub._lock:
                    if form["hub.mode"] == "subscribe":
                        lease = form.get("hub.lease_seconds")
                        hub.subscriptions[form["hub.topic"]] = Subscription(
                            form["hub.topic"],
                            form["hub.callback"],
                            form.get("hub.secret"),
                            int(lease) if lease else None,
                        )
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                threading.Thread(target=hub._verify, args=(form,), daemon=True).start()

        return Handler
