"""Loading «Dự thảo lần 5» as the next version of the same document: comments stay where
they were made, places and groups follow, the export and the report say which version."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from content import strings
from content.draft_parser import ParsedDraft, parse_draft
from storage import comments as store
from storage import compilation, grouping, versions
from storage.audit import AuditAction
from storage.consultations import list_sections
from storage.exports import export_csv
from storage.models import (
    AuditEntry,
    Comment,
    CommentGroup,
    Consultation,
    DraftVersion,
    Member,
    Progress,
    Section,
)
from storage.report_docx import write_docx
from storage.report_xlsx import write_xlsx
from storage.uow import UnitOfWork
from storage.versions import VersionError
from tests.conftest import ROOT, Bloc
from tests.storage.test_compile import HEADER
from tests.support.clock import FakeClock

LAN5 = ROOT / "content" / "drafts" / "du-thao-bao-cao-chinh-tri-lan-5.txt"
KHO_KHAN, CHI_TIEU, TU_TUONG, THUAN_LOI = 4, 18, 20, 3  # positions: changed ×3, unchanged


def lan5() -> ParsedDraft:
    return parse_draft(LAN5.read_text(encoding="utf-8"))


async def _comment(s: AsyncSession, member: Member, section: Section, choice: str, text: str,
                   clock: FakeClock) -> None:
    await store.set_choice(s, member, section, choice, clock.now())
    if text:
        await store.add_text(s, member, section, text, f"test:{member.id}:{section.id}",
                             clock.now())


async def _load(sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock,
                draft: ParsedDraft | None = None) -> versions.VersionDiff:
    async with UnitOfWork(sessions) as uow:
        document = await uow.session.get(Consultation, bloc.consultation.id)
        assert document is not None
        diff = await versions.load_next_version(uow.session, document, draft or lan5(),
                                                now=clock.now(), source_name=LAN5.name)
        await uow.commit()
    return diff


@pytest.fixture
async def before(sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock) -> None:
    """Comments on lần 4 (one changed section, one unchanged), two members' places."""
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        await s.execute(update(DraftVersion).values(label="Dự thảo lần 4"))  # as gopy names it
        sections = await list_sections(s, bloc.consultation.id)
        an, chi = await s.get(Member, bloc.members["an"].id), await s.get(Member, bloc.members["chi"].id)
        assert an is not None and chi is not None
        await _comment(s, an, sections[KHO_KHAN - 1], "Không nhất trí",
                       "Đề nghị nói rõ việc điều động cán bộ.", clock)
        await _comment(s, an, sections[THUAN_LOI - 1], "Nhất trí", "", clock)
        await store.move_to(s, an.id, bloc.consultation.id, 5, 1, clock.now())
        await store.move_to(s, chi.id, bloc.consultation.id, 24, 1, clock.now())  # finished
        progress = await store.get_progress(s, chi.id, bloc.consultation.id)
        assert progress is not None
        progress.finished_at = clock.now()
        await uow.commit()
    clock.advance(timedelta(days=1))


async def test_the_fifth_draft_loads_beside_the_fourth_and_every_comment_stays(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock, before: None,
) -> None:
    diff = await _load(sessions, bloc, clock)
    assert diff.counts() == {"changed": 3, "added": 0, "removed": 0, "same": 20}
    assert (diff.old_label, diff.new_label) == ("Dự thảo lần 4", "Dự thảo lần 5")
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        document = await s.get(Consultation, bloc.consultation.id)
        assert document is not None and document.version == 2
        assert document.title == "Dự thảo Báo cáo chính trị (lần 5)"  # what members read
        new = await list_sections(s, document.id)
        assert [x.version for x in new] == [2] * 23
        assert [x.previous_id for x in new] == bloc.section_ids  # each continues its lần 4 row
        kept = {c.section_id: c.text for c in (await s.execute(select(Comment))).scalars()}
        assert kept == {bloc.section_ids[KHO_KHAN - 1]: "Đề nghị nói rõ việc điều động cán bộ.",
                        bloc.section_ids[THUAN_LOI - 1]: ""}
        # After the load: on the changed section's new row, and on an unchanged one.
        an, chi = await s.get(Member, bloc.members["an"].id), await s.get(Member, bloc.members["chi"].id)
        assert an is not None and chi is not None
        await _comment(s, an, new[KHO_KHAN - 1], "Nhất trí, có ý kiến bổ sung",
                       "Bản mới đã rõ hơn về việc luân chuyển cán bộ.", clock)
        await _comment(s, chi, new[1], "Nhất trí", "Thống nhất.", clock)
        await uow.commit()
    async with UnitOfWork(sessions, write=False) as uow:
        s = uow.session
        on = dict((await s.execute(
            select(Comment.section_id, Section.version).join(Section, Section.id == Comment.section_id)
        )).all())
        assert sorted(on.values()) == [1, 1, 2, 2]
        version = (await s.execute(select(DraftVersion).where(DraftVersion.version == 2))).scalar_one()
        assert (version.label, version.source_name) == ("Dự thảo lần 5", LAN5.name)
        entry = (await s.execute(select(AuditEntry).where(
            AuditEntry.action == AuditAction.DRAFT_VERSION_LOADED))).scalar_one()
        assert entry.detail["changed"] == 3 and entry.detail["version"] == 2
        places = dict((await s.execute(select(Progress.member_id, Progress.section_position)))
                      .all())
        assert places[bloc.members["an"].id] == 5 and places[bloc.members["chi"].id] == 24
        news = set((await s.execute(select(Progress.news_version))).scalars())
        assert news == {2}
        finished = (await s.execute(select(func.count()).where(Progress.finished_at.is_not(None))))
        assert finished.scalar_one() == 1  # a member who finished stays finished

        out = io.BytesIO()
        await export_csv(s, out, bloc.consultation.id)
    rows = [line.split(",") for line in out.getvalue().decode("utf-8-sig").splitlines()]
    assert rows[0][-1] == strings.EXPORT_VERSION_COLUMNS[0]
    made_on = sorted(row[-1] for row in rows[1:])
    assert made_on == ["Dự thảo lần 4", "Dự thảo lần 4", "Dự thảo lần 5", "Dự thảo lần 5"]


