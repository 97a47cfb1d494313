"""A local fake Zalo Bot API over real HTTP, answering as the platform is documented to.

Point `ZaloClient(token, server.url)` at it, push events as Zalo users would send
them, then assert on what the bot sent and on ``server.violations`` (requests the
real platform would refuse). Facts it follows: tests/specs/zalo-bot-api.md.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any, Literal, Self

from aiohttp import ClientSession, web

from tests.fakes.telegram_methods import ChangeSignal

JsonObject = dict[str, Any]
Shape = Literal["single", "array", "bare"]

DEFAULT_TOKEN = "2718281828459:zalo-test-secret"
WEBHOOK_SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_LIMIT = 2000
SECRET_LENGTH = (8, 256)
BLOCKED = (403, "User has blocked the bot or is not reachable")


@dataclass(frozen=True)
class Call:
    """One request the bot made, as decoded JSON."""

    method: str
    params: JsonObject
    error_code: int | None = None  # None when Zalo answered ok

    @property
    def ok(self) -> bool:
        return self.error_code is None


class _Refusal(Exception):
    def __init__(self, error_code: int, description: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.error_code, self.description = error_code, description
        self.headers = headers or {}


class FakeZaloServer:
    """Zalo as the bot sees it: the Bot API, people who send it events, and their chats."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, shape: Shape = "single") -> None:
        self.token = token
        self.shape: Shape = shape  # how getUpdates answers: one event, an array, the bare event
        self.bot_id = token.split(":", 1)[0]
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.webhook: JsonObject = {"url": "", "updated_at": 0}
        self.blocked: set[str] = set()
        self._pending: deque[JsonObject] = deque()
        self._failures: dict[str, list[_Refusal]] = {}
        self._changed = ChangeSignal()
        self._message_ids = count(1)
        self._waiting_polls = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.url = ""

    # Lifecycle

    async def start(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        self._closing = True
        self._changed.notify()  # long polls answer 408 at once instead of holding shutdown
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # What the bot did

    @property
    def pending(self) -> int:
        """Events pushed that no getUpdates has taken yet."""
        return len(self._pending)

    @property
    def long_polls_waiting(self) -> int:
        return self._waiting_polls

    def sent_messages(self, chat_id: str | None = None) -> list[JsonObject]:
        """Params of every successful sendMessage, in order, optionally for one chat."""
        return [
            call.params for call in self.calls
            if call.ok and call.method == "sendMessage"
            and chat_id in (None, call.params.get("chat_id"))
        ]

    def texts(self, chat_id: str) -> list[str]:
        return [str(m["text"]) for m in self.sent_messages(chat_id)]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    # Waiting, without sleeping

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        if not await self._changed.wait_until(predicate, timeout):
            raise TimeoutError(f"condition still false after {timeout}s")

    async def wait_for_messages(
        self, chat_id: str, count: int, timeout: float = 10
    ) -> list[JsonObject]:
        """At least `count` messages sent to the chat since the start; returns them all."""
        def enough() -> bool:
            return len(self.sent_messages(chat_id)) >= count

        if not await self._changed.wait_until(enough, timeout):
            raise TimeoutError(
                f"chat {chat_id}: expected {count} messages within {timeout}s, got "
                f"{self.texts(chat_id)!r}; violations: {self.violations!r}"
            )
        return self.sent_messages(chat_id)

    # Events from people, in Zalo's shapes

    def message_event(
        self, user_id: str, event_name: str, *, display_name: str | None = None,
        chat_type: str = "PRIVATE", is_bot: bool = False, **content: Any,
    ) -> JsonObject:
        """An event as Zalo builds it (not queued): for the webhook, or to push."""
        message = {
            "from": {"id": user_id, "display_name": display_name or f"Người dùng {user_id}",
                     "is_bot": is_bot},
            "chat": {"id": user_id, "chat_type": chat_type},
            "message_id": f"{next(self._message_ids):020x}",
            "date": int(time.time() * 1000),
            **content,
        }
        return {"event_name": event_name, "message": message}

    def text_event(self, user_id: str, text: str, **options: Any) -> JsonObject:
        return self.message_event(user_id, "message.text.received", text=text, **options)

    def push_event(self, event: JsonObject) -> JsonObject:
        """Queue an event for getUpdates."""
        self._pending.append(event)
        self._changed.notify()
        return event

    def push_text(self, user_id: str, text: str, **options: Any) -> JsonObject:
        return self.push_event(self.text_event(user_id, text, **options))

    def push_sticker(self, user_id: str) -> JsonObject:
        return self.push_event(self.message_event(
            user_id, "message.sticker.received", sticker="a1b2c3", url="https://zalo.example/s.png"
        ))

    def push_image(self, user_id: str) -> JsonObject:
        return self.push_event(self.message_event(
            user_id, "message.image.received", photo="https://zalo.example/p.jpg", caption=""
        ))

    def push_voice(self, user_id: str) -> JsonObject:
        return self.push_event(self.message_event(
            user_id, "message.voice.received", voice_url="https://zalo.example/v.aac"
        ))

    def push_unsupported(self, user_id: str) -> JsonObject:
        return self.push_event(self.message_event(user_id, "message.unsupported.received"))

    # Failures outside the bot's control

    def fail_next(self, method: str, *, error_code: int = 500, times: int = 1,
                  description: str = "Internal error") -> None:
        self._failures.setdefault(method, []).extend(
            [_Refusal(error_code, description)] * times)

    def flood_next(self, method: str, retry_after: str, *, times: int = 1) -> None:
        """HTTP 429 with a standard Retry-After header (seconds or an HTTP date) and no
        retry field in the body: what any HTTP front (a gateway, a proxy) answers."""
        refusal = _Refusal(429, "Too Many Requests", {"Retry-After": retry_after})
        self._failures.setdefault(method, []).extend([refusal] * times)

    def block_user(self, chat_id: str) -> None:
        """Every sendMessage to that chat is refused as the platform is guessed to refuse it."""
        self.blocked.add(chat_id)

    def unblock_user(self, chat_id: str) -> None:
        self.blocked.discard(chat_id)

    @staticmethod
    async def post_to_webhook(
        url: str, event: JsonObject, secret: str | None = None, *, wrapped: bool = True
    ) -> int:
        """Deliver an event the way Zalo calls a bot's webhook; returns the HTTP status."""
        body = {"ok": True, "result": event} if wrapped else event
        return await FakeZaloServer.post_raw_to_webhook(url, json.dumps(body).encode(), secret)

    @staticmethod
    async def post_raw_to_webhook(url: str, body: bytes, secret: str | None = None) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[WEBHOOK_SECRET_HEADER] = secret
        async with ClientSession() as session, session.post(
            url, data=body, headers=headers
        ) as response:
            return response.status

    # HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request, method)
        try:
            if params is None:
                raise _Refusal(400, "Bad Request: body must be a JSON object")
            implementation = self._methods().get(method)
            if implementation is None:
                self._violate(f"{method}: not a Zalo Bot API method")
                raise _Refusal(404, "Not Found")
            failures = self._failures.get(method)
            if failures:
                raise failures.pop(0)
            result = implementation(params)
            if asyncio.iscoroutine(result):
                result = await result
        except _Refusal as refusal:
            self._record(Call(method, params or {}, refusal.error_code))
            return _error(refusal.error_code, refusal.description, refusal.headers)
        self._record(Call(method, params))
        if isinstance(result, web.StreamResponse):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request, method: str) -> JsonObject | None:
        if request.method != "POST" or request.content_type != "application/json":
            self._violate(f"{method}: not a POST with a JSON body")
            return None
        try:
            body = await request.json()
        except ValueError:
            self._violate(f"{method}: body is not JSON")
            return None
        if not isinstance(body, dict):
            self._violate(f"{method}: body is not a JSON object")
            return None
        return body

    def _methods(self) -> dict[str, Callable[[JsonObject], Any]]:
        return {
            "getMe": lambda p: {"id": self.bot_id, "account_name": "bot.gopy",
                                "account_type": "BASIC", "can_join_groups": False},
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda p: dict(self.webhook),
            "sendMessage": self._send_message,
            "sendChatAction": self._send_chat_action,
        }

    async def _get_updates(self, params: JsonObject) -> Any:
        if self.webhook["url"]:
            self._violate("getUpdates: called while a webhook is set")
            raise _Refusal(409, "Conflict: getUpdates is not available while a webhook is set")
        timeout = params.get("timeout", 30)
        if isinstance(timeout, str) and timeout.isdigit():
            timeout = int(timeout)
        if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 0:
            self._violate(f"getUpdates: timeout {timeout!r} is not a number of seconds")
            raise _Refusal(400, "Bad Request: invalid timeout")
        if self._waiting_polls:
            self._violate("getUpdates: a second long poll while one is still open")
        self._waiting_polls += 1
        self._changed.notify()
        try:
            await self._changed.wait_until(lambda: bool(self._pending) or self._closing, timeout)
        finally:
            self._waiting_polls -= 1
        if not self._pending:
            raise _Refusal(408, "Request timeout")
        if self.shape == "array":
            events = list(self._pending)
            self._pending.clear()
            return events
        event = self._pending.popleft()  # gone once answered: Zalo has no offset to confirm
        if self.shape == "bare":
            return web.json_response(event)
        return event

    def _set_webhook(self, params: JsonObject) -> JsonObject:
        url, secret = params.get("url"), params.get("secret_token")
        problems = []
        if not isinstance(url, str) or not url.startswith("https://"):
            problems.append(f"url {url!r} is not a public HTTPS address")
        low, high = SECRET_LENGTH
        if not isinstance(secret, str) or not low <= len(secret) <= high:
            problems.append(f"secret_token must be {low}-{high} characters")
        if problems:
            for problem in problems:
                self._violate(f"setWebhook: {problem}")
            raise _Refusal(400, "Bad Request: " + "; ".join(problems))
        self.webhook = {"url": url, "secret_token": secret, "updated_at": _now_ms()}
        return {"url": url, "updated_at": self.webhook["updated_at"]}

    def _delete_webhook(self, params: JsonObject) -> JsonObject:
        self.webhook = {"url": "", "updated_at": _now_ms()}
        return dict(self.webhook)

    def _send_message(self, params: JsonObject) -> JsonObject:
        chat_id, text = params.get("chat_id"), params.get("text")
        problems = []
        if not isinstance(chat_id, str) or not chat_id:
            problems.append("chat_id is required")
        # Counted in UTF-16 units, as the platform counts offsets: an emoji outside the BMP
        # is two. (Not documented as such: the stricter reading of "2000 ký tự".)
        size = len(text.encode("utf-16-le")) // 2 if isinstance(text, str) else None
        if size is None or not 1 <= size <= TEXT_LIMIT:
            problems.append(f"text must be 1-{TEXT_LIMIT} UTF-16 units (got {size})")
        if problems:
            for problem in problems:
                self._violate(f"sendMessage: {problem}")
            raise _Refusal(400, "Bad Request: " + "; ".join(problems))
        if chat_id in self.blocked:
            raise _Refusal(*BLOCKED)
        return {"message_id": f"b{next(self._message_ids):019x}", "date": _now_ms()}

    def _send_chat_action(self, params: JsonObject) -> bool:
        if not isinstance(params.get("chat_id"), str) or params.get("action") != "typing":
            self._violate("sendChatAction: chat_id and action 'typing' are required")
            raise _Refusal(400, "Bad Request: invalid chat action")
        return True

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.notify()

    def _violate(self, problem: str) -> None:
        self.violations.append(problem)
        self._changed.notify()


def _error(error_code: int, description: str,
           headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": error_code, "description": description},
        status=error_code if 400 <= error_code < 600 else 200,  # e.g. -216: in the body only
        headers=headers,
    )


def _now_ms() -> int:
    return int(time.time() * 1000)
