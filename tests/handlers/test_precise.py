"""Comments on a passage and proposed wordings, driven through the engine (no network)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.engine import ConversationEngine
from storage import pages_sent
from storage.consultations import section_by_id
from storage.models import Comment, CommentPart, WordingProposal
from storage.pages_sent import Shown
from tests.conftest import Bloc
from tests.handlers.test_member_flow import linked
from tests.support.clock import FakeClock


async def rows(engine: ConversationEngine) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
    async with engine._factory() as s:
        parts = (await s.execute(select(CommentPart.text, CommentPart.passage))).all()
        proposals = (await s.execute(select(WordingProposal.original, WordingProposal.proposed)
                                     .where(WordingProposal.proposed != ""))).all()
    return [tuple(p) for p in parts], [tuple(p) for p in proposals]  # type: ignore[misc]


async def test_a_reply_to_a_page_of_another_round_or_chat_is_an_ordinary_comment(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    async with engine._factory() as s:
        # Message 77 showed section 1 in someone else's chat: not a page of this chat.
        await pages_sent.record_all(
            s, [Shown("telegram", "4242", "77", bloc.section_ids[0], 1)], clock.now())
        await s.commit()
    await chat.reply("Ý kiến.", to="77", quote="bất kỳ")
    assert "ý kiến chung về mục 2 đang mở" in chat.text
    assert (await rows(engine))[0] == [("Ý kiến.", None)]


async def test_proposals_keep_to_the_limit_and_the_deadline(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    await chat.tap("Đề xuất sửa câu chữ")
    await chat.say("1")
    assert "Bước 2" in chat.text
    await chat.say("y" * (engine._limits.max_comment_chars + 1))
    assert "Chưa lưu" in chat.text
    assert (await rows(engine))[1] == []
    await chat.say("Câu mới.")
    assert "Đã lưu đề xuất" in chat.text
    [(original, proposed)] = (await rows(engine))[1]
    assert proposed == "Câu mới."
    clock.set(bloc.consultation.deadline + timedelta(minutes=1))
    await chat.tap("Rút đề xuất 1")
    assert "Đã hết hạn góp ý" in chat.text
    assert (await rows(engine))[1] == [(original, "Câu mới.")]
    async with engine._factory() as s:
        comment = (await s.execute(select(Comment))).scalar_one()
    assert comment.proposals.startswith(f"«{original}» → «Câu mới.»")



async def test_a_quote_of_the_bold_title_or_the_headings_above_is_in_the_section(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    chat = await linked(engine)
    await chat.press("m:p:3")
    async with engine._factory() as s:
        section = await section_by_id(s, bloc.consultation.id, bloc.section_ids[2])
        assert section is not None and section.path
        await pages_sent.record_all(
            s, [Shown("telegram", chat.user_id, "90", section.id, 1)], clock.now())
        await s.commit()
    heading = section.path[-1]
    for quote in (section.title, section.label, heading, heading[:30]):
        await chat.reply("Đề nghị viết lại.", to="90", quote=quote)
        assert "Đã lưu ý kiến về mục 3" in chat.text, (quote, chat.text)
    await chat.reply("Đề nghị viết lại.", to="90", quote="một câu không có trong mục")
    assert "không có trong nội dung mục 3" in chat.text
    passages = [passage for _, passage in (await rows(engine))[0]]
    assert passages == [section.title, section.label, heading, heading[:30]]
