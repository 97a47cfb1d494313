"""Comments as the file the Office compiles from: CSV or XLSX, streamed row by row.

Columns, in this order (headers: content.strings.EXPORT_COLUMNS):
  1 consultation title       2 section position (reading order)   3 section number as printed
  4 section title            5 organization                        6 cell code
  7 cell name                8 kind: "đảng viên" (member) | "chi bộ" (cell opinion)
  9 member name (empty for a cell opinion, and on every row when anonymous)
 10 choice                  11 comment text                        12 cell submitted: "có" | "không"
 13 created at              14 updated at   (ISO 8601 in the configured zone: ...T09:00:00+07:00)
 15 passages commented on (quotes, paragraphs, pages; one a line)
 16 paragraph numbers        17 proposed wordings: «original» → «proposed» (word changes)

Rows: one per member per section with a choice or text, one per cell opinion. Order: organization
name, cell code, section position, the cell's opinion before its members, then member name and
member id; anonymous exports order members by choice and text instead, so that a row's place
cannot name its author. The same data gives a byte-identical file.

CSV: UTF-8 with a BOM (so Excel reads Vietnamese), comma, RFC 4180 quoting, CRLF line ends.
Formula neutralisation: any field that starts with = + - @ TAB or CR is written with a leading
apostrophe ('=1+1), so Excel and LibreOffice show it as text and never run it ("CSV
injection"). Whoever needs the exact text removes that one apostrophe. XLSX cells are written
as typed text, never as formulas, so they carry no apostrophe; their line breaks are LF only
(CR LF and a lone CR become LF, as Excel writes them itself).

Memory stays flat: rows come through a server-side cursor in batches and are written at once;
XLSX uses xlsxwriter's constant_memory mode. Works on an AsyncSession or an AsyncConnection.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import xlsxwriter
from sqlalchemy import Select, and_, case, func, literal, null, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from content import strings
from storage.models import (
    Cell,
    CellOpinion,
    CellSubmission,
    Comment,
    Consultation,
    Member,
    Organization,
    Section,
)

Source = AsyncSession | AsyncConnection
BATCH = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WIDTHS = (30, 8, 10, 40, 30, 10, 30, 10, 25, 26, 80, 10, 26, 26, 60, 10, 60)  # per column
COLUMNS = (*strings.EXPORT_COLUMNS, *strings.EXPORT_PRECISE_COLUMNS)
TEXT_COLUMN = 10  # comment text: wrapped


def neutralise(field: str) -> str:
    """A field Excel would run as a formula, made plain text with a leading apostrophe."""
    return "'" + field if field.startswith(FORMULA_STARTS) else field


async def export_csv(
    source: Source,
    out: BinaryIO,
    consultation_id: int,
    cell_code: str | None = None,
    anonymous: bool = False,
    *,
    tz: tzinfo = DEFAULT_TZ,
) -> int:
    """Write the CSV to `out` as rows arrive; returns the number of data rows."""
    out.write(codecs.BOM_UTF8)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in COLUMNS])
    count = 0
    async for batch in _rows(source, consultation_id, cell_code, anonymous, tz, neutralise):
        writer.writerows(batch)
        out.write(buffer.getvalue().encode("utf-8"))
        buffer.seek(0)
        buffer.truncate()
        count += len(batch)
    out.write(buffer.getvalue().encode("utf-8"))
    return count


async def export_xlsx(
    source: Source,
    out: BinaryIO,
    consultation_id: int,
    cell_code: str | None = None,
    anonymous: bool = False,
    *,
    tz: tzinfo = DEFAULT_TZ,
) -> int:
    """Write the workbook to `out`: comments, then a summary by section and choice."""
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_urls": False})
    try:
        bold = book.add_format({"bold": True, "valign": "top", "text_wrap": True})
        top = book.add_format({"valign": "top"})
        wrapped = book.add_format({"valign": "top", "text_wrap": True})
        sheet = book.add_worksheet(strings.EXPORT_SHEET)
        for column, width in enumerate(WIDTHS):
            sheet.set_column(column, column, width, wrapped if column == TEXT_COLUMN else top)
        sheet.freeze_panes(1, 0)
        for column, header in enumerate(COLUMNS):
            sheet.write_string(0, column, header, bold)
        count = 0
        async for batch in _rows(source, consultation_id, cell_code, anonymous, tz, _cell_text):
            for row in batch:
                count += 1
                for column, value in enumerate(row):
                    style = wrapped if column == TEXT_COLUMN else top
                    sheet.write_string(count, column, value, style)
        sheet.autofilter(0, 0, max(count, 1), len(COLUMNS) - 1)
        await _summary_sheet(book, bold, source, consultation_id, cell_code)
    finally:
        book.close()
    return count


async def rows(
    source: Source, consultation_id: int, cell_code: str | None = None, anonymous: bool = False,
    *, tz: tzinfo = DEFAULT_TZ,
) -> AsyncIterator[list[str]]:
    """The export's rows as plain text, in its order: what the web console lists and counts."""
    async for batch in _rows(source, consultation_id, cell_code, anonymous, tz, _plain):
        for row in batch:
            yield row


