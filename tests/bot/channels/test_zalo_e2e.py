"""End to end over real HTTP: a member on the fake Zalo, by polling and by webhook, then on Telegram.

The bot runs as `gopy run` wires it (bot.runner.serve): both messengers side by side
on one database. The member links with their personal code (Zalo cannot share a
phone number), answers by typed numbers and words, goes on from the same place on
Telegram, and the database holds one record: one place, one comment per section.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import bootstrap
from bot.bootstrap import App
from bot.config import Settings
from bot.webhook import WebhookServer
from content import strings
from content.draft_parser import parse_draft
from storage import comments, roster
from storage.consultations import create_consultation
from storage.models import (
    Comment,
    DeadLetter,
    HandledUpdate,
    Identity,
    LinkAttempt,
    Member,
    Progress,
    Section,
)
from tests.conftest import DEADLINE, SEED_DRAFT, START
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.zalo_server import FakeZaloServer
from tests.support.clock import FakeClock
from tests.support.running import running as running_bot

ROSTER = Path(__file__).resolve().parents[3] / "content" / "sample_roster.csv"
PHONE = "0912345678"  # Nguyễn Thị Thu Hà, Chi bộ Văn phòng Sở, in the sample roster
ZALO_USER = "6ede9afa66b88fe6d6a9"
TELEGRAM_USER = 5001
SECRET = "webhook-secret-4f9a"
PUBLIC_URL = "https://gopy.example.vn/zalo/webhook"


def settings_for(database_url: str, zalo: FakeZaloServer,
                 telegram: FakeTelegramServer | None = None, **extra: Any) -> Settings:
    # Pacing is bot/sender.py's business, tested there: here it would only slow the script.
    more: dict[str, Any] = {"zalo_chat_messages_per_second": 1000}
    if telegram is not None:
        more |= {"telegram_bot_token": telegram.token, "telegram_api_url": telegram.url,
                 "telegram_poll_timeout": 1, "telegram_chat_messages_per_second": 1000}
    return Settings(
        database_url=database_url, zalo_bot_token=zalo.token, zalo_api_url=zalo.url,
        zalo_poll_timeout=1, _env_file=None, **more, **extra,  # type: ignore[arg-type]
    )


async def load_sample(settings: Settings) -> str:
    """The seed draft and the sample roster; returns Thu Hà's personal code."""
    app = await bootstrap.build(settings, clock=FakeClock(START))
    async with app.uow() as uow:
        await create_consultation(
            uow.session, parse_draft(SEED_DRAFT.read_text(encoding="utf-8")),
            title="Dự thảo Báo cáo chính trị (lần 4)", deadline=DEADLINE, now=START,
        )
        await roster.import_roster(uow.session, ROSTER)
        await uow.commit()
        code = await uow.session.scalar(select(Member.access_code).where(Member.phone == PHONE))
    await app.close()
    assert code is not None
    return code


@asynccontextmanager
async def running(settings: Settings, server: WebhookServer | None = None) -> AsyncIterator[App]:
    """`gopy run` until the block ends: every configured messenger, one stop event."""
    async with running_bot(settings, clock=FakeClock(START), web=server) as app:
        yield app


class ZaloMember:
    """A person in the Zalo app: types, and reads what the bot wrote back."""

    def __init__(self, server: FakeZaloServer, user_id: str, webhook: str | None = None) -> None:
        self.server, self.user_id, self.webhook = server, user_id, webhook
        self.seen = 0

    async def say(self, text: str) -> None:
        event = self.server.text_event(self.user_id, text)
        await self._send(event)

    async def sticker(self) -> None:
        await self._send(self.server.message_event(
            self.user_id, "message.sticker.received", sticker="abc", url="https://zalo.example/s"))

    async def _send(self, event: dict[str, Any]) -> None:
        if self.webhook is None:
            self.server.push_event(event)
            return
        status = await self.server.post_to_webhook(self.webhook, event, SECRET)
        assert status == 200

    async def expect(self, fragment: str) -> str:
        """The next message (skipping older ones) that contains `fragment`."""
        def arrived() -> bool:
            return any(fragment in text for text in self.server.texts(self.user_id)[self.seen:])

        try:
            await self.server.wait_until(arrived, timeout=10)
        except TimeoutError:
            new = self.server.texts(self.user_id)[self.seen:]
            raise AssertionError(f"no {fragment!r} in {new}") from None
        texts = self.server.texts(self.user_id)
        for index in range(self.seen, len(texts)):
            if fragment in texts[index]:
                self.seen = index + 1
                return texts[index]
        raise AssertionError("unreachable")

    @staticmethod
    def number_of(text: str, label: str) -> str:
        """The number a numbered line offers for `label`, as the member reads it."""
        match = re.search(rf"^(\d+) – [^\n]*{re.escape(label)}", text, re.MULTILINE)
        assert match, f"no numbered line {label!r} in {text!r}"
        return match.group(1)


