"""Zalo as it really behaves, end to end through `gopy run`'s wiring, over polling and webhook:
link previews without text, photos under other field names, 429 with Retry-After, emoji
that count twice, and a webhook body that arrives while the database cannot save it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot import bootstrap
from bot.bootstrap import App
from bot.channels.base import StorageUnavailable
from bot.config import Settings
from bot.engine import ConversationEngine
from bot.inbox import Inbox
from bot.webhook import WebhookServer
from content import strings
from content.draft_parser import parse_draft
from storage import roster
from storage.consultations import create_consultation
from storage.models import Comment, Identity, Member, ZaloInboxEvent
from tests.bot.channels.test_zalo_e2e import (
    PHONE,
    SECRET,
    ZALO_USER,
    ZaloMember,
    load_sample,
    settings_for,
    webhook_settings,
)
from tests.conftest import DEADLINE, START
from tests.fakes.zalo_server import FakeZaloServer
from tests.support.clock import FakeClock
from tests.support.running import running

ROSTER = Path(__file__).resolve().parents[3] / "content" / "sample_roster.csv"
LINK = {"url": "https://baochinhphu.vn/nghi-quyet.htm", "title": "Nghị quyết <mới> & *đậm*"}
MODES = ["polling", "webhook"]


@asynccontextmanager
async def bot_in(mode: str, settings: Settings, zalo: FakeZaloServer) -> AsyncIterator[
        tuple[App, ZaloMember]]:
    """The bot as `gopy run` runs it, and a member who reaches it the way `mode` says."""
    server = WebhookServer("127.0.0.1", 0) if mode == "webhook" else None
    async with running(settings, clock=FakeClock(START), web=server) as app:
        url = None
        if server is not None:
            await zalo.wait_until(lambda: bool(zalo.webhook["url"]))
            url = f"http://127.0.0.1:{server.port}/zalo/webhook"
        yield app, ZaloMember(zalo, ZALO_USER, webhook=url)


def settings_in(mode: str, database_url: str, zalo: FakeZaloServer) -> Settings:
    if mode == "webhook":
        return webhook_settings(database_url, zalo)
    return settings_for(database_url, zalo)


async def linked_on_section_2(member: ZaloMember, code: str) -> None:
    await member.say(code)
    await member.expect("Đã xác nhận")
    await member.say("mục 2")
    await member.expect("Mục 2/23")


async def send(member: ZaloMember, event: dict[str, Any]) -> None:
    await member._send(event)


@pytest.mark.parametrize("mode", MODES)
async def test_a_link_preview_without_text_is_saved_as_the_comment(
    mode: str, fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = settings_in(mode, database_url, fake_zalo)
    code = await load_sample(settings)

    async with bot_in(mode, settings, fake_zalo) as (app, member):
        await linked_on_section_2(member, code)
        await send(member, fake_zalo.message_event(ZALO_USER, "message.text.received",
                                                   links=[LINK]))
        await member.expect("Đã lưu ý kiến của đồng chí về mục 2")
        async with app.uow(write=False) as uow:
            texts = (await uow.session.scalars(select(Comment.text))).all()

    assert texts == [f"{LINK['title']}\n{LINK['url']}"]
    assert fake_zalo.violations == []


@pytest.mark.parametrize("mode", MODES)
async def test_a_photo_under_photo_url_gets_the_photo_answer(
    mode: str, fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = settings_in(mode, database_url, fake_zalo)
    code = await load_sample(settings)

    async with bot_in(mode, settings, fake_zalo) as (_, member):
        await member.say(code)
        await member.expect("Đã xác nhận")
        event = fake_zalo.message_event(ZALO_USER, "", photo_url="https://zalo.example/p.jpg")
        del event["event_name"]  # as some clients report it: the kind told by the fields
        await send(member, event)
        await member.expect(strings.UNSUPPORTED["photo"])


@pytest.mark.parametrize("mode", MODES)
async def test_429_with_retry_after_is_waited_out_and_nothing_is_lost(
    mode: str, fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = settings_in(mode, database_url, fake_zalo)
    code = await load_sample(settings)

    async with bot_in(mode, settings, fake_zalo) as (_, member):
        fake_zalo.flood_next("sendMessage", "1")
        if mode == "polling":
            fake_zalo.flood_next("getUpdates", "1")
        started = asyncio.get_running_loop().time()
        await member.say(code)
        await member.expect("Đã xác nhận")
        waited = asyncio.get_running_loop().time() - started

    refused = [c for c in fake_zalo.calls_to("sendMessage") if c.error_code == 429]
    assert len(refused) == 1 and waited >= 1.0
    assert fake_zalo.violations == []


async def load_emoji_draft(settings: Settings) -> str:
    body = " ".join(["Đồng chí nhất trí 👍🏽🇻🇳🙏😀 với dự thảo."] * 80)
    draft = parse_draft(f"BÁO CÁO CHÍNH TRỊ\n\nI. Phần một\n\n1. Mục biểu tượng\n\n{body}\n\n"
                        "2. Mục hai\n\nNội dung mục hai.\n")
    app = await bootstrap.build(settings, clock=FakeClock(START))
    async with app.uow() as uow:
        await create_consultation(uow.session, draft, title="Thử", deadline=DEADLINE, now=START)
        await roster.import_roster(uow.session, ROSTER)
        await uow.commit()
        code = await uow.session.scalar(select(Member.access_code).where(Member.phone == PHONE))
    await app.close()
    assert code is not None
    return code


@pytest.mark.parametrize("mode", MODES)
async def test_an_emoji_heavy_section_is_cut_within_2000_utf16_units(
    mode: str, fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = settings_in(mode, database_url, fake_zalo)
    code = await load_emoji_draft(settings)

    async with bot_in(mode, settings, fake_zalo) as (_, member):
        await member.say(code)
        await member.expect("Đã xác nhận")
        await member.expect("Bắt đầu đọc dự thảo")
        await member.say("mục 1")
        await member.expect("Mục 1/2")
        page = await member.expect("Gõ số để chọn")
        while strings.BTN_READ_ON in page:
            await member.say("đọc tiếp")
            page = await member.expect("Gõ số để chọn")

    sent = fake_zalo.texts(ZALO_USER)
    assert fake_zalo.violations == []
    assert max(len(t.encode("utf-16-le")) // 2 for t in sent) <= 2000
    assert max(len(t) for t in sent) < max(len(t.encode("utf-16-le")) // 2 for t in sent)
    shown = "".join("".join(sent).split())
    assert shown.count("👍🏽🇻🇳🙏😀") == 80


class Outage:
    """The main write fails as a database that is down does, until `end()`; the inbox's
    small insert still gets through (another table, one row)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.down = True
        handle = ConversationEngine.handle

        async def failing(engine: ConversationEngine, inbound: Any, raw: str = "") -> Any:
            if self.down:
                raise StorageUnavailable(inbound.update_key)
            return await handle(engine, inbound, raw)

        monkeypatch.setattr(ConversationEngine, "handle", failing)

    def end(self) -> None:
        self.down = False


