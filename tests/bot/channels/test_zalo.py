"""The Zalo adapter alone, over real HTTP to the fake: events in, numbered text out, errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from pydantic import ValidationError

from bot import runner
from bot.channels.base import ChatUnreachable, RetryLater, StorageUnavailable, Undeliverable
from bot.channels.zalo import MalformedEvent, ZaloChannel, ZaloClient, ZaloNetworkError
from bot.channels.zalo.client import retry_after_header
from bot.config import Settings
from content import strings
from handlers.conversation import Button, Document, Inbound, Kind, Outgoing, Reply
from tests.fakes.zalo_server import FakeZaloServer

USER = "6ede9afa66b88fe6d6a9"
to_inbound = ZaloChannel.to_inbound


@pytest_asyncio.fixture
async def zalo(fake_zalo_client: ZaloClient) -> AsyncIterator[ZaloChannel]:
    yield ZaloChannel(fake_zalo_client, poll_timeout=1, retry_delay=0.01)


def event(name: str = "message.text.received", **message: Any) -> dict[str, Any]:
    base = {
        "from": {"id": USER, "display_name": "Hà", "is_bot": False},
        "chat": {"id": USER, "chat_type": "PRIVATE"},
        "message_id": "2d758cb5e222177a4e35",
        "date": 1750316131602,
    }
    return {"event_name": name, "message": base | message}


# ---- inbound -------------------------------------------------------------------


def test_text_becomes_text_keyed_by_message_id() -> None:
    inbound = to_inbound(event(text="Nhất trí"))

    assert inbound == Inbound(
        channel="zalo", user_id=USER, chat_id=USER, kind=Kind.TEXT, text="Nhất trí",
        message_id="2d758cb5e222177a4e35", update_key="zalo:2d758cb5e222177a4e35",
    )


def test_slash_text_is_a_command() -> None:
    inbound = to_inbound(event(text="/start 1111 2222"))

    assert inbound is not None
    assert (inbound.kind, inbound.command, inbound.text) == (Kind.COMMAND, "start", "1111 2222")


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("message.image.received", "photo"),
        ("message.sticker.received", "sticker"),
        ("message.voice.received", "voice"),
        ("message.unsupported.received", "other"),
    ],
)
def test_media_events_are_unsupported_with_their_kind(name: str, media: str) -> None:
    inbound = to_inbound(event(name))

    assert inbound is not None and (inbound.kind, inbound.media) == (Kind.UNSUPPORTED, media)


@pytest.mark.parametrize(
    "ignored",
    [
        event(text="@bot xin chào", chat={"id": "g1", "chat_type": "GROUP"}),
        event(text="tôi là bot", **{"from": {"id": "b1", "is_bot": True}}),
        {"event_name": "message.reaction.received", "message": {}},  # a kind added later
    ],
)
def test_groups_bots_and_unknown_kinds_are_ignored(ignored: dict[str, Any]) -> None:
    assert to_inbound(ignored) is None


@pytest.mark.parametrize(
    "bad",
    [
        "a string",
        {"event_name": "message.text.received"},
        {"event_name": 5, "message": {}},
        event(text="x", chat="6ede"),
        event(text="x", **{"from": {"id": {"nested": 1}}}),
        event(text="x", message_id=["list"]),
    ],
)
def test_malformed_events_raise(bad: Any) -> None:
    with pytest.raises(MalformedEvent):
        to_inbound(bad)


LINK = {"url": "https://baochinhphu.vn/bai-viet-1.htm", "title": "Nghị quyết Đại hội <XIV> & tôi"}


@pytest.mark.parametrize(
    "preview",
    [
        event(links=[LINK]),
        event(text=None, links=[LINK]),
        event(text="", attachments=[{"type": "link", "payload": LINK}]),
        event("message.link.received", link=LINK),
        {"message": event(links=[LINK])["message"]},  # no event_name: told by the fields
    ],
)
def test_a_link_preview_without_text_is_read_as_a_shared_link(preview: dict[str, Any]) -> None:
    inbound = to_inbound(preview)

    assert inbound is not None and inbound.kind is Kind.SHARED
    assert inbound.text == f"{LINK['title']}\n{LINK['url']}"
    assert inbound.update_key == "zalo:2d758cb5e222177a4e35"


@pytest.mark.parametrize("carries_nothing", [event(text=12), event(text=None), event(text="  ")])
def test_a_text_event_that_carries_nothing_readable_is_answered_not_refused(
    carries_nothing: dict[str, Any],
) -> None:
    inbound = to_inbound(carries_nothing)

    assert inbound is not None and (inbound.kind, inbound.media) == (Kind.UNSUPPORTED, "other")


@pytest.mark.parametrize(
    "photo",
    [
        {"photo_url": "https://zalo.example/p.jpg"},
        {"photo": {"url": "https://zalo.example/p.jpg"}},
        {"url": "https://zalo.example/p.jpg", "caption": ""},
        {"attachments": [{"type": "image", "payload": {"url": "https://zalo.example/p.jpg"}}]},
    ],
)
def test_a_photo_without_an_event_name_is_told_by_any_of_its_fields(photo: dict[str, Any]) -> None:
    inbound = to_inbound({"message": event(**photo)["message"]})

    assert inbound is not None and (inbound.kind, inbound.media) == (Kind.UNSUPPORTED, "photo")


# ---- outbound ------------------------------------------------------------------

CHOICES = ((Button("Nhất trí", "m:c:1:0"),), (Button("Không nhất trí", "m:c:1:2"),))


async def test_buttons_become_numbered_lines(zalo: ZaloChannel, fake_zalo: FakeZaloServer) -> None:
    await zalo.send(USER, Reply("Mục 1/23", buttons=CHOICES))

    assert fake_zalo.texts(USER) == [
        f"Mục 1/23\n\n{strings.CHOOSE_BY_NUMBER}\n1 – Nhất trí\n2 – Không nhất trí"
    ]


async def test_long_text_is_cut_under_2000_with_the_choices_in_the_last_piece(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer
) -> None:
    sentence = "Đảng bộ Khối lãnh đạo thực hiện thắng lợi nhiệm vụ chính trị của địa phương. "
    text = "\n\n".join(sentence * 8 for _ in range(10))  # about 6,300 characters

    await zalo.send(USER, Reply(text, buttons=CHOICES))

    pieces = fake_zalo.texts(USER)
    assert len(pieces) == 4 and all(len(p) <= 2000 for p in pieces)
    assert "1 – Nhất trí" in pieces[-1] and not any("Nhất trí\n" in p for p in pieces[:-1])
    assert " ".join(" ".join(pieces).split()).startswith(" ".join(text.split()))
    assert fake_zalo.violations == []


async def test_a_2000_character_message_full_of_emoji_is_cut_in_utf16_units(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer
) -> None:
    text = ("Đồng chí nhất trí 👍🏽 với dự thảo 🇻🇳🙏. " * 60)[:2000]
    assert len(text) == 2000 and len(text.encode("utf-16-le")) // 2 > 2000

    await zalo.send(USER, Reply(text, buttons=CHOICES))

    pieces = fake_zalo.texts(USER)
    assert len(pieces) == 2 and fake_zalo.violations == []
    assert "".join("".join(pieces).split()).startswith("".join(text.split()))


async def test_a_document_is_announced_with_where_to_get_it(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer
) -> None:
    document = Document("y-kien-chi-bo.csv", b"a,b\n", caption="Ý kiến chi bộ: 12 dòng.")

    await zalo.send(USER, Reply("", document=document))

    [text] = fake_zalo.texts(USER)
    assert text.startswith("Ý kiến chi bộ: 12 dòng.")
    assert "y-kien-chi-bo.csv" in text and "Telegram" in text and "gopy export" in text


async def test_server_errors_are_retried(zalo: ZaloChannel, fake_zalo: FakeZaloServer) -> None:
    fake_zalo.fail_next("sendMessage", error_code=502, times=2)

    await zalo.send(USER, Reply("Mục 1"))

    assert fake_zalo.texts(USER) == ["Mục 1"]


async def test_a_blocked_member_is_unreachable(zalo: ZaloChannel, fake_zalo: FakeZaloServer) -> None:
    fake_zalo.block_user(USER)

    with pytest.raises(ChatUnreachable):
        await zalo.send(USER, Reply("Nhắc góp ý"))


async def test_too_many_requests_before_anything_shown_is_left_to_the_sender(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer
) -> None:
    fake_zalo.fail_next("sendMessage", error_code=429)

    with pytest.raises(RetryLater):
        await zalo.send(USER, Reply("Mục 1"))


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), ("Wed, 21 Oct 2015 07:28:00 GMT", None), ("soon", None), ("99999", 3600.0)],
)
async def test_a_standard_retry_after_header_is_honoured(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer, header: str, seconds: float | None
) -> None:
    fake_zalo.flood_next("sendMessage", header)

    with pytest.raises(RetryLater) as raised:
        await zalo.send(USER, Reply("Mục 1"))

    assert raised.value.seconds == (seconds or 5.0)  # a date in the past or junk: the default
    assert fake_zalo.violations == []


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)

    assert retry_after_header("Wed, 21 Oct 2015 07:28:30 GMT", now) == 30.0
    assert retry_after_header("", now) is None and retry_after_header(None, now) is None


async def test_repeated_server_errors_slow_every_chat_down_then_recover(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    zalo = ZaloChannel(fake_zalo_client, retry_delay=0.05)
    fake_zalo.fail_next("sendMessage", error_code=503, times=3)

    started = asyncio.get_running_loop().time()
    await asyncio.gather(zalo.send(USER, Reply("Mục 1")), zalo.send("other-chat", Reply("Mục 2")))
    waited = asyncio.get_running_loop().time() - started

    # 0.05 + 0.1 + 0.2 s of backoff shared by both chats, not each chat on its own.
    assert waited >= 0.3
    assert fake_zalo.texts(USER) == ["Mục 1"] and fake_zalo.texts("other-chat") == ["Mục 2"]
    assert zalo._server_failures == 0


async def test_unknown_error_codes_are_logged_once_per_kind(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake_zalo.fail_next("sendMessage", error_code=-216, description="Invalid receiver", times=3)
    fake_zalo.fail_next("sendMessage", error_code=-217, description="Quota exceeded")

    with caplog.at_level(logging.WARNING):
        for _ in range(4):
            with pytest.raises(Undeliverable):  # each is refused for good
                await zalo.send(USER, Reply("Mục 1"))

    unknown = [r.getMessage() for r in caplog.records if "unknown error_code" in r.getMessage()]
    assert len(unknown) == 2
    assert "-216" in unknown[0] and "Invalid receiver" in unknown[0] and "-217" in unknown[1]
    assert fake_zalo.token not in caplog.text


async def test_too_many_requests_mid_reply_never_repeats_a_piece(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    zalo = ZaloChannel(fake_zalo_client, retry_delay=0.01)
    text = "\n\n".join(["Đoạn văn dài. " * 100] * 2)  # two pieces

    sent = asyncio.create_task(zalo.send(USER, Reply(text)))
    await fake_zalo.wait_for_messages(USER, 1)
    fake_zalo.fail_next("sendMessage", error_code=429)
    await sent

    assert len(fake_zalo.texts(USER)) == 2


async def test_network_errors_never_show_the_token(
    fake_zalo: FakeZaloServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = ZaloClient(fake_zalo.token, "http://127.0.0.1:9")  # nothing listens on port 9
    zalo = ZaloChannel(client, retry_delay=0.01)
    caplog.set_level(logging.DEBUG)
    try:
        with pytest.raises(ZaloNetworkError) as caught:
            await zalo.send(USER, Reply("Mục 1"))
    finally:
        await client.close()

    secret = fake_zalo.token.split(":", 1)[1]
    assert secret not in str(caught.value) and secret not in caplog.text


# ---- long polling --------------------------------------------------------------


class Recorder:
    """A stand-in for the engine and its outbox: remembers what it was given, answers at once."""

    def __init__(self, channel: ZaloChannel, fail_first: int = 0) -> None:
        self.channel = channel
        self.handled: list[Inbound] = []
        self.parked: list[str] = []
        self._fail = fail_first

    async def handle(self, inbound: Inbound, raw: str = "") -> list[Outgoing]:
        if self._fail:
            self._fail -= 1
            raise StorageUnavailable(inbound.update_key)
        self.handled.append(inbound)
        reply = Reply(f"đã nhận: {inbound.text or inbound.media}")
        await self.channel.send(inbound.chat_id, reply)
        return [reply]

    async def park(self, channel: str, update_key: str, raw: str, error: BaseException,
                   **_: Any) -> list[Outgoing]:
        self.parked.append(raw)
        return []


async def poll_until(zalo: ZaloChannel, recorder: Recorder, done: Any) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(zalo.poll(recorder, stop))
    try:
        await done()
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


@pytest.mark.parametrize("shape", ["single", "array", "bare"])
async def test_polling_handles_every_shape_in_order(shape: str) -> None:
    async with FakeZaloServer(shape=shape) as server:  # type: ignore[arg-type]
        client = ZaloClient(server.token, server.url)
        zalo = ZaloChannel(client, poll_timeout=1, retry_delay=0.01)
        recorder = Recorder(zalo)
        for text in ("một", "hai", "ba"):
            server.push_text(USER, text)
        server.push_sticker(USER)
        try:
            await poll_until(zalo, recorder, lambda: server.wait_for_messages(USER, 4))
        finally:
            await client.close()

    assert [i.text or i.media for i in recorder.handled] == ["một", "hai", "ba", "sticker"]
    assert server.texts(USER) == ["đã nhận: một", "đã nhận: hai", "đã nhận: ba", "đã nhận: sticker"]


async def test_polling_clears_a_webhook_first_and_says_which_host(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake_zalo.webhook = {"url": "https://old.example.vn/hook/s3cr3t-path", "updated_at": 1}

    with caplog.at_level(logging.WARNING):
        await poll_until(zalo, Recorder(zalo), lambda: fake_zalo.wait_until(
            lambda: fake_zalo.long_polls_waiting == 1))

    assert fake_zalo.webhook["url"] == "" and fake_zalo.violations == []
    assert "old.example.vn" in caplog.text and "s3cr3t" not in caplog.text
    methods = [c.method for c in fake_zalo.calls]
    assert methods.index("getWebhookInfo") < methods.index("deleteWebhook")


async def test_polling_without_a_webhook_deletes_nothing(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer
) -> None:
    await poll_until(zalo, Recorder(zalo), lambda: fake_zalo.wait_until(
        lambda: fake_zalo.long_polls_waiting == 1))

    assert fake_zalo.calls_to("deleteWebhook") == []


async def test_an_event_handed_over_while_stopping_is_still_handled(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer
) -> None:
    recorder = Recorder(zalo)
    stop = asyncio.Event()
    task = asyncio.create_task(zalo.poll(recorder, stop))
    await fake_zalo.wait_until(lambda: fake_zalo.long_polls_waiting == 1)

    stop.set()
    fake_zalo.push_text(USER, "gửi đúng lúc dừng")
    await asyncio.wait_for(task, timeout=10)

    assert [i.text for i in recorder.handled] == ["gửi đúng lúc dừng"]


async def test_an_event_is_kept_until_the_database_saves_it(
    zalo: ZaloChannel, fake_zalo: FakeZaloServer
) -> None:
    recorder = Recorder(zalo, fail_first=2)
    fake_zalo.push_text(USER, "ý kiến quan trọng")

    await poll_until(zalo, recorder, lambda: fake_zalo.wait_for_messages(USER, 1))

    assert [i.text for i in recorder.handled] == ["ý kiến quan trọng"]


async def test_polling_survives_server_errors(zalo: ZaloChannel, fake_zalo: FakeZaloServer) -> None:
    fake_zalo.fail_next("getUpdates", error_code=500, times=2)
    fake_zalo.push_text(USER, "vẫn tới")
    recorder = Recorder(zalo)

    await poll_until(zalo, recorder, lambda: fake_zalo.wait_for_messages(USER, 1))

    assert [i.text for i in recorder.handled] == ["vẫn tới"]


# ---- settings and wiring -------------------------------------------------------


def test_empty_settings_mean_no_zalo_and_a_short_secret_is_refused() -> None:
    settings = Settings(zalo_bot_token="", zalo_webhook_url="", zalo_webhook_secret="",
                        telegram_bot_token="", _env_file=None)  # type: ignore[arg-type]

    assert (settings.zalo_bot_token, settings.zalo_webhook_url, settings.telegram_bot_token) == (
        None, None, None)
    assert runner.messenger_channels(settings) == []
    with pytest.raises(ValidationError, match="8-256"):
        Settings(zalo_webhook_secret="short", _env_file=None)  # type: ignore[arg-type]


def test_gopy_run_builds_zalo_whenever_its_token_is_set() -> None:
    settings = Settings(zalo_bot_token="12:abc", _env_file=None)  # type: ignore[arg-type]

    [channel] = runner.messenger_channels(settings)

    assert isinstance(channel, ZaloChannel) and runner.channel_caps("zalo") == ZaloChannel.caps
    assert ZaloChannel.caps.max_text == 2000 and not ZaloChannel.caps.buttons