async def comment_on_zalo(member: ZaloMember, code: str) -> None:
    """Link by code, then sections 1-3: by number, by a choice's name, and with text."""
    await member.say("Xin chào")
    await member.expect("gõ mã cá nhân")
    await member.say(f"{code[:4]} {code[4:]}")
    await member.expect("Đã xác nhận: đồng chí Nguyễn Thị Thu Hà, Chi bộ Văn phòng Sở")
    intro = await member.expect("Dự thảo có 23 mục")
    await member.say(member.number_of(intro, "Bắt đầu đọc dự thảo"))
    section = await member.expect("Mục 1/23")
    await member.say(member.number_of(section, "Nhất trí"))
    await member.expect("Đã ghi nhận: «Nhất trí» cho mục 1.")
    await member.expect("Mục 2/23")
    await member.say("khong nhat tri")  # a choice typed by name, without diacritics
    await member.expect("«Không nhất trí» cho mục 2")
    await member.say("Đề nghị bổ sung số liệu năm 2019.")
    await member.expect("Đã lưu ý kiến của đồng chí về mục 2")
    await member.say("tiếp")
    section = await member.expect("Mục 3/23")
    await member.say(member.number_of(section, "Nhất trí, có ý kiến bổ sung"))
    await member.expect("«Nhất trí, có ý kiến bổ sung» cho mục 3")
    await member.say("Cần làm rõ chỉ tiêu.")
    await member.expect("Đã lưu ý kiến của đồng chí về mục 3")
    await member.sticker()
    await member.expect(strings.UNSUPPORTED["sticker"])


async def assert_one_record(app: App, sections_done: int, position: int) -> None:
    async with app.uow(write=False) as uow:
        s = uow.session
        member = await s.scalar(select(Member).where(Member.phone == PHONE))
        assert member is not None
        identities = (await s.scalars(select(Identity).order_by(Identity.channel))).all()
        progress = (await s.scalars(select(Progress))).all()
        rows = (await s.execute(
            select(Section.position, Comment.choice, Comment.text, Comment.cell_id)
            .join(Section, Section.id == Comment.section_id).order_by(Section.position)
        )).all()
    assert {(i.channel, i.member_id, i.linked_by) for i in identities} >= {
        ("zalo", member.id, "code")}
    assert [(p.member_id, p.section_position) for p in progress] == [(member.id, position)]
    expected = [
        (1, "Nhất trí", ""),
        (2, "Không nhất trí", "Đề nghị bổ sung số liệu năm 2019."),
        (3, "Nhất trí, có ý kiến bổ sung", "Cần làm rõ chỉ tiêu."),
        (4, "Nhất trí", ""),
    ][:sections_done]
    assert [(r.position, r.choice, r.text) for r in rows] == expected
    assert {r.cell_id for r in rows} == {member.cell_id}


async def test_polling_member_on_zalo_goes_on_on_telegram_with_one_record(
    fake_zalo: FakeZaloServer, fake_telegram: FakeTelegramServer, database_url: str
) -> None:
    settings = settings_for(database_url, fake_zalo, fake_telegram)
    code = await load_sample(settings)
    zalo = ZaloMember(fake_zalo, ZALO_USER)

    async with running(settings) as app:
        await comment_on_zalo(zalo, code)

        # The same person on Telegram: the same code links the same roster entry.
        fake_telegram.push_text(TELEGRAM_USER, code)
        await fake_telegram.wait_until(lambda: any(
            "Mục 3/23" in (m.get("text") or "") for m in fake_telegram.sent_messages(TELEGRAM_USER)))
        texts = [m["text"] for m in fake_telegram.sent_messages(TELEGRAM_USER)]
        assert any("Đồng chí đang ở mục 3/23" in t for t in texts)
        assert "«Nhất trí, có ý kiến bổ sung» — Cần làm rõ chỉ tiêu." in texts[-1]
        tap(fake_telegram, TELEGRAM_USER, "Mục sau")
        await fake_telegram.wait_until(lambda: "Mục 4/23" in last_telegram(fake_telegram))
        tap(fake_telegram, TELEGRAM_USER, "Nhất trí")
        await fake_telegram.wait_until(lambda: "Mục 5/23" in last_telegram(fake_telegram))

        # Back on Zalo: where Telegram left off.
        await zalo.say("/start")
        await zalo.expect("Đồng chí đang ở mục 5/23")
        await assert_one_record(app, sections_done=4, position=5)

    assert fake_zalo.violations == [] and fake_telegram.violations == []
    assert all(len(t) <= 2000 for t in fake_zalo.texts(ZALO_USER))