async def test_the_report_compiles_both_versions_under_the_newest_section(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock, before: None,
) -> None:
    async with UnitOfWork(sessions) as uow:
        await grouping.regroup(uow.session, bloc.consultation.id, clock.now())  # on lần 4
        await uow.commit()
    await _load(sessions, bloc, clock)
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        new = await list_sections(s, bloc.consultation.id)
        chi = await s.get(Member, bloc.members["chi"].id)
        assert chi is not None
        await _comment(s, chi, new[KHO_KHAN - 1], "Không nhất trí",
                       "Đề nghị nói rõ việc điều động cán bộ chủ chốt.", clock)
        await grouping.regroup(s, bloc.consultation.id, clock.now())
        await uow.commit()
    async with UnitOfWork(sessions, write=False) as uow:
        s = uow.session
        figures = await compilation.section_figures(s, bloc.consultation.id)
        assert len(figures) == 23 and {f.id for f in figures} == {x.id for x in new}
        kho_khan = figures[KHO_KHAN - 1]
        assert kho_khan.answers == 2 and kho_khan.by_choice == {"Không nhất trí": 2}
        assert figures[THUAN_LOI - 1].answers == 1
        sections_of_groups = set((await s.execute(select(CommentGroup.section_id))).scalars())
        assert sections_of_groups == {new[KHO_KHAN - 1].id}  # no group left on lần 4's rows
        [group] = await compilation.section_groups(s, new[KHO_KHAN - 1].id)
        assert group.people == 2
        assert group.versions() == {"Dự thảo lần 4": 1, "Dự thảo lần 5": 1}
        docx = io.BytesIO()
        await write_docx(s, docx, bloc.consultation.id, HEADER)
        xlsx = io.BytesIO()
        await write_xlsx(s, xlsx, bloc.consultation.id)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.getvalue())).paragraphs)
    assert "Góp vào: Dự thảo lần 4: 1; Dự thảo lần 5: 1." in text
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[-1] == strings.REPORT_XLSX_VERSION_COLUMNS[0]
    assert sheet.cell(2, len(header)).value == "Dự thảo lần 4: 1; Dự thảo lần 5: 1"


async def test_a_closed_round_or_an_empty_draft_changes_nothing(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock, before: None,
) -> None:
    empty = replace(lan5(), sections=())
    with pytest.raises(VersionError, match="không có mục nào"):
        await _load(sessions, bloc, clock, empty)
    clock.advance(timedelta(days=30))  # past the deadline
    with pytest.raises(VersionError, match="đã kết thúc"):
        await _load(sessions, bloc, clock)
    async with UnitOfWork(sessions, write=False) as uow:
        s = uow.session
        document = await s.get(Consultation, bloc.consultation.id)
        assert document is not None and document.version == 1
        assert (await s.execute(select(func.count()).select_from(Section))).scalar_one() == 23
        assert (await s.execute(select(func.count()).select_from(DraftVersion))).scalar_one() == 1
        assert set((await s.execute(select(Progress.news_version))).scalars()) == {None}


async def test_a_removed_section_sends_its_readers_on_and_diff_says_so(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock, before: None,
) -> None:
    draft = lan5()
    shorter = replace(draft, sections=draft.sections[:4] + draft.sections[5:])  # no mục 5
    diff = await _load(sessions, bloc, clock, shorter)
    assert diff.counts()["removed"] == 1
    async with UnitOfWork(sessions, write=False) as uow:
        s = uow.session
        places = dict((await s.execute(select(Progress.member_id, Progress.section_position)))
                      .all())
        assert places[bloc.members["an"].id] == 5  # was on the removed mục 5: now the next one
        assert places[bloc.members["chi"].id] == 23  # after the last of 22
        document = await s.get(Consultation, bloc.consultation.id)
        assert document is not None
        again = await versions.compare(s, document)
        with pytest.raises(VersionError):
            await versions.compare(s, document, 2, 3)
    assert [d.kind for d in again.sections].count("removed") == 1
    assert [d.kind for d in again.sections][4] == "removed"


async def test_the_document_menu_and_the_chart_count_a_section_once_across_versions(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock, before: None,
) -> None:
    """A comment on lần 4 answers the section it became in lần 5: the member's menu says
    2 answered (not 0), and the overview's chart has 23 sections (not 46) with the answers
    on the newest rows."""
    from storage.documents import member_documents
    from storage.figures import section_spreads

    await _load(sessions, bloc, clock)
    async with UnitOfWork(sessions, write=False) as uow:
        document = await uow.session.get(Consultation, bloc.consultation.id)
        assert document is not None
        [mine] = await member_documents(uow.session, bloc.members["an"].id, [document])
        spreads = await section_spreads(uow.session, bloc.consultation.id)
    assert (mine.answered, mine.sections) == (2, 23)
    assert len(spreads) == 23
    assert spreads[KHO_KHAN - 1].choices == {"Không nhất trí": 1}
    assert spreads[THUAN_LOI - 1].choices == {"Nhất trí": 1}
