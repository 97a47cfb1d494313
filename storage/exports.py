"""Comments as the file the Office compiles from: CSV or XLSX, streamed row by row.

Columns, in this order (headers: content.strings.EXPORT_COLUMNS):
  1 consultation title       2 section position (reading order)   3 section number as printed
  4 section title            5 organization                        6 cell code
  7 cell name                8 kind: "đảng viên" (member) | "chi bộ" (cell opinion)
  9 member name (empty for a cell opinion, and on every row when anonymous)
 10 choice                  11 comment text                        12 cell submitted: "có" | "không"
 13 created at              14 updated at   (ISO 8601 in the configured zone: ...T09:00:00+07:00)

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

import asyncio
import codecs
import csv
import io
from collections.abc import AsyncIterator, Sequence
from datetime import tzinfo
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import xlsxwriter
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
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
from storage.sql_time import Span, local_iso, zone_spans

Source = AsyncSession | AsyncConnection
BATCH = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WIDTHS = (30, 8, 10, 40, 30, 10, 30, 10, 25, 26, 80, 10, 26, 26)  # characters, per column
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
    header = ",".join(_csv_quoted(neutralise(name)) for name in strings.EXPORT_COLUMNS)
    out.write((header + "\r\n").encode("utf-8"))
    count = 0
    async for batch in _rows(source, consultation_id, cell_code, anonymous, tz, xlsx=False):
        lines = [line for (line,) in batch]
        lines.append("")
        out.write("\r\n".join(lines).encode("utf-8"))
        count += len(batch)
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
        for column, header in enumerate(strings.EXPORT_COLUMNS):
            sheet.write_string(0, column, header, bold)
        count = 0
        async for batch in _rows(source, consultation_id, cell_code, anonymous, tz, xlsx=True):
            for row in batch:
                count += 1
                for column, value in enumerate(row):
                    style = wrapped if column == TEXT_COLUMN else top
                    sheet.write_string(count, column, value, style)
        sheet.autofilter(0, 0, max(count, 1), len(strings.EXPORT_COLUMNS) - 1)
        await _summary_sheet(book, bold, source, consultation_id, cell_code)
    finally:
        book.close()
    return count


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


def _dialect(source: Source) -> str:
    bind = source.bind if isinstance(source, AsyncSession) else source
    if bind is None:
        raise RuntimeError("export from a session bound to no engine")
    return str(bind.dialect.name)


async def _rows(
    source: Source,
    consultation_id: int,
    cell_code: str | None,
    anonymous: bool,
    tz: tzinfo,
    *,
    xlsx: bool,
) -> AsyncIterator[Sequence[Sequence[str]]]:
    """Export rows, formatted by the database, in batches straight off the cursor."""
    title = (
        await source.execute(select(Consultation.title).where(Consultation.id == consultation_id))
    ).scalar()
    if title is None:
        raise LookupError(consultation_id)
    cell_id = await _cell_id(source, cell_code)
    head = _cell_text(title) if xlsx else neutralise(title)
    stmt = _formatted(consultation_id, cell_id, anonymous, head, _dialect(source),
                      zone_spans(tz), xlsx)
    stmt = stmt.execution_options(yield_per=BATCH)
    # Core, not the session: the ORM's row loading would cost a tenth of the export.
    connection = await source.connection() if isinstance(source, AsyncSession) else source
    result = await connection.stream(stmt)
    # The next batch is fetched (in the driver's thread, or over the network) while this
    # one is written: rows are tuples of 14 strings, written as they are.
    following = asyncio.ensure_future(result.fetchmany(BATCH))
    try:
        while batch := await following:
            following = asyncio.ensure_future(result.fetchmany(BATCH))
            await asyncio.sleep(0)  # let the fetch start before the writing holds the loop
            yield batch
    finally:
        if not following.done():
            following.cancel()
        await result.close()


def _safe_xlsx(column: Any) -> ColumnElement[str]:
    """_cell_text(), in SQL."""
    return func.replace(func.replace(column, literal("\r\n", String), literal("\n", String)),
                        literal("\r", String), literal("\n", String))


def _formatted(
    consultation_id: int,
    cell_id: int | None,
    anonymous: bool,
    head: str,
    dialect: str,
    zone: Sequence[Span],
    xlsx: bool,
) -> Select[Any]:
    """The rows of _query as the text written, in _query's order: 14 strings each for
    XLSX, one for CSV (the line, quoted, without its end).

    What belongs to a section or a cell is formatted once per section and per cell
    (materialised), not once per row: the rows only format their own name, choice, text
    and times."""

    def safe(text: Any) -> ColumnElement[str]:
        return _safe_xlsx(text) if xlsx else _csv_field(text, dialect)

    quote = _same if xlsx else _csv_quoted
    in_force = and_(CellSubmission.id.is_not(None), CellSubmission.reopened_at.is_(None))
    sections = (
        select(
            Section.id,
            Section.position,
            cast(Section.position, String).label("position_text"),
            safe(Section.number).label("number_text"),
            safe(Section.title).label("title_text"),
        )
        .where(Section.consultation_id == consultation_id)
        .cte("export_section")
        .prefix_with("MATERIALIZED")
    )
    places = (
        select(
            Cell.id,
            # Rows sort by this number rather than by two strings each.
            func.row_number().over(order_by=(Organization.name, Cell.code)).label("place"),
            safe(Organization.name).label("org_text"),
            safe(Cell.code).label("code_text"),
            safe(Cell.name).label("cell_text"),
            case((in_force, literal(quote(strings.EXPORT_YES), String)),
                 else_=literal(quote(strings.EXPORT_NO), String)).label("submitted_text"),
        )
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(CellSubmission, and_(CellSubmission.cell_id == Cell.id,
                                        CellSubmission.consultation_id == consultation_id))
    )
    if cell_id is not None:
        places = places.where(Cell.id == cell_id)
    place = places.cte("export_place").prefix_with("MATERIALIZED")
    s, p = sections.c, place.c
    members = (
        select(
            p.place, s.position,
            literal(1).label("kind"),
            (literal("") if anonymous else Member.full_name).label("name"),
            (Comment.id if anonymous else Member.id).label("who"),
            *((Comment.choice.label("choice"), Comment.text.label("text")) if anonymous else ()),
            p.org_text, p.code_text, p.cell_text, s.position_text, s.number_text, s.title_text,
            p.submitted_text,
            literal(quote(strings.EXPORT_KIND_MEMBER), String).label("kind_text"),
            (literal("", String) if anonymous else safe(Member.full_name)).label("name_text"),
            safe(func.coalesce(Comment.choice, literal("", String))).label("choice_text"),
            safe(Comment.text).label("text_text"),
            local_iso(Comment.created_at, dialect, zone).label("created_text"),
            local_iso(Comment.updated_at, dialect, zone).label("updated_text"),
        )
        .select_from(Comment)
        .join(sections, s.id == Comment.section_id)
        .join(Member, Member.id == Comment.member_id)
        .join(place, p.id == Comment.cell_id)
        .where(
            Comment.consultation_id == consultation_id,
            or_(Comment.choice.is_not(None), Comment.text != ""),
        )
    )
    opinions = (
        select(
            p.place, s.position, literal(0), literal(""), CellOpinion.id,
            *((null(), CellOpinion.text) if anonymous else ()),
            p.org_text, p.code_text, p.cell_text, s.position_text, s.number_text, s.title_text,
            p.submitted_text,
            literal(quote(strings.EXPORT_KIND_CELL), String),
            literal("", String),
            literal("", String),
            safe(CellOpinion.text),
            local_iso(CellOpinion.created_at, dialect, zone),
            local_iso(CellOpinion.updated_at, dialect, zone),
        )
        .select_from(CellOpinion)
        .join(sections, s.id == CellOpinion.section_id)
        .join(place, p.id == CellOpinion.cell_id)
        .where(CellOpinion.consultation_id == consultation_id, CellOpinion.text != "")
    )
    if cell_id is not None:
        members = members.where(Comment.cell_id == cell_id)
        opinions = opinions.where(CellOpinion.cell_id == cell_id)
    rows = union_all(members, opinions).subquery()
    c = rows.c
    fields: list[ColumnElement[Any]] = [
        literal(quote(head), String), c.position_text, c.number_text, c.title_text, c.org_text,
        c.code_text, c.cell_text, c.kind_text, c.name_text, c.choice_text, c.text_text,
        c.submitted_text, c.created_text, c.updated_text,
    ]
    if not xlsx:  # the line in one piece: one string per row to fetch, not 14
        fields = [_joined(fields, dialect)]
    return select(*fields).order_by(c.place, *_order(c, anonymous, place=False))


def _joined(fields: list[ColumnElement[Any]], dialect: str) -> ColumnElement[str]:
    """The fields joined by commas, built in one go (a chain of || copies the line each time)."""
    if dialect == "sqlite":
        return func.printf(",".join(["%s"] * len(fields)), *fields)
    return func.concat_ws(literal(",", String), *fields)


def _same(text: str) -> str:
    return text


def _csv_quoted(text: str) -> str:
    """One field as csv.writer writes it (QUOTE_MINIMAL, CRLF lines)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([text, ""])
    return buffer.getvalue()[:-3]  # without the empty second field and the line end