def last_telegram(server: FakeTelegramServer) -> str:
    return server.last_text(TELEGRAM_USER) or ""


def tap(server: FakeTelegramServer, user: int, label: str) -> None:
    """Tap a button on the bot's latest message in the chat."""
    [message] = server.sent_messages(user)[-1:]
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            if label in button["text"]:
                server.push_callback(user, button["callback_data"])
                return
    raise AssertionError(f"no button {label!r}")


# ---- webhook -------------------------------------------------------------------


def webhook_settings(database_url: str, zalo: FakeZaloServer) -> Settings:
    return settings_for(database_url, zalo, zalo_webhook_url=PUBLIC_URL, zalo_webhook_secret=SECRET)


@asynccontextmanager
async def webhook_bot(settings: Settings, zalo: FakeZaloServer) -> AsyncIterator[tuple[App, str]]:
    server = WebhookServer("127.0.0.1", 0)
    async with running(settings, server) as app:
        await zalo.wait_until(lambda: bool(zalo.webhook["url"]))
        yield app, f"http://127.0.0.1:{server.port}/zalo/webhook"


async def test_webhook_member_flow_and_the_webhook_is_set_with_the_secret(
    fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = webhook_settings(database_url, fake_zalo)
    code = await load_sample(settings)

    async with webhook_bot(settings, fake_zalo) as (app, url):
        assert fake_zalo.webhook["url"] == PUBLIC_URL
        assert fake_zalo.webhook["secret_token"] == SECRET
        member = ZaloMember(fake_zalo, ZALO_USER, webhook=url)
        await comment_on_zalo(member, code)
        await assert_one_record(app, sections_done=3, position=3)

    assert fake_zalo.calls_to("getUpdates") == [] and fake_zalo.violations == []


async def test_a_repeated_event_is_handled_once(fake_zalo: FakeZaloServer, database_url: str) -> None:
    settings = webhook_settings(database_url, fake_zalo)
    await load_sample(settings)
    event = fake_zalo.text_event(ZALO_USER, "Xin chào")

    async with webhook_bot(settings, fake_zalo) as (_, url):
        assert await fake_zalo.post_to_webhook(url, event, SECRET) == 200
        assert await fake_zalo.post_to_webhook(url, event, SECRET, wrapped=False) == 200
        await fake_zalo.wait_for_messages(ZALO_USER, 1)

    assert len(fake_zalo.texts(ZALO_USER)) == 1


async def saved_rows(app: App) -> dict[str, int]:
    async with app.uow(write=False) as uow:
        return {
            model.__name__: await uow.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (HandledUpdate, Identity, LinkAttempt, Comment, Progress)
        }


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-123", SECRET + "x", SECRET.upper()])
async def test_webhook_without_the_right_secret_is_refused_and_saves_nothing(
    fake_zalo: FakeZaloServer, database_url: str, secret: str | None
) -> None:
    settings = webhook_settings(database_url, fake_zalo)
    code = await load_sample(settings)

    async with webhook_bot(settings, fake_zalo) as (app, url):
        before = await saved_rows(app)
        event = fake_zalo.text_event(ZALO_USER, code)
        assert await fake_zalo.post_to_webhook(url, event, secret) == 403
        assert await saved_rows(app) == before

    assert fake_zalo.sent_messages() == []


def _message(**fields: Any) -> bytes:
    base = {"from": {"id": "u1"}, "chat": {"id": "u1", "chat_type": "PRIVATE"},
            "text": "hi", "message_id": "m1"}
    message = {k: v for k, v in (base | fields).items() if v is not None}  # None: left out
    return json.dumps({"event_name": "message.text.received", "message": message}).encode()


NOT_EVENTS: list[bytes] = [
    b"not json at all",
    b"",
    b"[]",
    b'"a string"',
    b'{"ok": true, "result": {}}',
]
# Events we cannot read: each is parked, answered when its chat is known, and never makes
# Zalo's whole post fail (Zalo documents no redelivery: a refusal would lose them all).
UNREADABLE: list[bytes] = [
    b'{"ok": true, "result": {"event_name": "message.text.received"}}',
    b'{"event_name": "message.text.received", "message": "Xin chao"}',
    _message(**{"from": "Hà"}, message_id="m1"),
    _message(**{"from": {"id": {"x": 1}}}, message_id="m2"),
    _message(chat=None, message_id="m3"),
    _message(chat={"id": True}, message_id="m4"),
]


async def test_bodies_without_an_event_are_refused_and_save_nothing(
    fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = webhook_settings(database_url, fake_zalo)
    await load_sample(settings)

    async with webhook_bot(settings, fake_zalo) as (app, url):
        before = await saved_rows(app)
        statuses = [await fake_zalo.post_raw_to_webhook(url, body, SECRET) for body in NOT_EVENTS]
        assert await saved_rows(app) == before

    assert statuses == [400] * len(NOT_EVENTS)
    assert fake_zalo.sent_messages() == []


async def test_unreadable_events_are_parked_acknowledged_and_answered(
    fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = webhook_settings(database_url, fake_zalo)
    await load_sample(settings)

    async with webhook_bot(settings, fake_zalo) as (app, url):
        statuses = [await fake_zalo.post_raw_to_webhook(url, body, SECRET) for body in UNREADABLE]
        again = await fake_zalo.post_raw_to_webhook(url, UNREADABLE[2], SECRET)  # resent
        # m1 and m2 name their chat (u1); the others have no chat that can be answered.
        await fake_zalo.wait_for_messages("u1", 2)
        for _ in range(100):  # the 200 comes once kept; parking follows from the inbox
            async with app.uow(write=False) as uow:
                letters = (await uow.session.execute(select(DeadLetter))).scalars().all()
                saved = await uow.session.scalar(select(func.count()).select_from(Comment))
            if len(letters) >= len(UNREADABLE):
                break
            await asyncio.sleep(0.05)

    assert statuses == [200] * len(UNREADABLE) and again == 200
    assert len(letters) == len(UNREADABLE) and saved == 0
    assert {letter.stage for letter in letters} == {"read"}
    assert all(strings.UNSUPPORTED_OTHER in text for text in fake_zalo.texts("u1"))
    assert len(fake_zalo.texts("u1")) == 2


async def test_stickers_and_images_get_the_same_answer_as_on_telegram(
    fake_zalo: FakeZaloServer, fake_telegram: FakeTelegramServer, database_url: str
) -> None:
    settings = settings_for(database_url, fake_zalo, fake_telegram)
    code = await load_sample(settings)

    async with running(settings):
        zalo = ZaloMember(fake_zalo, ZALO_USER)
        await zalo.say(code)
        await zalo.expect("Đã xác nhận")
        fake_telegram.push_text(TELEGRAM_USER, code)
        await fake_telegram.wait_for_messages(TELEGRAM_USER, 2)
        for what, push_zalo, push_telegram in (
            ("sticker", fake_zalo.push_sticker, fake_telegram.push_sticker),
            ("photo", fake_zalo.push_image, fake_telegram.push_photo),
            ("voice", fake_zalo.push_voice, fake_telegram.push_voice),
        ):
            push_zalo(ZALO_USER)
            on_zalo = await zalo.expect(strings.UNSUPPORTED[what])
            sent = len(fake_telegram.sent_messages(TELEGRAM_USER))
            push_telegram(TELEGRAM_USER)
            await fake_telegram.wait_for_messages(TELEGRAM_USER, sent + 1)
            on_telegram = last_telegram(fake_telegram)
            assert on_zalo.split(".")[0] == on_telegram.split(".")[0]
            assert "gõ số" in on_zalo and "bấm" in on_telegram  # each names what it has


async def test_a_comment_that_breaks_a_handler_is_parked_with_a_200_and_others_go_on(
    fake_zalo: FakeZaloServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Zalo documents no redelivery: a poison event must be parked and acknowledged, and the
    member told it was not saved, while the rest of the chat keeps working."""
    settings = webhook_settings(database_url, fake_zalo)
    code = await load_sample(settings)
    add_text = comments.add_text

    async def broken(session: Any, member: Any, section: Any, text: str, *rest: Any,
                     **options: Any) -> Any:
        saved = await add_text(session, member, section, text, *rest, **options)
        if "hỏng" in text:
            raise KeyError("section")  # after a half-done write, which must not stay
        return saved

    monkeypatch.setattr(comments, "add_text", broken)
    async with webhook_bot(settings, fake_zalo) as (app, url):
        member = ZaloMember(fake_zalo, ZALO_USER, webhook=url)
        await member.say(code)
        await member.expect("Đã xác nhận")
        await member.say("mục 2")
        await member.expect("Mục 2/23")
        await member.say("Ý kiến làm hỏng bộ xử lý")  # _send asserts the 200
        await member.expect("CHƯA được lưu")
        await member.say("Ý kiến bình thường.")
        await member.expect("Đã lưu ý kiến của đồng chí về mục 2")
        async with app.uow(write=False) as uow:
            letters = (await uow.session.execute(select(DeadLetter))).scalars().all()
            texts = (await uow.session.execute(select(Comment.text))).scalars().all()

    assert [(letter.stage, letter.attempts) for letter in letters] == [("handle", 3)]
    assert texts == ["Ý kiến bình thường."]
