"""A loopback fake of the Telegram Bot API, served over real HTTP from a thread.

Point the bot at `api.url` (TELEGRAM_API_URL / `base_url`): it answers getMe, setMyCommands,
getUpdates (long polling over a queue the test fills with `push_message` / `push_callback`),
sendMessage and friends, records what the bot sent, and fails on demand (`fail_next`, optionally
for one chat only, optionally after hanging longer than the bot's read timeout).
`send_delay` makes every sendMessage slow (a broadcast a test can interrupt half-way); a send
whose client went away meanwhile still counts as sent, as on Telegram. `timeline` stamps every
call with `time.monotonic()`. Tests wait on `wait_for_sent` / `wait_until` (a condition
variable), never on sleeps.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

Payload = dict[str, Any]
BOT_USER: Payload = {"id": 4242, "is_bot": True, "first_name": "Newsbot", "username": "newsbot_test_bot"}
MAX_LONG_POLL = 1.0  # seconds a getUpdates call may hang here, whatever timeout the bot asked for
# PTB form-encodes every parameter, JSON-encoding the non-strings: decode these as numbers
_INT_KEYS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "user_id",
    "from_chat_id",
    "message_thread_id",
}


def unmarked(text: str) -> str:
    """An alert's text without the underline marking its title's matched words."""
    return text.replace("<u>", "").replace("</u>", "")


@dataclass(frozen=True)
class Failure:
    status: int
    description: str
    parameters: Payload | None = None
    chat_id: int | str | None = None  # None: whichever chat the next call is for
    hang: float = 0.0  # seconds to hold the request before answering with the failure


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _chat(chat_id: int | str, chat_type: str | None = None) -> Payload:
    if chat_type is None:
        numeric = int(chat_id) if str(chat_id).lstrip("-").isdigit() else 0
        chat_type = "private" if numeric > 0 else "supergroup" if str(chat_id).startswith("-100") else "group"
    chat: Payload = {"id": chat_id, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Test group"
    return chat


def message_payload(
    message_id: int,
    chat_id: int,
    user_id: int,
    text: str,
    chat_type: str | None = None,
    language_code: str | None = None,
) -> Payload:
    """A user's text message as Telegram sends it; a leading /command gets its bot_command entity;
    `language_code` is the user's Telegram app language, as Telegram reports it."""
    sender: Payload = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    if language_code:
        sender["language_code"] = language_code
    message: Payload = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": _chat(chat_id, chat_type),
        "from": sender,
        "text": text,
    }
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
    return message


def callback_payload(
    query_id: str, chat_id: int, user_id: int, data: str, message_id: int, reply_markup: Payload | None = None
) -> Payload:
    """A tap on an inline button under the bot's message `message_id`."""
    message: Payload = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": BOT_USER,
        "text": "menu",
    }
    if reply_markup:
        message["reply_markup"] = reply_markup
    return {
        "id": query_id,
        "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
        "chat_instance": f"ci{chat_id}",
        "data": data,
        "message": message,
    }


_ADMIN_RIGHTS: Payload = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_messages": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


def chat_member_payload(status: str, user: Payload) -> Payload:
    """A ChatMember of `status` ("creator", "administrator", "member", "restricted", "left", "kicked")."""
    member: Payload = {"status": status, "user": user}
    if status == "administrator":
        member.update(_ADMIN_RIGHTS)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    elif status == "restricted":
        member.update(
            is_member=True,
            until_date=0,
            can_send_messages=False,
            can_send_audios=False,
            can_send_documents=False,
            can_send_photos=False,
            can_send_videos=False,
            can_send_video_notes=False,
            can_send_voice_notes=False,
            can_send_polls=False,
            can_send_other_messages=False,
            can_add_web_page_previews=False,
            can_change_info=False,
            can_invite_users=False,
            can_pin_messages=False,
            can_manage_topics=False,
        )
    return member


def _decode_multipart(content_type: str, body: bytes) -> Payload:
    """Form fields as strings (numbers as ints), each uploaded file as {"filename", "content"}."""
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: Payload = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            params[f"file:{name}"] = {"filename": filename, "content": content}
            continue
        value = content.decode("utf-8")
        params[str(name)] = int(value) if str(name) in _INT_KEYS and value.lstrip("-").isdigit() else value
    return params


def _decode_form(body: str) -> Payload:
    params: Payload = {}
    for key, values in parse_qs(body, keep_blank_values=True).items():
        value = values[-1]
        if value[:1] in ("{", "["):  # reply_markup, link_preview_options, commands...
            params[key] = json.loads(value)
        elif key in _INT_KEYS and value.lstrip("-").isdigit():
            params[key] = int(value)
        elif value in ("true", "false") and key not in ("text", "caption"):
            params[key] = value == "true"
        else:
            params[key] = value
    return params