def _plain(value: str) -> str:
    return value


def _cell_text(value: str) -> str:
    """Excel breaks lines in a cell with LF alone; a CR would show as "_x000D_" to some readers."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


async def _cell_id(source: Source, cell_code: str | None) -> int | None:
    if cell_code is None:
        return None
    cell_id = (await source.execute(select(Cell.id).where(Cell.code == cell_code))).scalar()
    if cell_id is None:
        raise LookupError(cell_code)
    return int(cell_id)


async def _rows(
    source: Source,
    consultation_id: int,
    cell_code: str | None,
    anonymous: bool,
    tz: tzinfo,
    safe: Callable[[str], str],
) -> AsyncIterator[list[list[str]]]:
    """Export rows, formatted, in batches straight off the cursor; `safe` guards free text."""
    title = (
        await source.execute(select(Consultation.title).where(Consultation.id == consultation_id))
    ).scalar()
    if title is None:
        raise LookupError(consultation_id)
    head = safe(title)
    cell_id = await _cell_id(source, cell_code)
    stmt = _query(consultation_id, cell_id, anonymous).execution_options(yield_per=BATCH)
    result = await source.stream(stmt)
    yes, no = strings.EXPORT_YES, strings.EXPORT_NO
    kinds = {0: strings.EXPORT_KIND_CELL, 1: strings.EXPORT_KIND_MEMBER}
    async for partition in result.partitions(BATCH):
        # Positional unpacking: named access on a million Rows costs seconds.
        yield [
            [
                head,
                str(position),
                safe(number),
                safe(section),
                safe(org),
                safe(code),
                safe(cell),
                kinds[kind],
                safe(name) if name else "",
                safe(choice) if choice else "",
                safe(text) if text else "",
                yes if submitted else no,
                _iso(created, tz),
                _iso(updated, tz),
                safe(passages) if passages else "",
                paragraphs or "",
                safe(proposals) if proposals else "",
            ]
            for (
                org,
                code,
                cell,
                position,
                number,
                section,
                kind,
                name,
                _who,
                choice,
                text,
                submitted,
                created,
                updated,
                passages,
                paragraphs,
                proposals,
            ) in partition
        ]


def _iso(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _query(consultation_id: int, cell_id: int | None, anonymous: bool) -> Select[Any]:
    """Members' comments and cells' opinions as one ordered stream."""
    in_force = and_(CellSubmission.id.is_not(None), CellSubmission.reopened_at.is_(None))
    submitted = case((in_force, 1), else_=0).label("submitted")
    submission = and_(
        CellSubmission.cell_id == Cell.id, CellSubmission.consultation_id == consultation_id
    )
    place = (Organization.name.label("org"), Cell.code.label("code"), Cell.name.label("cell"))
    members = (
        select(
            *place,
            Section.position.label("position"),
            Section.number.label("number"),
            Section.title.label("title"),
            literal(1).label("kind"),
            (literal("") if anonymous else Member.full_name).label("name"),
            (Comment.id if anonymous else Member.id).label("who"),
            Comment.choice.label("choice"),
            Comment.text.label("text"),
            submitted,
            Comment.created_at.label("created"),
            Comment.updated_at.label("updated"),
            Comment.passages.label("passages"),
            Comment.paragraphs.label("paragraphs"),
            Comment.proposals.label("proposals"),
        )
        .select_from(Comment)
        .join(Section, Section.id == Comment.section_id)
        .join(Member, Member.id == Comment.member_id)
        .join(Cell, Cell.id == Comment.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(CellSubmission, submission)
        .where(
            Comment.consultation_id == consultation_id,
            or_(Comment.choice.is_not(None), Comment.text != "", Comment.proposals != ""),
        )
    )
    opinions = (
        select(
            *place,
            Section.position,
            Section.number,
            Section.title,
            literal(0),
            literal(""),
            CellOpinion.id,
            null(),
            CellOpinion.text,
            submitted,
            CellOpinion.created_at,
            CellOpinion.updated_at,
            literal(""),
            literal(""),
            literal(""),
        )
        .select_from(CellOpinion)
        .join(Section, Section.id == CellOpinion.section_id)
        .join(Cell, Cell.id == CellOpinion.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(CellSubmission, submission)
        .where(CellOpinion.consultation_id == consultation_id, CellOpinion.text != "")
    )
    if cell_id is not None:
        members = members.where(Comment.cell_id == cell_id)
        opinions = opinions.where(CellOpinion.cell_id == cell_id)
    rows = union_all(members, opinions).subquery()
    c = rows.c
    then: Sequence[Any] = (
        (func.coalesce(c.choice, ""), c.text, c.who) if anonymous else (c.name, c.who)
    )
    return select(rows).order_by(c.org, c.code, c.position, c.kind, *then)


async def _summary_sheet(
    book: Any, bold: Any, source: Source, consultation_id: int, cell_code: str | None
) -> None:
    """Counts per section and choice (and cell opinions), for the whole export's scope."""
    cell_id = await _cell_id(source, cell_code)
    comment_scope = [Comment.consultation_id == consultation_id]
    opinion_scope = [CellOpinion.consultation_id == consultation_id, CellOpinion.text != ""]
    if cell_id is not None:
        comment_scope.append(Comment.cell_id == cell_id)
        opinion_scope.append(CellOpinion.cell_id == cell_id)
    has_text = func.sum(case((Comment.text != "", 1), else_=0))
    spread = await source.execute(
        select(Comment.section_id, Comment.choice, func.count(), has_text)
        .where(*comment_scope, or_(Comment.choice.is_not(None), Comment.text != ""))
        .group_by(Comment.section_id, Comment.choice)
    )
    counts: dict[tuple[int, str | None], int] = {}
    texts: dict[int, int] = {}
    for section_id, choice, count, with_text in spread:
        counts[(section_id, choice)] = int(count)
        texts[section_id] = texts.get(section_id, 0) + int(with_text or 0)
    by_section = await source.execute(
        select(CellOpinion.section_id, func.count())
        .where(*opinion_scope)
        .group_by(CellOpinion.section_id)
    )
    opinions = {section_id: int(count) for section_id, count in by_section}
    choices = (
        await source.execute(select(Consultation.choices).where(Consultation.id == consultation_id))
    ).scalar_one()
    labels = [str(c["label"]) for c in choices]
    labels += sorted({ch for _, ch in counts if ch is not None and ch not in labels})
    sections = await source.execute(
        select(Section.id, Section.position, Section.number, Section.title)
        .where(Section.consultation_id == consultation_id)
        .order_by(Section.position)
    )
    sheet = book.add_worksheet(strings.EXPORT_SUMMARY_SHEET)
    head = [*strings.EXPORT_SUMMARY_HEAD, *labels, *strings.EXPORT_SUMMARY_TAIL]
    for column, header in enumerate(head):
        sheet.write_string(0, column, header, bold)
    sheet.set_column(0, 1, 10)
    sheet.set_column(2, 2, 50)
    sheet.set_column(3, len(head) - 1, 16)
    sheet.freeze_panes(1, 3)
    for row, (section_id, position, number, title) in enumerate(sections, start=1):
        figures = [counts.get((section_id, label), 0) for label in labels]
        text_only = counts.get((section_id, None), 0)
        answered = sum(figures) + text_only
        sheet.write_number(row, 0, position)
        sheet.write_string(row, 1, number)
        sheet.write_string(row, 2, title)
        tail = [text_only, texts.get(section_id, 0), answered, opinions.get(section_id, 0)]
        for column, value in enumerate([*figures, *tail], start=3):
            sheet.write_number(row, column, value)