async def kept(app: App) -> int:
    async with app.uow(write=False) as uow:
        return len((await uow.session.scalars(select(ZaloInboxEvent))).all())


async def test_a_webhook_body_during_a_database_outage_is_kept_and_answered_after(
    fake_zalo: FakeZaloServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = webhook_settings(database_url, fake_zalo)
    code = await load_sample(settings)
    outage = Outage(monkeypatch)

    async with bot_in("webhook", settings, fake_zalo) as (app, member):
        await member.say(code)  # asserts the 200: kept, not yet saved
        await asyncio.sleep(0.3)
        assert fake_zalo.texts(ZALO_USER) == [] and await kept(app) == 1
        outage.end()
        await member.expect("Đã xác nhận")
        for _ in range(50):
            if await kept(app) == 0:
                break
            await asyncio.sleep(0.05)
        assert await kept(app) == 0


async def test_what_the_inbox_kept_is_handled_after_a_restart_and_repeats_once(
    fake_zalo: FakeZaloServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = webhook_settings(database_url, fake_zalo)
    code = await load_sample(settings)
    outage = Outage(monkeypatch)
    event = fake_zalo.text_event(ZALO_USER, code)

    async with bot_in("webhook", settings, fake_zalo) as (app, member):
        await send(member, event)
        await send(member, event)  # Zalo (or a proxy) posting the same message twice
        await asyncio.sleep(0.2)
        assert await kept(app) == 2
    assert fake_zalo.texts(ZALO_USER) == []

    outage.end()  # the next start: the database is back
    async with bot_in("polling", settings_for(database_url, fake_zalo), fake_zalo) as (app, member):
        await member.expect("Đã xác nhận")
        await asyncio.sleep(0.3)
        assert await kept(app) == 0
    assert sum("Đã xác nhận" in t for t in fake_zalo.texts(ZALO_USER)) == 1


async def test_only_when_even_the_inbox_cannot_be_written_is_the_answer_503(
    fake_zalo: FakeZaloServer, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = webhook_settings(database_url, fake_zalo)
    await load_sample(settings)

    async def refused(self: Inbox, events: Any) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr(Inbox, "keep", refused)
    async with bot_in("webhook", settings, fake_zalo) as (_, member):
        event = fake_zalo.text_event(ZALO_USER, "Xin chào")
        assert await fake_zalo.post_to_webhook(member.webhook or "", event, SECRET) == 503


async def state(app: App) -> tuple[int, bool]:
    """The identity's count of refusals in a row, and whether the member is marked unreachable."""
    async with app.uow(write=False) as uow:
        count = await uow.session.scalar(select(Identity.failed_sends))
        marked = await uow.session.scalar(select(Member.unreachable_at).where(Member.phone == PHONE))
    return count or 0, marked is not None


async def eventually(app: App, expected: tuple[int, bool]) -> tuple[int, bool]:
    """The state once it is `expected` (saved right after Zalo answers), or as it is at last."""
    for _ in range(60):
        if (now := await state(app)) == expected:
            return now
        await asyncio.sleep(0.05)
    return await state(app)


async def refused(zalo: FakeZaloServer, member: ZaloMember, times: int) -> None:
    """The member writes `times` times; Zalo refuses each reply."""
    def count() -> int:
        return len([c for c in zalo.calls_to("sendMessage") if c.error_code == 403])

    for goal in range(count() + 1, count() + times + 1):
        await member.say("mục lục")
        await zalo.wait_until(lambda goal=goal: count() >= goal)


@pytest.mark.parametrize("mode", MODES)
async def test_a_member_is_unreachable_only_after_three_refusals_in_a_row(
    mode: str, fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = settings_in(mode, database_url, fake_zalo)
    code = await load_sample(settings)

    async with bot_in(mode, settings, fake_zalo) as (app, member):
        await member.say(code)
        await member.expect("Bắt đầu đọc dự thảo")
        fake_zalo.block_user(ZALO_USER)
        await refused(fake_zalo, member, 2)
        assert await eventually(app, (2, False)) == (2, False)
        fake_zalo.unblock_user(ZALO_USER)
        await member.say("mục lục")
        await member.expect("Mục lục")
        assert await eventually(app, (0, False)) == (0, False)  # one delivered: a new count
        fake_zalo.block_user(ZALO_USER)
        await refused(fake_zalo, member, 3)
        assert await eventually(app, (3, True)) == (3, True)
