"""A round of several documents: the member's menu, finishing each, reminders, the export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import ConversationEngine
from content import strings
from content.draft_parser import parse_draft
from storage.consultations import create_consultation, current_consultation, current_round
from storage.exports import COLUMNS, export_csv
from storage.models import CellSubmission, Comment, Consultation, Identity, Member, Progress
from storage.uow import UnitOfWork
from tests.conftest import ROOT, Bloc
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.reminding import RecordingChannel, finish, link_all, reminders_over

REVIEW = ROOT / "content" / "drafts" / "du-thao-bao-cao-kiem-diem.txt"
POLITICAL = "Báo cáo chính trị"
REVIEW_NAME = "Báo cáo kiểm điểm"


async def add_review(sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
                     clock: FakeClock) -> Consultation:
    """The review report, added to the bloc's running round (and the first one named)."""
    async with UnitOfWork(sessions) as uow:
        first = await uow.session.get(Consultation, bloc.consultation.id)
        assert first is not None
        first.document = POLITICAL
        review = await create_consultation(
            uow.session, parse_draft(REVIEW.read_text(encoding="utf-8")),
            title="Dự thảo Báo cáo kiểm điểm", deadline=first.deadline, now=clock.now(),
            joins=first, document=REVIEW_NAME)
        await uow.commit()
    return review


async def older_round(sessions: async_sessionmaker[AsyncSession], clock: FakeClock) -> int:
    """A round opened before the bloc's: not the current one."""
    async with UnitOfWork(sessions) as uow:
        old = await create_consultation(
            uow.session, parse_draft(REVIEW.read_text(encoding="utf-8")), title="Đợt cũ",
            deadline=clock.now() + timedelta(days=3), now=clock.now() - timedelta(days=30))
        await uow.commit()
    return old.id


async def linked(engine: ConversationEngine, channel: str = "telegram") -> Chat:
    chat = Chat(engine, user_id="1001", channel=channel)
    await chat.say("11112222")  # Nguyễn Văn An, cell GD1
    return chat


async def comment_on_both(chat: Chat, political: str, review: str) -> None:
    """One comment on the first section of each document, picked from the menu in turn."""
    await chat.tap(POLITICAL)
    await chat.tap("Bắt đầu")
    await chat.say(political)
    await chat.say("văn bản")
    await chat.tap(REVIEW_NAME)
    await chat.tap("Bắt đầu")
    await chat.say(review)


async def document_of_chat(sessions: async_sessionmaker[AsyncSession]) -> int | None:
    async with sessions() as session:
        return await session.scalar(select(Identity.document_id))


