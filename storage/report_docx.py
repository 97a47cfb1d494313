"""«Báo cáo tổng hợp ý kiến đóng góp dự thảo …» as a Word document (python-docx).

Laid out as a Party administrative document (Hướng dẫn 36-HD/VPTW, Nghị định 30/2020/NĐ-CP
where it applies): A4, margins 20/20/30/15 mm, Times New Roman 14 pt, the issuing body
and the Party's name side by side at the top, number, place and date, the title in bold
capitals, page numbers at the top centre from page 2, recipients and signature at the end.
The data is read one section at a time (storage/compilation.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from sqlalchemy.ext.asyncio import AsyncSession

from content import strings
from content.passages import diff_text
from content.text import fold, shorten
from storage import compilation, proposals, stances
from storage.compilation import GroupView, SectionFigures
from storage.models import Consultation

FONT = "Times New Roman"


@dataclass(frozen=True)
class ReportHeader:
    """Who issues the report, and where and when (settings REPORT_*)."""

    parent: str  # ĐẢNG BỘ TỈNH TRÀ VINH
    issuer: str  # ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP
    short: str  # ĐUK, as in "Số …-BC/ĐUK"
    place: str  # Trà Vinh
    day: date


@dataclass(frozen=True)
class ReportCount:
    sections: int
    groups: int


async def write_docx(
    session: AsyncSession, out: BinaryIO, consultation_id: int, header: ReportHeader,
    *, named: bool = False, documents: Sequence[tuple[int, str]] = (),
) -> ReportCount:
    """The report on `consultation_id`'s round; `documents` (id, name) makes one part per
    document of the round, in that order (none: the one document `consultation_id`)."""
    document = Document()
    _page_and_styles(document)
    figures = await compilation.figures(session, consultation_id)
    _heading_block(document, header, figures.title)
    _para(document, strings.REPORT_INTRO)
    count = ReportCount(0, 0)
    parts = list(documents) or [(consultation_id, "")]
    for number, (part, name) in enumerate(parts, start=1):
        if len(parts) > 1:
            _para(document, strings.REPORT_DOCUMENT_PART.format(letter=chr(ord("A") + number - 1),
                                                          name=name.upper()),
                  bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        written = await _document_part(document, session, part, named=named)
        count = ReportCount(count.sections + written.sections, count.groups + written.groups)
    _closing(document)
    await _appendix(document, session, consultation_id)
    document.save(out)
    return count


async def _document_part(
    document: Any, session: AsyncSession, consultation_id: int, *, named: bool
) -> ReportCount:
    """One document's figures, then its sections with their groups and proposals."""
    figures = await compilation.figures(session, consultation_id)
    _para(document, strings.REPORT_PART_FIGURES, bold=True, indent=False)
    _para(document, strings.REPORT_FIGURES.format(
        organizations=figures.organizations, cells=figures.cells,
        cells_total=figures.cells_total, submitted=figures.cells_submitted,
        members=figures.members, members_total=figures.members_total))
    sections = await compilation.section_figures(session, consultation_id)
    _figures_table(document, sections, figures.choices)
    _para(document, strings.REPORT_PART_SECTIONS, bold=True, indent=False)
    groups_written = 0
    index = 0
    rewordings = await proposals.by_section(session, consultation_id, outside_groups=True)
    async for section, groups in compilation.sections_with_groups(
            session, consultation_id, named=named):
        if not section.answers and not section.opinions:
            continue
        index += 1
        _para(document, strings.REPORT_SECTION.format(
            index=index, number=section.number or "", title=section.title), bold=True)
        _para(document, strings.REPORT_SECTION_FIGURES.format(
            answers=section.answers, choices=_choices(section.by_choice),
            with_text=section.with_text, opinions=section.opinions), italic=True)
        if not groups:
            _para(document, strings.REPORT_SECTION_EMPTY)
        for kind, head in (("member", strings.REPORT_MEMBERS_HEAD),
                           ("cell", strings.REPORT_CELLS_HEAD)):
            of_kind = [g for g in groups if g.kind == kind]
            if not of_kind:
                continue
            _para(document, head, bold=True, italic=True)
            for number, group in enumerate(of_kind, start=1):
                _group(document, number, group, named)
                groups_written += 1
        _rewordings(document, rewordings.get(section.id, []))
    await _stances(document, session, consultation_id, figures.members_total, named)
    return ReportCount(index, groups_written)


def _page_and_styles(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1


def _page_field(paragraph: Any) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _para(
    document: Any, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, size: int | None = None,
) -> Any:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = Pt(size)
    return paragraph


def _cell_lines(cell: Any, lines: list[tuple[str, bool, bool, bool]]) -> None:
    """Centred lines in a table cell: (text, bold, italic, underline)."""
    cell.paragraphs[0].text = ""
    for n, (text, bold, italic, underline) in enumerate(lines):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline


def _heading_block(document: Any, header: ReportHeader, title: str) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    _cell_lines(left, [
        (header.parent, False, False, False), (header.issuer, True, False, False),
        ("*", False, False, False),
        (strings.REPORT_NUMBER.format(short=header.short), False, False, False),
    ])
    _cell_lines(right, [
        (strings.REPORT_PARTY, True, False, True), ("", False, False, False),
        (strings.REPORT_PLACE_DATE.format(place=header.place, day=f"{header.day.day:02d}",
                                          month=f"{header.day.month:02d}", year=header.day.year),
         False, True, False),
    ])
    document.add_paragraph()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, strings.REPORT_KIND, bold=True, align=center, size=15).paragraph_format \
        .space_after = Pt(0)
    # "Dự thảo Báo cáo chính trị" → "… dự thảo Báo cáo chính trị", not "dự thảo Dự thảo …".
    if fold(title).startswith("du thao "):
        title = title[len("dự thảo "):]
    _para(document, strings.REPORT_TITLE.format(title=title), bold=True, align=center)
    _para(document, "-----", align=center)


