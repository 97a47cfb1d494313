"""End to end over real HTTP: comments on one passage, proposed wording, a stance on the
whole document — by reply and quote on the fake Telegram, by paragraph number on Zalo."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from bot import bootstrap
from bot.config import Settings
from content.draft_parser import parse_draft
from content.passages import paragraphs
from storage.exports import COLUMNS, export_csv
from storage.models import Comment, CommentPart, DocumentStance, Section, WordingProposal
from tests.bot.channels.test_telegram_e2e import (
    USER,
    Member_,
    load_sample,
    running_bot,
    settings_for,
)
from tests.bot.channels.test_zalo_e2e import ZaloMember
from tests.bot.channels.test_zalo_e2e import load_sample as load_zalo_sample
from tests.bot.channels.test_zalo_e2e import running as running_zalo
from tests.bot.channels.test_zalo_e2e import settings_for as zalo_settings
from tests.conftest import SEED_DRAFT
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.zalo_server import FakeZaloServer

SECTIONS = parse_draft(SEED_DRAFT.read_text(encoding="utf-8")).sections
QUOTE = "Đảng bộ Khối hiện có 83 tổ chức cơ sở Đảng"  # in section 2 («I. Đặc điểm tình hình»)
THIRD = paragraphs(SECTIONS[2].body)


async def export_rows(settings: Settings) -> list[dict[str, str]]:
    app = await bootstrap.build(settings)
    async with app.uow(write=False) as uow:
        out = io.BytesIO()
        consultation_id = await uow.session.scalar(select(Section.consultation_id).limit(1))
        assert consultation_id is not None
        await export_csv(uow.session, out, consultation_id)
    await app.close()
    reader = csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig")))
    header, *rows = list(reader)
    assert header == list(COLUMNS)
    return [dict(zip(header, row, strict=True)) for row in rows]


async def saved(settings: Settings) -> tuple[list[tuple[int, str, str | None, int | None]],
                                             list[WordingProposal], list[DocumentStance]]:
    app = await bootstrap.build(settings)
    async with app.uow(write=False) as uow:
        parts = (await uow.session.execute(
            select(Section.position, CommentPart.text, CommentPart.passage, CommentPart.paragraph)
            .join(Comment, Comment.id == CommentPart.comment_id)
            .join(Section, Section.id == Comment.section_id).order_by(CommentPart.id)
        )).all()
        proposals = list((await uow.session.scalars(select(WordingProposal))).all())
        stances = list((await uow.session.scalars(select(DocumentStance))).all())
    await app.close()
    return [tuple(p) for p in parts], proposals, stances  # type: ignore[misc]


async def test_telegram_quote_reply_proposal_and_stance(
    fake_telegram: FakeTelegramServer, database_url: str
) -> None:
    server = fake_telegram
    settings = settings_for(server, database_url)
    await load_sample(settings)
    member = Member_(server, USER)
    async with running_bot(settings):
        await member.link_by_contact()
        intro = await member.expect("23 mục")
        member.tap(intro, "Bắt đầu")
        section1 = await member.expect("Mục 1/23")
        member.tap(section1, "Nhất trí")
        section2 = await member.expect("Mục 2/23")
        page2 = member._bot_message_id(section2)
        member.tap(section2, "Nhất trí")
        noted = await member.expect("cho mục 2")
        section3 = await member.expect("Mục 3/23")
        page3 = member._bot_message_id(section3)

        # A quote from section 2, replying to its page while section 3 is open.
        server.push_reply(USER, "Đề nghị ghi rõ số liệu.", page2, quote=QUOTE)
        answer = await member.expect("Đã lưu ý kiến về mục 2")
        assert "thuộc mục 2" in answer["text"] and "mục 3 đang mở" in answer["text"]
        # A quote that is not in the section: refused, nothing saved.
        server.push_reply(USER, "Ý kiến lạc.", page3, quote="Câu này không có trong dự thảo")
        await member.expect("không có trong nội dung mục 3")
        # A plain reply to the page: the page (and its paragraph when only one) is the passage.
        server.push_reply(USER, "Cần cụ thể hơn.", page3)
        await member.expect("Đã lưu ý kiến về mục 3, Trang 1")
        # A reply to a message that shows no page: an ordinary comment on the open section.
        server.push_reply(USER, "Thêm một ý.", member._bot_message_id(noted))
        await member.expect("không phải trang nội dung")

        # Proposed wording: the button, a paragraph number, the new wording.
        member.tap(section3, "Đề xuất sửa câu chữ")
        await member.expect("Bước 1")
        server.push_text(USER, "9")
        await member.expect(f"chỉ có {len(THIRD)} đoạn")
        server.push_text(USER, "1")
        await member.expect("Bước 2")
        first_words = THIRD[0].split()
        proposed = " ".join([*first_words[:3], "và", *first_words[3:]])
        server.push_text(USER, proposed)
        done = await member.expect("Đã lưu đề xuất sửa câu chữ ở mục 3")
        assert "{+và+}" in done["text"]

        # The whole document at the finish step.
        server.push_text(USER, "xong")
        summary = await member.expect("Ý kiến chung của đồng chí về toàn văn")
        member.tap(summary, "Tán thành một phần")
        await member.expect("«Tán thành một phần»")
        server.push_text(USER, "Cần rút gọn phần kết luận.")
        await member.expect("Đã lưu ý kiến chung")
    assert server.violations == []

    parts, proposals, stances = await saved(settings)
    assert parts == [
        (2, "Đề nghị ghi rõ số liệu.", QUOTE, 1),
        (3, "Cần cụ thể hơn.", None, 1 if len(THIRD) == 1 else None),
        (3, "Thêm một ý.", None, None),
    ]
    assert [(p.original, p.proposed, p.paragraph) for p in proposals] == [(THIRD[0], proposed, 1)]
    assert [(s.stance, s.text) for s in stances] == [("Tán thành một phần", "Cần rút gọn phần kết luận.")]
    rows = {row["Thứ tự mục"]: row for row in await export_rows(settings)}
    assert rows["2"]["Đoạn trích dẫn"] == f"Đoạn 1: «{QUOTE}»" and rows["2"]["Đoạn số"] == "1"
    assert "Trang 1" in rows["3"]["Đoạn trích dẫn"]
    assert rows["3"]["Đề xuất sửa câu chữ"].startswith(f"«{THIRD[0]}» → «{proposed}»")


async def test_zalo_paragraph_numbers_proposal_and_stance(
    fake_zalo: FakeZaloServer, database_url: str
) -> None:
    settings = zalo_settings(database_url, fake_zalo)
    code = await load_zalo_sample(settings)
    member = ZaloMember(fake_zalo, "6ede9afa66b88fe6d6a9")
    async with running_zalo(settings):
        await member.say("Xin chào")
        await member.expect("gõ mã cá nhân")
        await member.say(code)
        intro = await member.expect("Dự thảo có 23 mục")
        await member.say(member.number_of(intro, "Bắt đầu đọc dự thảo"))
        await member.expect("Mục 1/23")
        await member.say("mục 3")
        await member.expect("Mục 3/23")
        await member.say("đánh số đoạn")
        numbered = await member.expect("các đoạn được đánh số")
        assert "[1] " in numbered
        await member.say(f"đoạn {len(THIRD) + 5}: ý kiến lạc")
        await member.expect(f"không có đoạn {len(THIRD) + 5}")
        await member.say("Đoạn 1: Đề nghị bổ sung số liệu.")
        await member.expect("Đã lưu ý kiến về mục 3, Đoạn 1")
        await member.say("đề xuất sửa")
        await member.expect("Bước 1: gõ số đoạn")
        await member.say("1")
        await member.expect("Bước 2")
        await member.say("x " * 7000)  # longer than max_comment_chars
        await member.expect("Chưa lưu")
        await member.say("Câu chữ mới cho đoạn một.")
        saved_text = await member.expect("Đã lưu đề xuất")
        await member.say(member.number_of(saved_text, "Rút đề xuất 1"))
        await member.expect("Đã rút đề xuất")
        await member.say("xong")
        summary = await member.expect("toàn văn")
        await member.say(member.number_of(summary, "Tán thành"))
        await member.expect("«Tán thành»")

    parts, proposals, stances = await saved(settings)
    assert parts == [(3, "Đề nghị bổ sung số liệu.", THIRD[0], 1)]
    assert proposals == []  # withdrawn
    assert [s.stance for s in stances] == ["Tán thành"]
    rows = {row["Thứ tự mục"]: row for row in await export_rows(settings)}
    assert rows["3"]["Đoạn số"] == "1" and rows["3"]["Đề xuất sửa câu chữ"] == ""