class FakeBotApi:
    def __init__(self, token: str | None = None) -> None:
        self.token = token  # None: accept any token
        self.reject_token = False
        self.sent: list[Payload] = []  # sendMessage payloads, in order
        self.calls: list[tuple[str, Payload]] = []  # every method call
        self.timeline: list[tuple[float, str, Payload]] = []  # the same calls, with monotonic times
        self.send_delay = 0.0  # seconds every sendMessage takes
        # Telegram's flood control: more than `flood_limit` messages to one chat within
        # `flood_window` seconds are refused with 429 and retry_after = `flood_retry_after`
        self.flood_limit: int | None = None
        self.flood_window = 1.0
        self.flood_retry_after = 1
        self.flooded = 0  # how many sends were refused that way
        self._updates: list[Payload] = []
        self._failures: dict[str, list[Failure]] = {}
        # getChatMember: (chat id, user id) -> status; anyone not listed is an "administrator"
        self.members: dict[tuple[int, int], str] = {}
        self.chats: dict[str, Payload] = {}  # getChat: "@name" or "id" -> the chat; others: not found
        self.documents: list[Payload] = []  # sendDocument params; files under "file:<field>"
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._callback_ids = itertools.count(1)
        self._cond = threading.Condition()
        self._closing = False
        self._stopped = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-bot-api", daemon=True
        )

    # lifecycle ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # what the test injects -------------------------------------------------------------------

    def push_update(self, update: Payload) -> int:
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def push_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        chat_type: str | None = None,
        language_code: str | None = None,
    ) -> int:
        message = message_payload(next(self._message_ids), chat_id, user_id, text, chat_type, language_code)
        return self.push_update({"message": message})

    def push_callback(self, chat_id: int, user_id: int, data: str, message_id: int | None = None) -> int:
        """A tap on an inline button of the bot's message `message_id` (default: its last one)."""
        with self._cond:
            mine = [p for p in self.sent if str(p.get("chat_id")) == str(chat_id)]
            message = mine[-1] if message_id is None and mine else None
        if message_id is None:
            message_id = int(message["message_id"]) if message else next(self._message_ids)
        markup = message.get("reply_markup") if message else None
        query = callback_payload(str(next(self._callback_ids)), chat_id, user_id, data, message_id, markup)
        return self.push_update({"callback_query": query})

    def push_channel_post(self, channel_id: int, text: str) -> int:
        """A post in a channel (commands there come as channel_post, from the channel itself)."""
        post = message_payload(next(self._message_ids), channel_id, 0, text, "channel")
        del post["from"]
        post["sender_chat"] = {"id": channel_id, "type": "channel", "title": "Test channel"}
        return self.push_update({"channel_post": post})

    def push_topic_message(self, chat_id: int, user_id: int, thread_id: int, text: str) -> int:
        """A message in topic `thread_id` of a forum supergroup."""
        message = message_payload(next(self._message_ids), chat_id, user_id, text, "supergroup")
        message["chat"]["is_forum"] = True
        message.update(message_thread_id=thread_id, is_topic_message=True)
        return self.push_update({"message": message})

    def push_migration(self, old_chat_id: int, new_chat_id: int) -> int:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": _chat(old_chat_id, "group"),
            "migrate_to_chat_id": new_chat_id,
        }
        return self.push_update({"message": message})

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
        chat_id: int | str | None = None,
        hang: float = 0.0,
    ) -> None:
        """Answer the next `times` calls of `method` (for `chat_id` only, when given) with an error,
        each after holding the request `hang` seconds (longer than the bot's timeout: a hang)."""
        parameters: Payload = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        with self._cond:
            self._failures.setdefault(method, []).extend(
                [Failure(status, description, parameters or None, chat_id, hang)] * times
            )

    # what the test waits for ----------------------------------------------------------------

    def wait_for_sent(self, predicate: Callable[[Payload], bool], timeout: float = 5.0) -> Payload:
        """The first message the bot sent successfully that matches `predicate`, waiting if needed."""
        return self._wait(lambda: [p for p in self.sent if predicate(p)], "sendMessage", timeout)

    def wait_for_call(
        self, method: str, predicate: Callable[[Payload], bool] = lambda p: True, timeout: float = 5.0
    ) -> Payload:
        """The first call of `method` (failed ones included) matching `predicate`."""
        return self._wait(lambda: [p for m, p in self.calls if m == method and predicate(p)], method, timeout)

    def _wait(self, matches: Callable[[], list[Payload]], method: str, timeout: float) -> Payload:
        with self._cond:
            if not self._cond.wait_for(lambda: bool(matches()), timeout):
                seen = [p.get("text", p) for m, p in self.calls if m == method]
                raise AssertionError(f"no matching {method} within {timeout}s; got {seen!r}")
            return matches()[0]

    def wait_until(self, condition: Callable[[FakeBotApi], bool], timeout: float = 5.0) -> bool:
        """Wait (on the calls' condition variable) until `condition(self)` holds; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: condition(self), timeout)

    def sent_to(self, chat_id: int | str, needle: str = "") -> list[Payload]:
        """Messages sent successfully to `chat_id` whose text contains `needle` (a title's
        matched words are underlined: "SOCAR terminal" is found in "<u>SOCAR</u> terminal")."""
        with self._cond:
            mine = [p for p in self.sent if str(p.get("chat_id")) == str(chat_id)]
        return [p for p in mine if needle in unmarked(str(p.get("text", "")))]

    def texts(self) -> list[str]:
        with self._cond:
            return [str(p.get("text", "")) for p in self.sent]

    # the server side ------------------------------------------------------------------------

    def _handle(self, path: str, params: Payload) -> tuple[int, Payload]:
        prefix, _, method = path.rpartition("/")
        token = prefix.removeprefix("/bot")
        if self.reject_token or not prefix.startswith("/bot") or (self.token and token != self.token):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "sendMessage" and self.send_delay:
            self._stopped.wait(self.send_delay)
        with self._cond:
            failure = self._take_failure(method, params) or self._flood_control(method, params)
            if failure is not None:
                self._record(method, params)
                self._cond.notify_all()
        if failure is not None:
            if failure.hang:
                self._stopped.wait(failure.hang)
            body: Payload = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.parameters:
                body["parameters"] = failure.parameters
            return failure.status, body
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method == "getChat" and str(params.get("chat_id")) not in self.chats:
            with self._cond:
                self._record(method, params)
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        with self._cond:
            self._record(method, params)
            if method == "sendMessage":
                self.sent.append(params)
            result = self._result(method, params)
            self._cond.notify_all()
        return 200, {"ok": True, "result": result}

    def _get_updates(self, params: Payload) -> list[Payload]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), MAX_LONG_POLL)
        with self._cond:
            self._record("getUpdates", params)
            if offset:  # Telegram forgets updates below the confirmed offset
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._cond.wait_for(lambda: bool(self._updates) or self._closing, wait)
            limit = int(params.get("limit") or 100)
            return list(self._updates[:limit])

    def _flood_control(self, method: str, params: Payload) -> Failure | None:
        if self.flood_limit is None or method not in ("sendMessage", "editMessageText"):
            return None
        chat, since = str(params.get("chat_id")), time.monotonic() - self.flood_window
        recent = sum(
            1 for at, m, p in self.timeline if at >= since and m == method and str(p.get("chat_id")) == chat
        )
        if recent < self.flood_limit:
            return None
        self.flooded += 1
        retry = self.flood_retry_after
        return Failure(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}, None, 0.0)

    def _take_failure(self, method: str, params: Payload) -> Failure | None:
        queued = self._failures.get(method) or []
        for i, failure in enumerate(queued):
            if failure.chat_id is None or str(failure.chat_id) == str(params.get("chat_id")):
                return queued.pop(i)
        return None

    def _record(self, method: str, params: Payload) -> None:
        self.calls.append((method, params))
        self.timeline.append((time.monotonic(), method, params))

    def _result(self, method: str, params: Payload) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getChat":
            chat = self.chats.get(str(params.get("chat_id")))
            return {"accent_color_id": 0, "max_reaction_count": 11, **(chat or {})}
        if method == "sendDocument":
            self.documents.append(params)
            return {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": _chat(params.get("chat_id", 0)),
                "from": BOT_USER,
                "document": {"file_id": "doc1", "file_unique_id": "udoc1", "file_name": "sources.opml"},
            }
        if method == "getChatMember":
            chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
            user = (
                BOT_USER if user_id == BOT_USER["id"] else {"id": user_id, "is_bot": False, "first_name": "U"}
            )
            return chat_member_payload(self.members.get((chat_id, user_id), "administrator"), user)
        if method in ("sendMessage", "editMessageText"):
            message_id = params.get("message_id") or next(self._message_ids)
            if method == "sendMessage":
                params["message_id"] = message_id  # so push_callback can point at it
            message: Payload = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": _chat(params.get("chat_id", 0)),
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if params.get("message_thread_id"):
                message.update(message_thread_id=params["message_thread_id"], is_topic_message=True)
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            return message
        return True

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if "multipart" in kind:  # an upload (sendDocument): fields as params, files kept aside
                    params = _decode_multipart(kind, body)
                    self._send(*api._handle(self.path.split("?", 1)[0], params))
                    return
                raw = body.decode("utf-8")
                params = json.loads(raw or "{}") if "json" in kind else _decode_form(raw)
                self._send(*api._handle(self.path.split("?", 1)[0], params))

            def do_GET(self) -> None:
                query = self.path.partition("?")[2]
                self._send(*api._handle(self.path.split("?", 1)[0], _decode_form(query)))

            def _send(self, status: int, body: Payload) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # the bot went away mid long-poll (killed or stopped): nothing to answer
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: request lines carry the token

        return Handler