# What the database matches to quote a CSV field, and to neutralise a formula.
_QUOTED = {"sqlite": ('*[,"\r\n]*', "GLOB"), "postgresql": ('[,"\r\n]', "~")}
_FORMULA = {"sqlite": ("[-=+@\t\r]*", "GLOB"), "postgresql": ("^[-=+@\t\r]", "~")}


def _matches(column: ColumnElement[str], dialect: str, patterns: dict[str, tuple[str, str]]
             ) -> ColumnElement[bool]:
    pattern, operator = patterns.get(dialect, patterns["postgresql"])
    return column.op(operator, is_comparison=True)(literal(pattern, String))


def _csv_field(column: ColumnElement[str], dialect: str) -> ColumnElement[str]:
    """_csv_quoted(neutralise(text)), in SQL: quoted when it holds a comma, a quote or a
    line break; a leading apostrophe when it starts like a formula."""

    def neutralised(text: ColumnElement[str]) -> ColumnElement[str]:
        return case((_matches(text, dialect, _FORMULA), literal("'", String).op("||")(text)),
                    else_=text)

    # The apostrophe and the doubled quotes do not change each other: either order works.
    escaped = func.replace(column, literal('"', String), literal('""', String))
    quoted = literal('"', String).op("||")(neutralised(escaped)).op("||")(literal('"', String))
    return case((_matches(column, dialect, _QUOTED), quoted), else_=neutralised(column))


def _query(consultation_id: int, cell_id: int | None, anonymous: bool) -> Select[Any]:
    """Members' comments and cells' opinions as one ordered stream, as stored (unformatted)."""
    rows = _union(consultation_id, cell_id, anonymous)
    return select(rows).order_by(*_order(rows.c, anonymous))


def _order(c: Any, anonymous: bool, *, place: bool = True) -> Sequence[Any]:
    """Organization, cell code, section, the cell's opinion first, then its members."""
    then: Sequence[Any] = (
        (func.coalesce(c.choice, ""), c.text, c.who) if anonymous else (c.name, c.who)
    )
    return (*((c.org, c.code) if place else ()), c.position, c.kind, *then)


def _union(consultation_id: int, cell_id: int | None, anonymous: bool) -> Subquery:
    """Members' comments and cells' opinions, one row each, with what orders them."""
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
        )
        .select_from(Comment)
        .join(Section, Section.id == Comment.section_id)
        .join(Member, Member.id == Comment.member_id)
        .join(Cell, Cell.id == Comment.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(CellSubmission, submission)
        .where(
            Comment.consultation_id == consultation_id,
            or_(Comment.choice.is_not(None), Comment.text != ""),
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
    return union_all(members, opinions).subquery()


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
