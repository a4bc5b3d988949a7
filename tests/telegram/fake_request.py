"""A recording stand-in for Telegram's HTTP: PTB talks to it through the real `BaseRequest` API."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

from tests.support.fake_bot_api import chat_member_payload

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "News", "username": "newsbot_test"}


@dataclass
class _Missing:
    body: dict[str, Any]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool = True  # False: answered with a scripted failure


@dataclass
class Scripted:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    raises: BaseException | None = None


def error(status: int, description: str, **parameters: Any) -> Scripted:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Scripted(status, body)


class RecordingRequest(BaseRequest):
    """Answers every Bot API method like Telegram would; `script` injects failures per method."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.script: dict[str, list[Scripted]] = {}
        self._ids = itertools.count(100)
        self._changed = asyncio.Event()
        # getChatMember: (chat id, user id) -> status; anyone else is an "administrator"
        self.members: dict[tuple[int, int], str] = {}
        self.chats: dict[str, dict[str, Any]] = {}  # getChat: "@name" or "id" -> the chat
        self.files: dict[str, bytes] = {}  # getFile: file_id -> content, downloaded from /file/bot...
        self.downloads: list[str] = []  # the URLs files were downloaded from
        self.uploads: list[tuple[str, bytes]] = []  # (method, content) of every uploaded document

    def fail(self, method: str, *responses: Scripted) -> None:
        self.script.setdefault(method, []).extend(responses)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Parameters of the successful calls of `method`."""
        return [c.params for c in self.calls if c.method == method and c.ok]

    def texts(self) -> list[str]:
        return [str(p["text"]) for p in self.sent()]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """For replies made by non-blocking handlers, which run as tasks after process_update."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download (getFile's path under PTB's base_file_url)
            self.downloads.append(url)
            self._changed.set()
            return 200, self.files.get(url.rsplit("/", 1)[-1], b"")
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            for _field, (_name, content, *_rest) in (request_data.multipart_data or {}).items():
                self.uploads.append((name, bytes(content)))
        self.calls.append(Call(name, params))
        self._changed.set()
        queued = self.script.get(name)
        if queued:
            answer = queued.pop(0)
            self.calls[-1].ok = False
            if answer.raises is not None:
                raise answer.raises
            return answer.status, json.dumps(answer.body).encode()
        result = self._result(name, params)
        if isinstance(result, _Missing):
            self.calls[-1].ok = False
            return 400, json.dumps(result.body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name in ("sendMessage", "editMessageText"):
            chat_id = params.get("chat_id", 1)
            return {
                "message_id": params.get("message_id") or next(self._ids),
                "date": 1_780_000_000,
                "chat": {"id": chat_id, "type": "private" if int(chat_id) > 0 else "group"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if name == "getUpdates":
            return []
        if name == "getChatMember":
            chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
            status = self.members.get((chat_id, user_id), "administrator")
            user = (
                BOT_USER if user_id == BOT_USER["id"] else {"id": user_id, "is_bot": False, "first_name": "U"}
            )
            return chat_member_payload(status, user)
        if name == "getChat":
            found = self.chats.get(str(params.get("chat_id")))
            if found is None:
                raise_missing = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
                return _Missing(raise_missing)
            return {"accent_color_id": 0, "max_reaction_count": 11, **found}
        if name == "getFile":
            file_id = str(params["file_id"])
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_path": f"documents/{file_id}"}
        if name == "sendDocument":
            chat_id = params.get("chat_id", 1)
            return {
                "message_id": next(self._ids),
                "date": 1_780_000_000,
                "chat": {"id": chat_id, "type": "private" if int(chat_id) > 0 else "group"},
                "from": BOT_USER,
                "document": {"file_id": "up1", "file_unique_id": "uup1", "file_name": "x.opml"},
            }
        return True
