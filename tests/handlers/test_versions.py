"""What a member notices when the Office loads the next version of the draft they read."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import ConversationEngine
from content.draft_parser import ParsedDraft
from handlers.actions import Choose
from handlers.styled import Style
from storage import versions
from storage.models import Comment, Consultation, Section, SentPage
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.handlers.test_member_flow import linked
from tests.storage.test_versions import lan5
from tests.support.chat import Chat
from tests.support.clock import FakeClock

CHI_TIEU = 18  # «2- Các chỉ tiêu chủ yếu»: lần 5 raises 90% to 95%


async def load(sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock,
               draft: ParsedDraft | None = None) -> None:
    clock.advance(timedelta(hours=1))
    async with UnitOfWork(sessions) as uow:
        document = await uow.session.get(Consultation, bloc.consultation.id)
        assert document is not None
        await versions.load_next_version(uow.session, document, draft or lan5(), now=clock.now())
        await uow.commit()


async def commented_and_finished(engine: ConversationEngine, channel: str = "telegram") -> Chat:
    chat = await linked(engine, user=f"{channel}-1", channel=channel)
    await chat.press(f"m:p:{CHI_TIEU}")
    await chat.tap("Không nhất trí")
    await chat.say("Đề nghị giữ chỉ tiêu 90% cho sát thực tế.")
    await chat.press("m:p:2")
    await chat.tap("Nhất trí")
    await chat.tap("Mục lục")
    await chat.tap("Hoàn thành")
    await chat.tap("Xác nhận")
    assert "Xin cảm ơn đồng chí" in chat.text
    return chat


async def test_a_finished_member_is_told_once_and_sees_the_change_once(
    engine: ConversationEngine, bloc: Bloc, sessions: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    chat = await commented_and_finished(engine)
    old_page = chat.replies  # lần 4's mục 18 is long gone from the screen, its buttons stay
    await load(sessions, bloc, clock)

    await chat.command("start")
    news = chat.replies[0].text
    assert news.startswith("📄 Dự thảo đã có bản mới: Dự thảo lần 5.")
    assert "• Mục 18. 2. Các chỉ tiêu chủ yếu" in news
    assert "Mục 2." not in news  # unchanged: not listed
    assert "Đồng chí đã hoàn thành góp ý" in news
    assert "Hoàn thành góp ý" in chat.text and "2/23" in chat.text  # still finished, both count
    await chat.command("start")
    assert "bản mới" not in chat.text  # once

    await chat.press(f"m:p:{CHI_TIEU}")
    note, page = chat.replies
    assert note.text == ("✏️ Mục này đã sửa trong Dự thảo lần 5:\n"
                         "• «90%» → «95%»")
    struck = [s.text for s in note.styled if s.style is Style.STRIKE]
    bold = [s.text for s in note.styled if s.style is Style.BOLD]
    assert (struck, bold) == (["90%"], ["95%"])
    assert page.text.startswith("Mục 18/23")
    assert "95% trở lên" in page.text
    assert ("Ý kiến của đồng chí (góp vào Dự thảo lần 4): «Không nhất trí» — "
            "Đề nghị giữ chỉ tiêu 90%") in page.text
    assert "Xoá phần ý kiến" not in " ".join(chat.labels())  # lần 4's comment stays as made
    await chat.press(f"m:p:{CHI_TIEU}")
    assert len(chat.replies) == 1 and "đã sửa" not in chat.text  # once

    await chat.press("m:p:2")  # unchanged: the earlier answer, no note
    assert chat.text.startswith("Mục 2/23")
    assert "(góp vào Dự thảo lần 4): «Nhất trí»" in chat.text

    # On the new version: a new comment beside the old one, nothing moved.
    await chat.press(f"m:p:{CHI_TIEU}")
    await chat.tap("Nhất trí, có ý kiến bổ sung")
    await chat.say("Nhất trí nâng lên 95%.")
    async with sessions() as s:
        on = (await s.execute(select(Section.version, Comment.choice, Comment.text)
                              .join(Section, Section.id == Comment.section_id)
                              .where(Section.position == CHI_TIEU)
                              .order_by(Section.version))).all()
    assert [tuple(row) for row in on] == [
        (1, "Không nhất trí", "Đề nghị giữ chỉ tiêu 90% cho sát thực tế."),
        (2, "Nhất trí, có ý kiến bổ sung", "Nhất trí nâng lên 95%."),
    ]
    assert old_page  # (kept for the reader: the old buttons are tried below)


async def test_buttons_of_the_earlier_version_lead_to_the_section_it_became(
    engine: ConversationEngine, bloc: Bloc, sessions: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    chat = await commented_and_finished(engine)
    old_id = bloc.section_ids[CHI_TIEU - 1]
    draft = lan5()
    await load(sessions, bloc, clock, replace(draft, sections=draft.sections[:4] + draft.sections[5:]))
    removed_id = bloc.section_ids[4]  # mục 5 of lần 4, left out of this next version

    await chat.press(Choose(old_id, 0).pack())  # «Nhất trí» under lần 4's page
    assert chat.replies[0].text.startswith("Tin nhắn đó thuộc bản dự thảo trước")
    assert any(r.text.startswith("Mục 17/22") for r in chat.replies)  # one section earlier now
    async with sessions() as s:
        assert (await s.execute(select(func.count()).select_from(Comment))).scalar_one() == 2

    await chat.press(f"m:s:{removed_id}:2")  # «Đọc tiếp» of the removed section
    assert "không còn trong Dự thảo lần 5" in chat.text and "Không có gì thay đổi" in chat.text
    await chat.press("m:s:999999:1")  # a section of no version: the usual answer
    assert "Nút này không còn dùng được" in chat.text

    # A swipe-reply to a page of the earlier version: filed on the section it became.
    async with UnitOfWork(sessions) as uow:
        uow.session.add(SentPage(channel="telegram", chat_id=chat.user_id, message_id="77",
                                 section_id=old_id, page=1, sent_at=clock.now()))
        await uow.commit()
    await chat.reply("Nên ghi rõ lộ trình đạt 95%.", "77")
    assert "Đã lưu ý kiến về mục 17" in chat.text
    async with sessions() as s:
        version = (await s.execute(select(Section.version).join(Comment, Comment.section_id == Section.id)
                                   .where(Comment.text == "Nên ghi rõ lộ trình đạt 95%."))).scalar_one()
    assert version == 2


async def test_on_zalo_the_change_is_plain_words(
    engine: ConversationEngine, bloc: Bloc, sessions: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    chat = await commented_and_finished(engine, channel="zalo")
    await load(sessions, bloc, clock)
    await chat.say("mục lục")
    assert "bản mới" in chat.replies[0].text
    await chat.say(f"mục {CHI_TIEU}")
    assert "✏️ Mục này đã sửa trong Dự thảo lần 5:\n• «90%» → «95%»" in chat.text


async def test_the_secretary_reads_both_versions_comments_under_the_newest_section(
    engine: ConversationEngine, bloc: Bloc, sessions: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await commented_and_finished(engine)  # Nguyễn Văn An, cell GD1, on lần 4
    await load(sessions, bloc, clock)
    secretary = Chat(engine, user_id="2002")
    await secretary.say("22223333")  # Trần Thị Bình, GD1's secretary
    await secretary.press(f"s:c:{CHI_TIEU}")
    assert "Nguyễn Văn An" in secretary.text and "giữ chỉ tiêu 90%" in secretary.text
    assert "Không nhất trí 1" in secretary.text  # the tally counts lần 4 too