async def test_adding_a_document_keeps_the_round_and_shares_its_settings(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    clock.advance(timedelta(hours=1))
    review = await add_review(sessions, bloc, clock)
    async with sessions() as session:
        current = await current_consultation(session)
        documents = await current_round(session)
    assert current is not None and current.id == bloc.consultation.id  # still the round
    assert [d.name for d in documents] == [POLITICAL, REVIEW_NAME]
    assert review.round_id == bloc.consultation.id and review.deadline == current.deadline
    assert review.choices == current.choices and review.reminders == current.reminders


async def test_a_member_picks_each_document_and_finishes_both(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    review = await add_review(sessions, bloc, clock)
    chat = await linked(engine)
    assert "gồm 2 văn bản" in chat.text
    assert chat.labels()[:2] == [f"📄 {POLITICAL} — 0/23 mục", f"📄 {REVIEW_NAME} — 0/6 mục"]

    await chat.tap(REVIEW_NAME)
    assert "Dự thảo có 6 mục" in chat.text and strings.BTN_DOCUMENTS in chat.labels()
    assert await document_of_chat(sessions) == review.id
    await chat.tap("Bắt đầu")
    assert chat.text.startswith("Mục 1/6")
    await chat.say("Đề nghị nêu rõ hạn chế của từng đồng chí.")
    await chat.press("m:p:1")  # back to section 1 of the document being read
    assert chat.text.startswith("Mục 1/6")
    for _ in range(6):
        await chat.tap("Nhất trí")
    assert "Đồng chí đã góp ý 6/6 mục" in chat.text
    assert strings.BTN_DOCUMENTS in chat.labels()  # the finish step offers the others
    await chat.tap("Xác nhận")
    assert "Xin cảm ơn đồng chí đã góp ý" in chat.text
    assert "còn 1/2 văn bản chưa hoàn thành" in chat.replies[-1].text
    assert chat.replies[-1].all_buttons()[0].label == f"📄 {POLITICAL} — 0/23 mục"

    # Coming back later, the menu shows what is done.
    await chat.command("start")
    assert f"✅ {REVIEW_NAME} — đã xong" in chat.labels()
    await chat.tap(POLITICAL)
    assert "Dự thảo có 23 mục" in chat.text
    await chat.tap("Bắt đầu")
    await chat.tap("Nhất trí")
    await chat.say("xong")
    assert "Đồng chí đã góp ý 1/23 mục" in chat.text
    await chat.tap("Xác nhận")
    assert "hoàn thành góp ý cả 2 văn bản" in chat.replies[-1].text

    async with sessions() as session:
        finished = set(await session.scalars(
            select(Progress.consultation_id).where(Progress.finished_at.is_not(None))))
        by_document = dict((await session.execute(
            select(Comment.consultation_id, Comment.text).where(Comment.text != ""))).all())
    assert finished == {bloc.consultation.id, review.id}
    assert by_document == {review.id: "Đề nghị nêu rõ hạn chế của từng đồng chí."}


async def test_a_round_of_one_document_shows_no_menu(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.command("start")
    assert "23 mục" in chat.text and strings.BTN_DOCUMENTS not in chat.labels()
    await chat.say("văn bản")  # the word for the menu: just the document
    assert "23 mục" in chat.text


@pytest.mark.parametrize("channel", ["zalo", "console"])
async def test_typed_numbers_pick_a_document_where_there_are_no_buttons(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock, channel: str,
) -> None:
    await add_review(sessions, bloc, clock)
    chat = await linked(engine, channel=channel)
    assert chat.labels()[1] == f"📄 {REVIEW_NAME} — 0/6 mục"  # typed as «2»
    await chat.say("2")
    assert "Dự thảo có 6 mục" in chat.text
    await chat.say("văn bản")
    assert "gồm 2 văn bản" in chat.text


async def test_a_forged_button_for_another_rounds_document_changes_nothing(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    old = await older_round(sessions, clock)
    review = await add_review(sessions, bloc, clock)
    chat = await linked(engine)
    await chat.tap(REVIEW_NAME)
    await chat.press(f"m:o:{old}")
    assert strings.DOCUMENT_NOT_IN_ROUND in chat.text
    assert REVIEW_NAME in " ".join(chat.labels())  # the menu of this round, to go on
    await chat.press("m:o:999999999")
    assert strings.DOCUMENT_NOT_IN_ROUND in chat.text
    assert await document_of_chat(sessions) == review.id
    async with sessions() as session:
        old_sections = list(await session.scalars(
            select(Comment.id).where(Comment.consultation_id == old)))
    assert old_sections == []
    # Still reading the review report, where it was.
    await chat.command("start")
    assert "Dự thảo có 6 mục" in chat.text


async def test_reminders_name_the_documents_left(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    review = await add_review(sessions, bloc, clock)
    await link_all(sessions, bloc, clock.now())
    await finish(sessions, bloc, "an", clock.now())  # the political report only
    for key in ("chi", "dung"):  # both documents: no reminder of their own
        await finish(sessions, bloc, key, clock.now())
        async with UnitOfWork(sessions) as uow:
            uow.session.add(Progress(member_id=bloc.members[key].id, consultation_id=review.id,
                                     section_position=7, page=1, started_at=clock.now(),
                                     finished_at=clock.now()))
            await uow.commit()
    channel = RecordingChannel()
    clock.set(clock.now().replace(day=12, hour=8, minute=0))
    await reminders_over(sessions, clock, channel).run_due()
    [to_an] = channel.to("an")
    assert "còn 1 văn bản chưa hoàn thành" in to_an.text and f"• {REVIEW_NAME}" in to_an.text
    assert f"• {POLITICAL}" not in to_an.text
    [to_binh] = channel.to("binh")
    assert f"• {POLITICAL}" in to_binh.text and f"• {REVIEW_NAME}" in to_binh.text
    assert channel.to("chi") == []
    [to_dung] = channel.to("dung")  # a secretary: about the cell only
    assert "văn bản" not in to_dung.text and "Chi bộ Phòng Tổ chức" in to_dung.text


async def test_the_export_carries_every_document_of_the_round(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    review = await add_review(sessions, bloc, clock)
    chat = await linked(engine)
    await comment_on_both(chat, "Ý kiến về báo cáo chính trị.", "Ý kiến về báo cáo kiểm điểm.")

    async def exported(**kwargs: int) -> list[dict[str, str]]:
        out = io.BytesIO()
        async with sessions() as session:
            await export_csv(session, out, bloc.consultation.id, **kwargs)
        header, *rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
        assert header == list(COLUMNS)
        return [dict(zip(header, row, strict=True)) for row in rows]

    rows = await exported()
    column = strings.EXPORT_DOCUMENT_COLUMN
    assert [(r[column], r["Nội dung góp ý"]) for r in rows] == [
        (POLITICAL, "Ý kiến về báo cáo chính trị."), (REVIEW_NAME, "Ý kiến về báo cáo kiểm điểm.")]
    # The cell's «chốt» is the round's: every document's rows say so.
    async with UnitOfWork(sessions) as uow:
        uow.session.add(CellSubmission(
            consultation_id=bloc.consultation.id, cell_id=bloc.members["an"].cell_id,
            submitted_by=bloc.members["binh"].id, submitted_at=clock.now()))
        await uow.commit()
    assert [r["Chi bộ đã chốt"] for r in await exported()] == ["có", "có"]
    assert [r[column] for r in await exported(document_id=review.id)] == [REVIEW_NAME]
    old = await older_round(sessions, clock)
    with pytest.raises(LookupError):
        await exported(document_id=old)


async def test_titles_and_names_with_commas_quotes_and_ampersands_come_out_as_written(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    import openpyxl

    from storage.exports import export_xlsx

    await add_review(sessions, bloc, clock)
    title, name = 'Báo cáo chính trị, "lần 4" & phụ lục', "=Kiểm điểm, A&B"
    async with UnitOfWork(sessions) as uow:
        first, review = await current_round(uow.session)
        first.title, review.document = title, name
        await uow.commit()
    chat = await linked(engine)
    await chat.tap("Kiểm điểm")
    await chat.tap("Bắt đầu")
    await chat.say("Một ý kiến.")
    out = io.BytesIO()
    async with sessions() as session:
        await export_csv(session, out, bloc.consultation.id)
    [_, row] = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    document = COLUMNS.index(strings.EXPORT_DOCUMENT_COLUMN)
    assert (row[0], row[document]) == (title, "'" + name)  # a formula start is neutralised in CSV
    out = io.BytesIO()
    async with sessions() as session:
        await export_xlsx(session, out, bloc.consultation.id)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    cells = [c.value for c in sheet[2]]
    assert (cells[0], cells[document]) == (title, name)


async def test_the_report_has_a_part_per_document(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    import docx
    import openpyxl

    from storage import grouping
    from storage.report_docx import ReportHeader, write_docx
    from storage.report_xlsx import COLUMNS as REPORT_COLUMNS
    from storage.report_xlsx import write_xlsx

    review = await add_review(sessions, bloc, clock)
    chat = await linked(engine)
    await comment_on_both(chat, "Bổ sung số liệu về đảng viên.", "Nêu rõ trách nhiệm người đứng đầu.")
    parts = [(bloc.consultation.id, POLITICAL), (review.id, REVIEW_NAME)]
    async with UnitOfWork(sessions) as uow:
        for document, _ in parts:
            await grouping.regroup(uow.session, document, clock.now())
        await uow.commit()
    out = io.BytesIO()
    header = ReportHeader("ĐẢNG BỘ TỈNH", "ĐẢNG ỦY KHỐI", "ĐUK", "Trà Vinh", clock.now().date())
    async with sessions() as session:
        count = await write_docx(session, out, bloc.consultation.id, header, documents=parts)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out.getvalue())).paragraphs)
    political, review_part = text.index("A. VỀ DỰ THẢO BÁO CÁO CHÍNH TRỊ"), text.index(
        "B. VỀ DỰ THẢO BÁO CÁO KIỂM ĐIỂM")
    assert political < text.index("Bổ sung số liệu") < review_part
    assert review_part < text.index("Nêu rõ trách nhiệm")
    assert count.groups == 2
    out = io.BytesIO()
    async with sessions() as session:
        assert await write_xlsx(session, out, bloc.consultation.id, documents=parts) == 2
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    document = REPORT_COLUMNS.index(strings.REPORT_XLSX_COLUMNS[-1])  # «Văn bản»
    assert [row[document].value for row in sheet.iter_rows(min_row=2)] == [POLITICAL, REVIEW_NAME]


async def test_a_secretary_sees_each_document_and_nudges_who_has_one_left(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    from tests.handlers.test_secretary import person

    await add_review(sessions, bloc, clock)
    await person(engine, "an")
    await finish(sessions, bloc, "an", clock.now())  # the political report only
    binh = await person(engine, "binh")
    await binh.press("s:p:1")
    assert f"📄 {POLITICAL}: 1/2 đã hoàn thành" in binh.text
    assert f"📄 {REVIEW_NAME}: 0/2 đã hoàn thành" in binh.text
    assert "Cả đợt (2 văn bản): 0/2" in binh.text
    await binh.press("s:n")
    assert "Nguyễn Văn An" in binh.text and "Gửi lời nhắc ngay tới 1 đồng chí" in binh.text


async def test_the_offices_closing_summary_counts_every_document(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    from tests.conftest import DEADLINE

    await add_review(sessions, bloc, clock)
    chat = await linked(engine)
    await comment_on_both(chat, "Ý kiến về báo cáo chính trị.", "Ý kiến về báo cáo kiểm điểm.")
    await link_all(sessions, bloc, clock.now(), skip=("an",))
    channel = RecordingChannel()
    clock.set(DEADLINE + timedelta(minutes=1))
    await reminders_over(sessions, clock, channel).run_due()
    [summary] = channel.to("office")
    assert "Lượt góp ý: 2, trong đó 2 có nội dung cụ thể" in summary.text
    assert f"📄 {POLITICAL}: 0/" in summary.text and f"📄 {REVIEW_NAME}: 0/" in summary.text
    assert "📚 Cả đợt (2 văn bản)" in summary.text
    assert summary.document is not None
    exported = summary.document.content.decode("utf-8-sig")
    assert "Ý kiến về báo cáo chính trị." in exported and "Ý kiến về báo cáo kiểm điểm." in exported


async def test_each_documents_stance_is_counted_and_named(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    from handlers.cell_views import stance_lines
    from storage import stances

    review = await add_review(sessions, bloc, clock)
    async with UnitOfWork(sessions) as uow:
        an = await uow.session.get(Member, bloc.members["an"].id)
        assert an is not None
        await stances.set_stance(uow.session, an, review, "Không tán thành", clock.now())
        await uow.commit()
    async with UnitOfWork(sessions, write=False) as uow:
        first = await uow.session.get(Consultation, bloc.consultation.id)
        assert first is not None
        lines = stance_lines(await stances.round_tallies(uow.session, first, 5))
    assert lines[0].startswith(f"Ý kiến chung về toàn văn «{POLITICAL}»: Tán thành 0")
    assert lines[1].startswith(f"Ý kiến chung về toàn văn «{REVIEW_NAME}»: Tán thành 0")
    assert "Không tán thành 1 · Chưa cho ý kiến 4" in lines[1]


async def test_a_button_of_another_documents_earlier_version_leads_to_what_it_became(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    from storage import versions
    from tests.storage.test_versions import lan5

    await add_review(sessions, bloc, clock)
    old_section = bloc.section_ids[17]  # mục 18 of lần 4
    async with UnitOfWork(sessions) as uow:
        first = await uow.session.get(Consultation, bloc.consultation.id)
        assert first is not None
        await versions.load_next_version(uow.session, first, lan5(), now=clock.now())
        await uow.commit()
    chat = await linked(engine)
    await chat.tap(REVIEW_NAME)  # reading the review report
    await chat.press(f"m:s:{old_section}:1")  # «Đọc tiếp» of lần 4's mục 18, further up
    assert "thuộc bản dự thảo trước" in chat.text and "Mục 18/23" in chat.text
    assert await document_of_chat(sessions) == bloc.consultation.id


async def test_a_cells_chot_hands_up_every_document(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    """Bình's «chốt» for GD1 counts both documents' sections and comments, and An, who
    finished one document of two, as still commenting."""
    await add_review(sessions, bloc, clock)
    an = await linked(engine)
    await an.tap(REVIEW_NAME)
    await an.tap("Bắt đầu")
    await an.say("Ý kiến về kiểm điểm.")
    await an.say("xong")
    await an.tap("Xác nhận")
    binh = Chat(engine, user_id="1002")
    await binh.say("22223333")
    await binh.press("s:f")
    assert "• 0/2 đồng chí đã hoàn thành; 1 đang góp ý; 1 chưa bắt đầu." in binh.text
    assert "• 1 lượt góp ý trên 1/29 mục." in binh.text