def _choices(by_choice: dict[str, int]) -> str:
    return "; ".join(f"{label}: {count}" for label, count in by_choice.items()) or "—"


def _figures_table(document: Any, sections: list[SectionFigures], offered: list[str]) -> None:
    labels = list(offered)
    for section in sections:
        labels += [label for label in section.by_choice if label not in labels]
    head = [strings.REPORT_FIGURES_TABLE_HEAD[0], *labels, *strings.REPORT_FIGURES_TABLE_HEAD[1:]]
    _small_table(document, head, [
        [f"{section.number} {shorten(section.title, 38)}".strip(),
         *[str(section.by_choice.get(label, 0)) for label in labels],
         str(section.answers), str(section.with_text), str(section.opinions)]
        for section in sections])
    document.add_paragraph()


def _small(cell: Any, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(11)


def _group(document: Any, number: int, group: GroupView, named: bool) -> None:
    _para(document, strings.REPORT_GROUP.format(index=number, text=group.representative))
    places = "; ".join(f"{org} ({', '.join(cells)})" for org, cells in group.places())
    who = strings.REPORT_GROUP_WHO if group.kind == "member" else strings.REPORT_GROUP_WHO_CELLS
    _para(document, who.format(count=group.people, places=places), italic=True)
    if named and group.kind == "member":
        names = ", ".join(item.member for item in group.items)
        _para(document, strings.REPORT_GROUP_NAMES.format(names=names), italic=True)
    if group.kind == "member":
        choices = group.choices()
        _para(document, strings.REPORT_GROUP_CHOICES.format(
            choices=_choices(dict(choices)) if choices else strings.REPORT_NO_CHOICE),
            italic=True)
    if passages := group.passages():
        _para(document, strings.REPORT_GROUP_PASSAGES.format(passages="; ".join(passages)),
              italic=True)
    for proposal in group.proposals():
        _para(document, strings.REPORT_GROUP_PROPOSAL.format(proposal=proposal), italic=True)
    if made_on := group.versions():  # which version of the draft each comment was made on
        _para(document, strings.REPORT_VERSIONS.format(versions=_choices(dict(made_on))),
              italic=True)
    decision = group.decision
    text = strings.REPORT_UNDECIDED if decision is None else strings.REPORT_DECISION.format(
        outcome=strings.OUTCOMES.get(decision.outcome, decision.outcome),
        explanation=decision.explanation)
    _para(document, text)


def _rewordings(document: Any, found: list[tuple[str, str]]) -> None:
    """Proposed wordings of the section, each with its word-level changes."""
    if not found:
        return
    _para(document, strings.REPORT_PROPOSALS_HEAD, bold=True, italic=True)
    for number, (original, proposed) in enumerate(found, start=1):
        _para(document, strings.REPORT_PROPOSAL.format(
            index=number, original=original, proposed=proposed,
            diff=diff_text(original, proposed)))


async def _stances(
    document: Any, session: AsyncSession, consultation_id: int, members: int, named: bool
) -> None:
    """Part III: how many members gave each stance on the whole document, and what they wrote."""
    consultation = await session.get(Consultation, consultation_id)
    tally = None if consultation is None else await stances.tally(session, consultation, members)
    if tally is None:
        return
    _para(document, strings.REPORT_PART_STANCES, bold=True, indent=False)
    if not tally.given:
        _para(document, strings.REPORT_STANCES_NONE)
        return
    counts = [(label, tally.counts.get(label, 0)) for label in tally.labels]
    _small_table(document, strings.REPORT_STANCES_TABLE_HEAD, [
        (label, str(count), f"{100 * count / members:.1f}%".replace(".", ",") if members else "—")
        for label, count in [*counts, (strings.STANCE_NOT_GIVEN, tally.not_given)]])
    document.add_paragraph()
    written = await stances.stance_comments(session, consultation_id, named=named)
    if written:
        _para(document, strings.REPORT_STANCE_COMMENTS_HEAD, bold=True, italic=True)
    for comment in written:
        place = ", ".join(part for part in (comment.member, comment.cell, comment.organization)
                          if part)
        _para(document, strings.REPORT_STANCE_COMMENT.format(
            place=place, stance=comment.stance, text=comment.text))


def _closing(document: Any) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    for n, line in enumerate(strings.REPORT_RECIPIENTS):
        paragraph = left.paragraphs[0] if n == 0 else left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.font.size = Pt(12)
        run.bold, run.italic = n == 0, n == 0
    _cell_lines(right, [(line, True, False, False) for line in strings.REPORT_SIGNATURE])


async def _appendix(document: Any, session: AsyncSession, consultation_id: int) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, strings.REPORT_APPENDIX, bold=True, align=center).paragraph_format \
        .space_after = Pt(0)
    _para(document, strings.REPORT_APPENDIX_TITLE, bold=True, align=center)
    cells = await compilation.unsubmitted_cells(session, consultation_id)
    if not cells:
        _para(document, strings.REPORT_APPENDIX_NONE)
        return
    _small_table(document, strings.REPORT_APPENDIX_HEAD,
                 [(str(n), org, code, name) for n, (org, code, name) in enumerate(cells, start=1)])


def _small_table(document: Any, head: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A grid in 11 pt, its header in bold."""
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        _small(cell, text, bold=True)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            _small(cell, text)
