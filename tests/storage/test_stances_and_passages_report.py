"""The whole-document stance and the passages and proposals of comments, where the Office
reads them: the export, the overview, the secretary's progress and the compiled report."""

from __future__ import annotations

import codecs
import csv
import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import ConversationEngine
from content import strings
from storage import (
    comments,
    compilation,
    figures,
    grouping,
    progress,
    proposals,
    reminders,
    stances,
)
from storage.comments import Passage
from storage.consultations import list_sections
from storage.exports import export_csv
from storage.models import Consultation
from storage.progress import Status
from storage.report_docx import write_docx
from storage.report_xlsx import write_xlsx
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.handlers.test_secretary import person
from tests.storage.test_compile import HEADER
from tests.support.clock import FakeClock

QUOTE = "tăng trưởng kinh tế bình quân"
ORIGINAL = "phấn đấu đạt mức tăng trưởng cao"
PROPOSED = "phấn đấu đạt mức tăng trưởng bền vững"
LOOSE_ORIGINAL = "nâng cao chất lượng sinh hoạt chi bộ"
LOOSE_PROPOSED = "nâng cao chất lượng và đổi mới sinh hoạt chi bộ"


async def precise_round(sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
                        clock: FakeClock) -> None:
    """an and chi say the same on section 1 (an quoting a passage and proposing a wording);
    binh only proposes a wording on section 2; three stances, binh's with a comment."""
    m, now = bloc.members, clock.now()
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        consultation = await s.get(Consultation, bloc.consultation.id)
        assert consultation is not None
        first, second = (await list_sections(s, consultation.id))[:2]
        await comments.add_text(s, m["an"], first, "Đề nghị bổ sung số liệu tăng trưởng kinh tế.",
                                "t:an:1", now, passage=Passage(quote=QUOTE, paragraph=2))
        proposal = await proposals.start(s, m["an"], first, ORIGINAL, 2, now)
        await proposals.set_wording(s, proposal, m["an"], first, PROPOSED, now)
        await comments.add_text(s, m["chi"], first, "Đề nghị bổ sung số liệu tăng trưởng kinh tế",
                                "t:chi:1", now)
        loose = await proposals.start(s, m["binh"], second, LOOSE_ORIGINAL, None, now)
        await proposals.set_wording(s, loose, m["binh"], second, LOOSE_PROPOSED, now)
        await stances.set_stance(s, m["an"], consultation, "Tán thành", now)
        mine = await stances.set_stance(s, m["binh"], consultation, "Tán thành một phần", now)
        mine.text = "Cần rút gọn phần kết luận."
        await stances.set_stance(s, m["chi"], consultation, "Không tán thành", now)
        await grouping.regroup(s, consultation.id, now)
        await uow.commit()


