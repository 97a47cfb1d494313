"""End to end over real HTTP: a member comments on two documents of one round on the fake
Telegram, picking each from the menu and finishing each; a button further up the chat acts
on its own document; a forged button changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from bot import bootstrap
from bot.config import Settings
from content.draft_parser import parse_draft
from storage.consultations import create_consultation, current_consultation
from storage.models import Comment, Progress
from tests.bot.channels.test_precise_e2e import export_rows
from tests.bot.channels.test_telegram_e2e import (
    USER,
    Member_,
    load_sample,
    running_bot,
    settings_for,
)
from tests.conftest import ROOT
from tests.fakes.telegram_server import FakeTelegramServer

REVIEW = ROOT / "content" / "drafts" / "du-thao-bao-cao-kiem-diem.txt"


async def add_review(settings: Settings) -> None:
    """`gopy draft load du-thao-bao-cao-kiem-diem.txt --add --name …`, as the Office would."""
    app = await bootstrap.build(settings)
    async with app.uow() as uow:
        first = await current_consultation(uow.session)
        assert first is not None
        first.document = "Báo cáo chính trị"
        await create_consultation(
            uow.session, parse_draft(REVIEW.read_text(encoding="utf-8")),
            title="Dự thảo Báo cáo kiểm điểm", deadline=first.deadline, now=app.clock.now(),
            joins=first, document="Báo cáo kiểm điểm")
        await uow.commit()
    await app.close()


async def test_telegram_member_comments_on_two_documents_of_one_round(
    fake_telegram: FakeTelegramServer, database_url: str
) -> None:
    server = fake_telegram
    settings = settings_for(server, database_url)
    await load_sample(settings)
    await add_review(settings)
    member = Member_(server, USER)
    async with running_bot(settings):
        await member.link_by_contact()
        menu = await member.expect("gồm 2 văn bản")
        labels = [b["text"] for row in menu["reply_markup"]["inline_keyboard"] for b in row]
        assert labels[:2] == ["📄 Báo cáo chính trị — 0/23 mục", "📄 Báo cáo kiểm điểm — 0/6 mục"]

        # The review report first: one comment, then finish it.
        member.tap(menu, "Báo cáo kiểm điểm")
        intro = await member.expect("Dự thảo có 6 mục")
        member.tap(intro, "Bắt đầu")
        section1 = await member.expect("Mục 1/6")
        server.push_text(USER, "Đề nghị nêu cụ thể trách nhiệm cá nhân.")
        await member.expect("Đã lưu ý kiến của đồng chí về mục 1")
        server.push_text(USER, "xong")
        summary = await member.expect("Đồng chí đã góp ý 1/6 mục")
        member.tap(summary, "Xác nhận")
        await member.expect("Xin cảm ơn đồng chí đã góp ý")
        left = await member.expect("còn 1/2 văn bản chưa hoàn thành")

        # A forged button naming a document of no round of ours: refused, nothing changes.
        server.push_callback(USER, "m:o:987654", member._bot_message_id(left))
        await member.expect("không thuộc đợt lấy ý kiến hiện nay")

        member.tap(left, "Báo cáo chính trị")
        intro = await member.expect("Dự thảo có 23 mục")
        member.tap(intro, "Bắt đầu")
        first = await member.expect("Mục 1/23")
        member.tap(first, "Nhất trí")
        await member.expect("Mục 2/23")
        # A button further up the chat, of the review report: it acts on that document.
        member.tap(section1, "Không có ý kiến")
        await member.expect("«Không có ý kiến» cho mục 1")
        await member.expect("Mục 2/6")
        server.push_text(USER, "văn bản")
        menu = await member.expect("gồm 2 văn bản")
        member.tap(menu, "Báo cáo chính trị")
        await member.expect("đang ở mục 2/23")
        # A swipe-reply to a page of the review report, while reading the political one:
        # the comment is the review report's, and the member is told so.
        server.push_reply(USER, "Bổ sung trách nhiệm người đứng đầu.",
                          member._bot_message_id(section1))
        await member.expect("thuộc văn bản «Báo cáo kiểm điểm», nên ý kiến được ghi vào mục 1")
        server.push_text(USER, "văn bản")
        menu = await member.expect("gồm 2 văn bản")
        member.tap(menu, "Báo cáo chính trị")
        await member.expect("đang ở mục 2/23")
        server.push_text(USER, "xong")
        summary = await member.expect("Đồng chí đã góp ý 1/23 mục")
        member.tap(summary, "Xác nhận")
        await member.expect("hoàn thành góp ý cả 2 văn bản")

    app = await bootstrap.build(settings)
    async with app.uow(write=False) as uow:
        finished = list(await uow.session.scalars(
            select(Progress.consultation_id).where(Progress.finished_at.is_not(None))
            .order_by(Progress.consultation_id)))
        choices = list(await uow.session.scalars(
            select(Comment.choice).order_by(Comment.consultation_id)))
    await app.close()
    assert len(finished) == 2
    assert choices == ["Nhất trí", "Không có ý kiến"]
    rows = await export_rows(settings)
    assert [(r["Văn bản"], r["Nội dung góp ý"]) for r in rows] == [
        ("Báo cáo chính trị", ""),
        ("Báo cáo kiểm điểm",
         "Đề nghị nêu cụ thể trách nhiệm cá nhân.\nBổ sung trách nhiệm người đứng đầu."),
    ]
