"""A local fake Telegram Bot API over real HTTP that checks every request against the spec.

Point a real aiogram Bot at it with
``AiohttpSession(api=TelegramAPIServer.from_base(server.url))``, push updates in
Telegram's JSON shapes, then assert on what the bot sent and on ``server.violations``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Self

from aiohttp import ClientSession, web
from multidict import MultiMapping

from tests.fakes.telegram_chats import ChatBook, JsonObject
from tests.fakes.telegram_limits import ApiError, FailurePlan
from tests.fakes.telegram_methods import BotApi, ChangeSignal
from tests.fakes.telegram_spec import TelegramSpec, load_spec
from tests.fakes.telegram_updates import UpdateQueue

DEFAULT_TOKEN = "123456:TEST-token"
UPLOAD_LIMIT = 50 * 1024 * 1024  # Telegram's limit for files a bot uploads
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Call:
    """One request the bot made, decoded: JSON-string fields are objects again."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    error_code: int | None = None  # None when Telegram answered ok

    @property
    def ok(self) -> bool:
        return self.error_code is None


class FakeTelegramServer:
    """Telegram as the bot sees it: the HTTP API, chats full of people, and their updates."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "gopy_test_bot",
        spec: TelegramSpec | None = None,
    ) -> None:
        self.token = token
        self.spec = spec or load_spec()
        self.bot_user: JsonObject = {
            "id": int(token.split(":", 1)[0]), "is_bot": True, "first_name": "Góp ý",
            "username": bot_username, "can_join_groups": False,
            "can_read_all_group_messages": False, "supports_inline_queries": False,
            "can_connect_to_business": False, "has_main_web_app": False,
        }
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.chats = ChatBook(self.bot_user)
        self.updates = UpdateQueue()
        self.failures = FailurePlan()
        self._changed = ChangeSignal()
        self._api = BotApi(self.chats, self.updates, self._changed)
        self._callback_ids = count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    # Lifecycle

    async def start(self) -> Self:
        app = web.Application(client_max_size=UPLOAD_LIMIT)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        self._api.closing = True
        self._changed.notify()  # long polls answer [] at once instead of holding shutdown
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # What the bot did

    @property
    def acknowledged_offset(self) -> int:
        """Highest offset any getUpdates confirmed: updates below it were handled."""
        return self.updates.acknowledged_offset

    @property
    def long_polls_waiting(self) -> int:
        """getUpdates requests being held open right now (the bot is listening)."""
        return self._api.waiting_polls

    def sent_messages(self, chat_id: int | None = None) -> list[JsonObject]:
        """Params of every successful sendMessage, in order, optionally for one chat."""
        return self._successful("sendMessage", chat_id)

    def documents(self, chat_id: int | None = None) -> list[Call]:
        """Successful sendDocument calls; `files["document"]` holds (filename, bytes)."""
        return [
            call for call in self.calls
            if call.ok and call.method == "sendDocument"
            and chat_id in (None, call.params.get("chat_id"))
        ]

    def last_text(self, chat_id: int) -> str | None:
        """The text the bot last sent or edited into that chat: what the user saw change."""
        for call in reversed(self.calls):
            text = call.params.get("text")
            if (call.ok and call.method in ("sendMessage", "editMessageText")
                    and call.params.get("chat_id") == chat_id and isinstance(text, str)):
                return text
        return None

    def chat_history(self, chat_id: int) -> list[JsonObject]:
        """Messages in the chat as the user sees them now, both directions, edits applied."""
        return self.chats.messages(chat_id)

    # Waiting, without sleeping

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        if not await self._changed.wait_until(predicate, timeout):
            raise TimeoutError(f"condition still false after {timeout}s")

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10
    ) -> list[JsonObject]:
        """At least `count` messages sent to the chat since the start; returns them all."""
        def enough() -> bool:
            return len(self.sent_messages(chat_id)) >= count

        if not await self._changed.wait_until(enough, timeout):
            texts = [m.get("text") for m in self.sent_messages(chat_id)]
            raise TimeoutError(
                f"chat {chat_id}: expected {count} messages within {timeout}s, got "
                f"{len(texts)}: {texts!r}; violations: {self.violations!r}"
            )
        return self.sent_messages(chat_id)

    # Updates from people, in Telegram's shapes

    def push_update(self, update: JsonObject) -> int:
        """Queue an update for getUpdates; update_id is assigned when missing.

        Kinds outside the bot's allowed_updates are dropped, as Telegram does
        (see `updates.filtered`).
        """
        problems = self.spec.check_object("Update", {"update_id": 0, **update}, "update")
        if problems:
            raise ValueError(f"not a valid Telegram Update: {problems}")
        update_id = self.updates.push(update)
        self._changed.notify()
        return update_id

    def push_unchecked_update(self, update: JsonObject) -> int:
        """Queue an update the spec would not describe: Telegram's format and the models
        disagree around every Bot API release (a poll without `persistent_id`, say)."""
        update_id = self.updates.push(update)
        self._changed.notify()
        return update_id

    def push_text(self, user_id: int, text: str, first_name: str | None = None) -> int:
        return self._push_message(user_id, first_name, text=text)

    def push_reply(
        self, user_id: int, text: str, reply_to: int, quote: str | None = None
    ) -> int:
        """Text sent as a reply (swipe to reply) to message `reply_to` of the chat, quoting
        part of it when `quote` is given (Telegram's TextQuote)."""
        replied = self.chats.message(user_id, reply_to)
        if replied is None:
            raise LookupError(f"chat {user_id} has no message {reply_to} to reply to")
        content: dict[str, Any] = {"text": text, "reply_to_message": replied}
        if quote is not None:
            content["quote"] = {"text": quote,
                                "position": max((replied.get("text") or "").find(quote), 0)}
        return self._push_message(user_id, None, **content)

    def push_command(self, user_id: int, command: str, arg: str | None = None) -> int:
        text = command if arg is None else f"{command} {arg}"
        entity = {"type": "bot_command", "offset": 0, "length": len(command)}
        return self._push_message(user_id, None, text=text, entities=[entity])

    def push_callback(self, user_id: int, data: str, message_id: int | None = None) -> int:
        """A tap on an inline button of a bot message (by default the last one in the chat)."""
        if message_id is None:
            message = self.chats.last_bot_message(user_id)
            if message is None:
                raise LookupError(f"the bot has sent nothing to chat {user_id} to tap on")
        else:
            message = self.chats.message(user_id, message_id) or {
                "chat": self.chats.chat(user_id), "message_id": message_id, "date": 0,
            }  # InaccessibleMessage: Telegram's shape for a message it no longer shows
        query_id = f"{self.bot_user['id']}{next(self._callback_ids):08d}"
        self._api.callback_query_ids.add(query_id)
        return self.push_update({"callback_query": {
            "id": query_id, "from": self.chats.user(user_id), "message": message,
            "chat_instance": f"ci{user_id}", "data": data,
        }})

    def push_contact(
        self, user_id: int, phone: str, contact_user_id: int | None = None
    ) -> int:
        """A shared contact; by default the sender's own (KeyboardButton request_contact)."""
        sender = self.chats.user(user_id)
        contact = {"phone_number": phone, "first_name": sender["first_name"],
                   "user_id": user_id if contact_user_id is None else contact_user_id}
        return self._push_message(user_id, None, contact=contact)

    def push_sticker(self, user_id: int) -> int:
        sticker = {**self.chats.new_file("sticker"), "type": "regular", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}
        return self._push_message(user_id, None, sticker=sticker)

    def push_photo(self, user_id: int) -> int:
        sizes = [{**self.chats.new_file("photo"), "width": w, "height": h, "file_size": w * h // 8}
                 for w, h in ((90, 67), (320, 240), (1280, 960))]
        return self._push_message(user_id, None, photo=sizes)

    def push_voice(self, user_id: int) -> int:
        voice = {**self.chats.new_file("voice"), "duration": 3, "mime_type": "audio/ogg",
                 "file_size": 9000}
        return self._push_message(user_id, None, voice=voice)

    def push_edited_text(self, user_id: int, message_id: int, text: str) -> int:
        if self.chats.message(user_id, message_id) is None:
            raise LookupError(f"chat {user_id} has no message {message_id} to edit")
        edited = self.chats.replace(user_id, message_id, text=text)
        return self.push_update({"edited_message": edited})

    def push_duplicate(self, update_id: int) -> int:
        """Deliver an update again even if confirmed: Telegram's at-least-once in action."""
        self.updates.redeliver(update_id)
        self._changed.notify()
        return update_id

    # Failures outside the bot's control

    def fail_next(
        self, method: str, chat_id: int | str | None = None, *, error_code: int = 429,
        retry_after: int = 1, times: int = 1, description: str | None = None,
    ) -> None:
        canonical = self.spec.canonical_method(method)
        if canonical is None:
            raise ValueError(f"{method} is not a Bot API method")
        self.failures.fail_next(canonical, chat_id, error_code=error_code,
                                retry_after=retry_after, times=times, description=description)

    def block_user(self, chat_id: int) -> None:
        """Every request about that chat answers 403 bot was blocked by the user."""
        self.failures.block_user(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        self.failures.unblock_user(chat_id)

    def rate_limit(self, per_second_global: int = 30, per_chat_per_second: int = 1,
                   per_group_per_minute: int = 20) -> None:
        """From now on, sends beyond Telegram's flood limits answer 429 with retry_after."""
        self.failures.rate_limit(per_second_global, per_chat_per_second, per_group_per_minute)

    @staticmethod
    async def post_update_to_webhook(
        url: str, update: JsonObject, secret: str | None = None
    ) -> int:
        """Deliver an update the way Telegram calls a bot's webhook; returns the HTTP status."""
        headers = {WEBHOOK_SECRET_HEADER: secret} if secret is not None else {}
        async with ClientSession() as session, session.post(
            url, json=update, headers=headers
        ) as response:
            return response.status

    # HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _answer(ApiError(401, "Unauthorized").body(), 401)
        method = self.spec.canonical_method(request.match_info["method"])
        if method is None:
            self._violate(f"{request.match_info['method']}: method not in the Bot API spec")
            return _answer(ApiError(404, "Not Found").body(), 404)
        raw, uploads = await _read_body(request)
        params = self.spec.decode_params(method, raw)
        files = _attached_files(params, uploads)
        problems = self.spec.check_request(method, params, uploads)
        try:
            if problems:
                for problem in problems:
                    self._violate(f"{method}: {problem}")
                raise ApiError(400, "Bad Request: " + "; ".join(problems))
            refusal = self.failures.refusal(method, params.get("chat_id"))
            if refusal is not None:
                raise refusal
            result = await self._api.call(method, params, files)
        except ApiError as error:
            if error.error_code == 400 and not problems:
                self._violate(f"{method}: {error.description}")
            self._record(Call(method, params, files, error.error_code))
            return _answer(error.body(), error.error_code)
        self._record(Call(method, params, files))
        return _answer({"ok": True, "result": result}, 200)

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.notify()

    def _violate(self, problem: str) -> None:
        self.violations.append(problem)
        self._changed.notify()

    def _successful(self, method: str, chat_id: int | None) -> list[JsonObject]:
        return [
            call.params for call in self.calls
            if call.ok and call.method == method and chat_id in (None, call.params.get("chat_id"))
        ]

    def _push_message(self, user_id: int, first_name: str | None, **content: Any) -> int:
        message = self.chats.add_user_message(user_id, first_name, **content)
        return self.push_update({"message": message})


async def _read_body(request: web.Request) -> tuple[JsonObject, dict[str, tuple[str, bytes]]]:
    """Query string, JSON, urlencoded or multipart: Telegram accepts all four."""
    raw: JsonObject = dict(request.query)
    uploads: dict[str, tuple[str, bytes]] = {}
    if request.content_type == "application/json":
        body = await request.json()
        raw.update(body if isinstance(body, Mapping) else {})
    elif request.method == "POST":
        form: MultiMapping[Any] = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                uploads[name] = (value.filename, value.file.read())
            else:
                raw[name] = value if isinstance(value, str) else bytes(value).decode()
    for name in uploads.keys() - _referenced_parts(raw):
        raw.setdefault(name, f"attach://{name}")  # a file posted under its field's own name
    return raw, uploads


def _referenced_parts(raw: JsonObject) -> set[str]:
    return {
        value.removeprefix("attach://") for value in raw.values()
        if isinstance(value, str) and value.startswith("attach://")
    }


def _attached_files(
    params: JsonObject, uploads: Mapping[str, tuple[str, bytes]]
) -> dict[str, tuple[str, bytes]]:
    """Files keyed by the field that attached them (document, photo…), else by part name."""
    files = dict(uploads)
    for name, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            part = value.removeprefix("attach://")
            if part in files:
                files[name] = files.pop(part)
    return files


def _answer(body: JsonObject, status: int) -> web.Response:
    return web.json_response(body, status=status)
