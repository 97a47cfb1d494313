"""Compiling: group the sample bloc's comments, correct the groups, decide, download the report."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from content import strings
from storage import compilation, decisions, grouping
from storage.audit import AuditAction
from storage.consultations import list_sections
from storage.decisions import DecisionError, Outcome
from storage.grouping import GroupingError
from storage.models import AuditEntry, Cell, CellSubmission, CommentGroup, GroupItem, Member
from storage.report_docx import ReportHeader, write_docx
from storage.report_xlsx import write_xlsx
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.support.clock import FakeClock
from tests.support.compile_bloc import add_comments

HEADER = ReportHeader("ĐẢNG BỘ TỈNH TRÀ VINH", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP",
                      "ĐUK", "Trà Vinh", date(2026, 12, 20))
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
async def commented(sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
                    ) -> dict[int, str]:
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        cells = list((await s.execute(select(Cell).order_by(Cell.id))).scalars())
        sections = list(await list_sections(s, bloc.consultation.id))
        truth = await add_comments(s, bloc.consultation.id, sections, cells, clock.now())
        s.add(CellSubmission(consultation_id=bloc.consultation.id, cell_id=cells[0].id,
                             submitted_by=bloc.members["binh"].id, submitted_at=clock.now()))
        await uow.commit()
    return truth


async def _groups(s: AsyncSession) -> dict[int, set[int]]:
    """Group id → its comment ids (members' comments only)."""
    found: dict[int, set[int]] = defaultdict(set)
    for group_id, comment_id in await s.execute(
            select(GroupItem.group_id, GroupItem.comment_id).where(GroupItem.comment_id.is_not(None))):
        found[group_id].add(comment_id)
    return found


async def test_grouping_puts_paraphrases_together_and_cells_apart(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, commented: dict[int, str],
    clock: FakeClock,
) -> None:
    async with UnitOfWork(sessions) as uow:
        report = await grouping.regroup(uow.session, bloc.consultation.id, clock.now())
        await uow.commit()
    assert report.items == len(commented) + 2 * 8  # and two cells' opinions per section
    async with UnitOfWork(sessions, write=False) as uow:
        groups = await _groups(uow.session)
        kinds = {g: k for g, k in await uow.session.execute(select(CommentGroup.id, CommentGroup.kind))}
    together = right = 0
    for members in groups.values():
        ids = sorted(members)
        for n, a in enumerate(ids):
            for b in ids[n + 1:]:
                together += 1
                right += commented[a] == commented[b]
    assert right / together > 0.8  # pairwise precision, as the benchmark measures it
    assert len(groups) < len(commented) / 2  # most paraphrases found their group
    assert {"member", "cell"} == set(kinds.values())
    assert all(kinds[g] == "member" for g in groups)


async def test_office_groups_corrects_decides_and_downloads_the_report(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, commented: dict[int, str],
    clock: FakeClock, tmp_path: Path,
) -> None:
    cid = bloc.consultation.id
    office = bloc.members["office"]
    async with UnitOfWork(sessions) as uow:
        await grouping.regroup(uow.session, cid, clock.now())
        await uow.commit()
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        groups = await _groups(s)
        big = max(groups, key=lambda g: len(groups[g]))
        item_ids = list((await s.execute(select(GroupItem.id).where(GroupItem.group_id == big)
                                         .order_by(GroupItem.id))).scalars())
        where = {g: sec for g, sec in await s.execute(select(CommentGroup.id, CommentGroup.section_id))}
        other = next(g for g in groups if g != big and where[g] == where[big])
        # Split the biggest group, move one comment to a third group, merge two.
        new = await grouping.split(s, big, item_ids[:1], clock.now())
        await grouping.move(s, item_ids[1], other, clock.now())
        merged_from = next(g for g in groups if g not in (big, other) and where[g] == where[big])
        await grouping.merge(s, other, merged_from, clock.now())
        await uow.commit()
    async with UnitOfWork(sessions) as uow:
        before = await _groups(uow.session)
        await grouping.regroup(uow.session, cid, clock.now())
        await uow.commit()
    async with UnitOfWork(sessions, write=False) as uow:
        after = await _groups(uow.session)
    # The corrections survive a new run: the split-off, moved and merged comments stay put.
    for group_id in (new, other, big):
        assert before[group_id] <= after[group_id]
    assert merged_from not in after

    # Decide every group; only the Office may.
    outcomes = list(Outcome)
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        member = await s.get(Member, bloc.members["an"].id)
        with pytest.raises(DecisionError):
            await decisions.decide(s, new, Outcome.ACCEPTED, "x", clock.now(), by=member)
        who = await s.get(Member, office.id)
        all_groups = list((await s.execute(select(CommentGroup.id).order_by(CommentGroup.id))).scalars())
        assert sum(p.undecided for p in await decisions.progress(s, cid)) == len(all_groups)
        for n, group_id in enumerate(all_groups):
            await decisions.decide(s, group_id, outcomes[n % len(outcomes)],
                                   f"Giải thích số {group_id}: đã xem xét ý kiến.", clock.now(), by=who)
        edited = await decisions.decide(s, all_groups[0], Outcome.EXPLAINED,
                                        f"Giải thích số {all_groups[0]}: giữ như dự thảo vì đã đủ ý.",
                                        clock.now(), by=who)
        assert edited.version == 2
        assert all(p.undecided == 0 for p in await decisions.progress(s, cid))
        await uow.commit()
    async with UnitOfWork(sessions, write=False) as uow:
        actions = [a for (a,) in await uow.session.execute(select(AuditEntry.action))]
        assert actions.count(AuditAction.DECISION_RECORDED) == len(all_groups) + 1
        assert actions.count(AuditAction.GROUPING_CHANGED) == 5  # 2 runs, split, move, merge

    # The report: every section with comments, every decision and explanation.
    out = tmp_path / "bao-cao.docx"
    async with UnitOfWork(sessions, write=False) as uow:
        with out.open("wb") as handle:
            count = await write_docx(uow.session, handle, cid, HEADER)
        views = [v async for v in compilation.sections_with_groups(uow.session, cid)]
    assert count.groups == len(all_groups)
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    for section, groups_ in views:
        if groups_:
            assert section.title in text
        for group in groups_:
            assert group.decision is not None
            assert group.decision.explanation in text
    for outcome in Outcome:
        assert f"Đề xuất: {strings.OUTCOMES[outcome]}." in text
    assert "Đảng viên 001" not in text  # no names unless asked
    assert strings.REPORT_APPENDIX_TITLE in text and "GD2" in "\n".join(
        c.text for t in Document(str(out)).tables for r in t.rows for c in r.cells)
    named = io.BytesIO()
    async with UnitOfWork(sessions, write=False) as uow:
        await write_docx(uow.session, named, cid, HEADER, named=True)
        book = io.BytesIO()
        rows = await write_xlsx(uow.session, book, cid, named=True)
    assert "Đảng viên 001" in "\n".join(p.text for p in Document(named).paragraphs)
    sheet = load_workbook(book).active
    assert rows == len(all_groups) == sheet.max_row - 1
    _pdf_pages(out, tmp_path)


def _pdf_pages(docx: Path, tmp: Path) -> None:
    """Word's file opens in LibreOffice too: converted to PDF, a few A4 pages; page 1 kept."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is needed in CI (Debian: libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp / (docx.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    pages = int(fields["Pages"])
    assert 5 <= pages <= 60
    assert "(A4)" in fields["Page size"]
    if os.environ.get("GOPY_KEEP_REPORT_PAGE"):
        DOCS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(DOCS / "report-page-1")], check=True)


async def test_corrections_refuse_what_would_lose_work(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, commented: dict[int, str],
    clock: FakeClock,
) -> None:
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        await grouping.regroup(s, bloc.consultation.id, clock.now())
        rows = list((await s.execute(select(CommentGroup.id, CommentGroup.section_id,
                                            CommentGroup.kind).order_by(CommentGroup.id))).all())
        a, b = [g for g, sec, k in rows if k == "member" and sec == rows[0][1]][:2]
        far = next(g for g, sec, _ in rows if sec != rows[0][1])
        await decisions.decide(s, a, Outcome.ACCEPTED, "Tiếp thu, sửa câu chữ.", clock.now())
        await decisions.decide(s, b, Outcome.NOTED, "Ghi nhận.", clock.now())
        with pytest.raises(GroupingError):
            await grouping.merge(s, a, b, clock.now())  # two decisions: which one?
        with pytest.raises(GroupingError):
            await grouping.merge(s, a, far, clock.now())  # another section
        with pytest.raises(DecisionError):
            await decisions.decide(s, a, Outcome.EXPLAINED, "   ", clock.now())
        items = list((await s.execute(select(GroupItem.id).where(GroupItem.group_id == a))).scalars())
        with pytest.raises(GroupingError):
            await grouping.split(s, a, items, clock.now())