async def test_the_export_has_a_row_per_stance_before_the_cells_sections(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await precise_round(sessions, bloc, clock)
    out = io.BytesIO()
    async with sessions() as s:
        await export_csv(s, out, bloc.consultation.id)
    _, *rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    whole = [row for row in rows if row[3] == strings.STANCE_WHOLE_DOCUMENT]
    assert [(row[5], row[8], row[9], row[10]) for row in whole] == [
        ("GD1", "Nguyễn Văn An", "Tán thành", ""),
        ("GD1", "Trần Thị Bình", "Tán thành một phần", "Cần rút gọn phần kết luận."),
        ("GD2", "Lê Minh Chí", "Không tán thành", ""),
    ]
    assert all(row[1] == "" and row[7] == strings.EXPORT_KIND_MEMBER for row in whole)
    gd1 = [row[3] for row in rows if row[5] == "GD1"]
    assert gd1[:2] == [strings.STANCE_WHOLE_DOCUMENT] * 2  # the cell's stances come first
    # binh's section 2 holds only a proposal: exported with it
    assert any(row[8] == "Trần Thị Bình" and LOOSE_PROPOSED in row[16] for row in rows)
    anonymous = io.BytesIO()
    async with sessions() as s:
        await export_csv(s, anonymous, bloc.consultation.id, "GD1", anonymous=True)
    assert anonymous.getvalue().startswith(codecs.BOM_UTF8)
    text = anonymous.getvalue().decode("utf-8-sig")
    assert "Cần rút gọn phần kết luận." in text and "Trần Thị Bình" not in text
    assert "Lê Minh Chí" not in text and "Không tán thành" not in text  # another cell


async def test_the_report_has_passages_and_proposals_by_group_and_the_stances(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await precise_round(sessions, bloc, clock)
    out = io.BytesIO()
    async with UnitOfWork(sessions, write=False) as uow:
        await write_docx(uow.session, out, bloc.consultation.id, HEADER)
    document = Document(io.BytesIO(out.getvalue()))
    paragraphs = [p.text for p in document.paragraphs]
    group = next(n for n, text in enumerate(paragraphs) if "bổ sung số liệu tăng trưởng" in text)
    following = paragraphs[group + 1:group + 6]
    assert strings.REPORT_GROUP_PASSAGES.format(passages=f"Đoạn 2: «{QUOTE}»") in following
    assert any(text.startswith("Đề xuất sửa câu chữ: ") and f"«{ORIGINAL}» → «{PROPOSED}»" in text
               for text in following)
    # binh's proposal has no comment to group: listed after the section's groups
    loose = paragraphs.index(strings.REPORT_PROPOSALS_HEAD)
    assert LOOSE_PROPOSED in paragraphs[loose + 1]
    assert not any(PROPOSED in text for text in paragraphs[loose:])  # an's: with its group only
    part = paragraphs.index(strings.REPORT_PART_STANCES)
    assert part > loose
    table = next(t for t in document.tables
                 if t.rows[0].cells[0].text == strings.REPORT_STANCES_TABLE_HEAD[0])
    figures = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert figures == [["Tán thành", "1", "20,0%"], ["Tán thành một phần", "1", "20,0%"],
                       ["Không tán thành", "1", "20,0%"], [strings.STANCE_NOT_GIVEN, "2", "40,0%"]]
    assert ("- Chi bộ Văn phòng Sở, Đảng bộ Sở Giáo dục (Tán thành một phần): "
            "Cần rút gọn phần kết luận.") in paragraphs
    assert not any("Trần Thị Bình" in text for text in paragraphs)  # names only when asked

    workbook = io.BytesIO()
    async with UnitOfWork(sessions, write=False) as uow:
        await write_xlsx(uow.session, workbook, bloc.consultation.id, named=True)
    book = load_workbook(io.BytesIO(workbook.getvalue()))
    head, *rows = list(book[strings.REPORT_XLSX_SHEET].iter_rows(values_only=True))
    passages, wordings = head.index("Đoạn được góp ý"), head.index("Đề xuất sửa câu chữ")
    grouped = next(r for r in rows if r[5] and "bổ sung số liệu tăng trưởng" in r[5])
    assert grouped[passages] == f"Đoạn 2: «{QUOTE}»"
    assert f"«{ORIGINAL}» → «{PROPOSED}»" in grouped[wordings]
    lone = next(r for r in rows if r[4] == strings.REPORT_XLSX_PROPOSAL_KIND)
    assert lone[0] == 2 and f"«{LOOSE_ORIGINAL}» → «{LOOSE_PROPOSED}»" in lone[wordings]
    stance_rows = list(book[strings.REPORT_XLSX_STANCES_SHEET].iter_rows(values_only=True))
    assert stance_rows[1:5] == [("Tán thành", 1, None, None, None, None),
                                ("Tán thành một phần", 1, None, None, None, None),
                                ("Không tán thành", 1, None, None, None, None),
                                (strings.STANCE_NOT_GIVEN, 2, None, None, None, None)]
    assert stance_rows[5][0] == "Tán thành một phần" and stance_rows[5][4] == "Trần Thị Bình"
    assert stance_rows[5][5] == "Cần rút gọn phần kết luận."


async def test_the_overview_and_the_secretary_count_the_stances(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
    clock: FakeClock,
) -> None:
    await precise_round(sessions, bloc, clock)
    office = await person(engine, "office")
    await office.command("start")
    await office.tap(strings.BTN_OVERVIEW)
    assert ("Ý kiến chung về toàn văn dự thảo: Tán thành 1 · Tán thành một phần 1 · "
            "Không tán thành 1 · Chưa cho ý kiến 2") in office.text
    binh = await person(engine, "binh")
    await binh.command("start")
    await binh.tap(strings.BTN_CELL_PROGRESS)
    assert ("Ý kiến chung về toàn văn dự thảo: Tán thành 1 · Tán thành một phần 1 · "
            "Không tán thành 0 · Chưa cho ý kiến 0") in binh.text


async def test_a_comment_holding_only_a_proposal_counts_everywhere_and_an_empty_one_nowhere(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    m, cid, now = bloc.members, bloc.consultation.id, clock.now()
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        sections = await list_sections(s, cid)
        kept = await proposals.start(s, m["binh"], sections[1], LOOSE_ORIGINAL, None, now)
        await proposals.set_wording(s, kept, m["binh"], sections[1], LOOSE_PROPOSED, now)
        gone = await proposals.start(s, m["an"], sections[2], ORIGINAL, None, now)
        await proposals.set_wording(s, gone, m["an"], sections[2], PROPOSED, now)
        await proposals.withdraw(s, gone, m["an"], sections[2], now)  # leaves an empty row
        await uow.commit()
    gd1 = m["binh"].cell_id
    async with UnitOfWork(sessions, write=False) as uow:
        s = uow.session
        tallies = await progress.cell_tallies(s, cid, gd1)
        spreads = await figures.section_spreads(s, cid)
        report = await compilation.section_figures(s, cid)
        bloc_figures = await compilation.figures(s, cid)
        answered = await reminders.answered_counts(s, cid)
        totals = await reminders.comment_totals(s, cid)
        shown = await progress.section_comments(s, gd1, [sections[1].id])
        statuses = {row.full_name: row.status for row in await progress.cell_members(s, cid, gd1)}
    assert set(tallies) == {sections[1].id}
    assert (tallies[sections[1].id].answered, tallies[sections[1].id].with_text) == (1, 1)
    assert [spread.text_only for spread in spreads[:3]] == [0, 1, 0]
    assert [(f.answers, f.with_text) for f in report[:3]] == [(0, 0), (1, 1), (0, 0)]
    assert bloc_figures.members == 1 and answered == {m["binh"].id: 1} and totals == (1, 1)
    assert [name for name, _, _ in shown] == ["Trần Thị Bình"]
    # Having written something, both have started (storage/progress_counters.py)
    assert statuses["Trần Thị Bình"] is Status.STARTED
    out = io.BytesIO()
    async with sessions() as s:
        await export_csv(s, out, cid)
    _, *rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [(row[1], row[8]) for row in rows] == [("2", "Trần Thị Bình")]
