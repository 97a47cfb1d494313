"""End to end over real HTTP: the bot polls a fake Telegram; a member comments; the bot restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot import bootstrap
from bot.bootstrap import App
from bot.config import Settings
from content.draft_parser import parse_draft
from storage import roster
from storage.consultations import create_consultation
from storage.models import Comment, Member, Progress, Section
from tests.conftest import DEADLINE, SEED_DRAFT
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.telegram_spec import visible_text
from tests.support.running import running

ROSTER = Path(__file__).resolve().parents[3] / "content" / "sample_roster.csv"
USER = 5001  # Telegram account of Nguyễn Thị Thu Hà, 0912 345 678 in the sample roster


def settings_for(server: FakeTelegramServer, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        telegram_bot_token=server.token,
        telegram_api_url=server.url,
        telegram_poll_timeout=1,
        _env_file=None,
    )


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[App]:
    """The bot as `gopy run` wires it, polling until the block ends."""
    async with running(settings) as app:
        yield app


class Member_:
    """A person on the fake Telegram, reading what the bot sent them."""

    def __init__(self, server: FakeTelegramServer, user_id: int) -> None:
        self.server, self.user_id = server, user_id
        self.seen = 0

    async def expect(self, fragment: str) -> dict[str, Any]:
        """Wait for a new bot message containing `fragment`; messages before it are skipped."""
        def arrived() -> bool:
            return any(fragment in (m.get("text") or "") for m in self._new())

        try:
            await self.server.wait_until(arrived, timeout=10)
        except TimeoutError:
            raise AssertionError(f"no {fragment!r} in {[m.get('text') for m in self._new()]}") from None
        messages = self.server.sent_messages(self.user_id)
        for index in range(self.seen, len(messages)):
            if fragment in (messages[index].get("text") or ""):
                self.seen = index + 1
                return messages[index]
        raise AssertionError("unreachable")

    async def link_by_contact(self) -> None:
        """/start, then share the phone of the sample roster's Nguyễn Thị Thu Hà."""
        self.server.push_command(self.user_id, "/start")
        await self.expect("xác nhận danh tính")
        self.server.push_contact(self.user_id, "0912 345 678", contact_user_id=self.user_id)

    def _new(self) -> list[dict[str, Any]]:
        return self.server.sent_messages(self.user_id)[self.seen :]

    def tap(self, message: dict[str, Any], label: str) -> int:
        """Tap a button of a message the bot sent, as the Telegram app would."""
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                if label in button["text"]:
                    bot_message = self._bot_message_id(message)
                    return self.server.push_callback(self.user_id, button["callback_data"], bot_message)
        raise AssertionError(f"no button {label!r}")

    def _bot_message_id(self, message: dict[str, Any]) -> int:
        for m in reversed(self.server.chat_history(self.user_id)):
            shown = visible_text(message["text"], message.get("parse_mode"))
            if m.get("text") == shown and m.get("from", {}).get("is_bot"):
                return int(m["message_id"])
        raise AssertionError("message not in the chat")


async def load_sample(
    settings: Settings, draft: str | None = None, title: str = "Dự thảo Báo cáo chính trị (lần 4)"
) -> None:
    """The sample roster and a round on `draft` (the sample draft when None)."""
    app = await bootstrap.build(settings)
    async with app.uow() as uow:
        text = SEED_DRAFT.read_text(encoding="utf-8") if draft is None else draft
        await create_consultation(
            uow.session, parse_draft(text), title=title, deadline=DEADLINE, now=app.clock.now(),
        )
        await roster.import_roster(uow.session, ROSTER)
        await uow.commit()
    await app.close()


async def test_member_links_comments_survives_restart_and_finishes(
    fake_telegram: FakeTelegramServer, database_url: str
) -> None:
    server = fake_telegram
    settings = settings_for(server, database_url)
    await load_sample(settings)
    member = Member_(server, USER)

    async with running_bot(settings):
        server.push_command(USER, "/start")
        welcome = await member.expect("xác nhận danh tính")
        assert welcome["reply_markup"]["keyboard"][0][0]["request_contact"] is True
        server.push_contact(USER, "0912 345 678", contact_user_id=USER)
        await member.expect("Đã xác nhận: đồng chí Nguyễn Thị Thu Hà")
        intro = await member.expect("23 mục")
        member.tap(intro, "Bắt đầu")
        section1 = await member.expect("Mục 1/23")
        member.tap(section1, "Nhất trí")
        section2 = await member.expect("Mục 2/23")
        member.tap(section2, "Không nhất trí")
        await member.expect("Xin đồng chí gõ ý kiến")
        text_update = server.push_text(USER, "Đề nghị ghi rõ số đảng viên nữ, dân tộc, tôn giáo.")
        await member.expect("Đã lưu ý kiến của đồng chí về mục 2")
        server.push_duplicate(text_update)  # Telegram delivers again: must not add it twice
        server.push_sticker(USER)
        await member.expect("nhãn dán")

    async with running_bot(settings):  # a restart: the member goes on where they were
        server.push_command(USER, "/start")
        await member.expect("Đồng chí đang ở mục 2/23")
        section2 = await member.expect("Mục 2/23")
        member.tap(section2, "Mục sau")
        section3 = await member.expect("Mục 3/23")
        member.tap(section3, "có ý kiến bổ sung")
        await member.expect("Xin đồng chí gõ ý kiến")
        server.push_text(USER, "Bổ sung: thuận lợi về chuyển đổi số.")
        saved = await member.expect("Đã lưu ý kiến")
        member.tap(saved, "Mục sau")
        section4 = await member.expect("Mục 4/23")
        member.tap(section4, "Mục lục")
        toc = await member.expect("3/23 mục đã góp ý")
        member.tap(toc, "Hoàn thành")
        summary = await member.expect("Hoàn thành góp ý")
        member.tap(summary, "Xác nhận")
        await member.expect("Xin cảm ơn đồng chí đã góp ý")

    assert server.violations == []
    assert server.acknowledged_offset > text_update
    app = await bootstrap.build(settings)
    async with app.uow(write=False) as uow:
        rows = (await uow.session.execute(
            select(Section.position, Comment.choice, Comment.text, Comment.cell_id)
            .join(Section, Section.id == Comment.section_id).order_by(Section.position)
        )).all()
        hà = (await uow.session.execute(select(Member).where(Member.phone == "0912345678"))).scalar_one()
        progress = (await uow.session.execute(select(Progress))).scalar_one()
    await app.close()
    assert [(r.position, r.choice, r.text) for r in rows] == [
        (1, "Nhất trí", ""),
        (2, "Không nhất trí", "Đề nghị ghi rõ số đảng viên nữ, dân tộc, tôn giáo."),
        (3, "Nhất trí, có ý kiến bổ sung", "Bổ sung: thuận lợi về chuyển đổi số."),
    ]
    assert {r.cell_id for r in rows} == {hà.cell_id}
    assert progress.member_id == hà.id and progress.finished_at is not None
