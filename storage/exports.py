"""Comments as the file the Office compiles from: CSV or XLSX, streamed row by row.

Columns, in this order (headers: content.strings.EXPORT_COLUMNS and EXPORT_PRECISE_COLUMNS):
  1 consultation title       2 section position (reading order)   3 section number as printed
  4 section title            5 organization                        6 cell code
  7 cell name                8 kind: "đảng viên" (member) | "chi bộ" (cell opinion)
  9 member name (empty for a cell opinion, and on every row when anonymous)
 10 choice                  11 comment text                        12 cell submitted: "có" | "không"
 13 created at              14 updated at   (ISO 8601 in the configured zone: ...T09:00:00+07:00)
 15 passages commented on (quotes, paragraphs, pages; one a line)
 16 paragraph numbers        17 proposed wordings: «original» → «proposed» (word changes)
 18 document: its short name (a round may send several documents; all of them are exported,
    one after the other in the order they were loaded, unless one is asked for)
 19 the version of the draft the comment was made on («Dự thảo lần 4»): a next version's
    comments sit beside the earlier one's, each on the section row it was made on (empty on
    a stance, which is on the whole document)

Rows: one per member per section with a choice, text or a proposed wording, one per cell opinion,
and one per member's stance on the whole document: section title «Toàn bộ dự thảo», no position
or number, the stance as the choice and its comment as the text, so a clerk filters or sorts the
one file like any section. Order: organization
name, cell code, section position (stances first), the cell's opinion before its members, then
member name and
member id; anonymous exports order members by choice and text instead, so that a row's place
cannot name its author. The same data gives a byte-identical file.

CSV: UTF-8 with a BOM (so Excel reads Vietnamese), comma, RFC 4180 quoting, CRLF line ends.
Formula neutralisation: any field that starts with = + - @ TAB or CR is written with a leading
apostrophe ('=1+1), so Excel and LibreOffice show it as text and never run it ("CSV
injection"). Whoever needs the exact text removes that one apostrophe. XLSX cells are written
as typed text, never as formulas, so they carry no apostrophe; their line breaks are LF only
(CR LF and a lone CR become LF, as Excel writes them itself).

Memory stays flat: rows come through a server-side cursor in batches and are written at once.
The database formats each row (storage/export_rows.py); for XLSX, xlsxwriter lays out the
workbook (styles, widths, frozen header, filter, summary sheet) and the rows' XML is
streamed into its first sheet. Works on an AsyncSession or an AsyncConnection.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import re
import zipfile
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import tzinfo
from typing import Any, BinaryIO, TypeVar
from zoneinfo import ZoneInfo

import xlsxwriter
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from content import strings
from storage.comments import said, written
from storage.consultations import round_of
from storage.export_rows import (
    FORMULA_STARTS,
    CsvRow,
    RowFormat,
    XlsxRow,
    formatted_rows,
    neutralise,
)
from storage.models import Cell, CellOpinion, Comment, Consultation
from storage.sql_time import zone_spans
from storage.versions import gathered_sections, head_of

__all__ = ["export_csv", "export_xlsx", "neutralise"]

K = TypeVar("K")

Source = AsyncSession | AsyncConnection
BATCH = 2000
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WIDTHS = (30, 8, 10, 40, 30, 10, 30, 10, 25, 26, 80, 10, 26, 26, 60, 10, 60, 30, 16)  # per column
COLUMNS = (*strings.EXPORT_COLUMNS, *strings.EXPORT_PRECISE_COLUMNS,
           strings.EXPORT_DOCUMENT_COLUMN, *strings.EXPORT_VERSION_COLUMNS)
TEXT_COLUMN = 10  # comment text: wrapped
WRAPPED = (TEXT_COLUMN, 14, 16)  # and the passages and the proposals
EXCEL_ROWS = 1_048_576  # a worksheet holds no more, its header included
DATA_SHEET = "xl/worksheets/sheet1.xml"
# What xlsxwriter would escape in a cell (control characters as _xHHHH_, and a literal
# _xHHHH_ so it is not read as one): rare, so looked for once per batch, in the bytes.
_CONTROL_BYTES = bytes(range(0x09)) + bytes(range(0x0B, 0x20))
_NONCHARACTERS = ("\ufffe".encode(), "\uffff".encode())
# Fast rather than small: the rows' XML compresses well at the lowest level too.
COMPRESSION = 1


async def export_csv(
    source: Source,
    out: BinaryIO,
    consultation_id: int,
    cell_code: str | None = None,
    anonymous: bool = False,
    *,
    tz: tzinfo = DEFAULT_TZ,
    document_id: int | None = None,
) -> int:
    """Write the CSV to `out` as rows arrive; returns the number of data rows. Every
    document of `consultation_id`'s round, or only `document_id` (one of that round)."""
    out.write(codecs.BOM_UTF8)
    fmt = CsvRow(_dialect(source))
    header = ",".join(fmt.constant(neutralise(name)) for name in COLUMNS)
    out.write((header + "\r\n").encode("utf-8"))
    count = 0
    head = fmt.constant(neutralise(await _title(source, consultation_id)))
    async for batch in _rows(source, consultation_id, cell_code, anonymous, tz, head, fmt,
                             document_id):
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
    document_id: int | None = None,
) -> int:
    """Write the workbook to `out`: comments, then a summary by section and choice (a sheet
    per document).

    Rows past Excel's limit (1,048,575 after the header) are left out: the CSV has them."""
    fmt = XlsxRow(_dialect(source), ())
    title = fmt.constant(await _title(source, consultation_id))
    probe = io.BytesIO()
    _workbook(probe)[0].close()
    with zipfile.ZipFile(probe) as laid_out:
        head = laid_out.read(DATA_SHEET).decode("utf-8").split("</sheetData>", 1)[0]
    head = re.sub(r"<dimension [^>]*/>", "", head)  # optional, and the row count is not known
    fmt = XlsxRow(fmt.dialect, _column_styles(head))
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as package:
        entry = zipfile.ZipInfo(DATA_SHEET, date_time=(1980, 1, 1, 0, 0, 0))  # as xlsxwriter
        entry.compress_type = zipfile.ZIP_DEFLATED
        # The level is named compress_level since Python 3.13, _compresslevel before.
        level = "compress_level" if hasattr(entry, "compress_level") else "_compresslevel"
        setattr(entry, level, COMPRESSION)
        with package.open(entry, "w") as sheet_xml:
            sheet_xml.write(head.encode("utf-8"))
            async for batch in _rows(source, consultation_id, cell_code, anonymous, tz, title,
                                     fmt, document_id):
                batch = batch[: EXCEL_ROWS - 1 - count]
                xml = "".join([
                    f'<row r="{n}">{cells}</row>'
                    for n, (cells,) in enumerate(batch, start=count + 2)
                ])
                sheet_xml.write(_escape_control(xml.encode("utf-8")))
                count += len(batch)
            # The rest of the workbook, now that the number of rows is known.
            rest = io.BytesIO()
            book, sheet, bold = _workbook(rest)
            sheet.autofilter(0, 0, max(count, 1), len(COLUMNS) - 1)
            documents = await _documents(source, consultation_id, document_id)
            for number, (document, _) in enumerate(documents, start=1):
                name = strings.EXPORT_SUMMARY_SHEET + (f" ({number})" if number > 1 else "")
                await _summary_sheet(book, bold, source, document, cell_code, name)
            book.close()
            parts = zipfile.ZipFile(rest)
            tail = parts.read(DATA_SHEET).decode("utf-8").split("</sheetData>", 1)[1]
            sheet_xml.write(("</sheetData>" + tail).encode("utf-8"))
        with parts:
            for info in parts.infolist():
                if info.filename != DATA_SHEET:
                    package.writestr(info, parts.read(info.filename))
    return count


def _workbook(target: BinaryIO) -> tuple[Any, Any, Any]:
    """The workbook with its comments sheet laid out (widths, styles, frozen header)."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "valign": "top", "text_wrap": True})
    top = book.add_format({"valign": "top"})
    wrapped = book.add_format({"valign": "top", "text_wrap": True})
    sheet = book.add_worksheet(strings.EXPORT_SHEET)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width, wrapped if column in WRAPPED else top)
    sheet.freeze_panes(1, 0)
    for column, header in enumerate(COLUMNS):
        sheet.write_string(0, column, header, bold)
    return book, sheet, bold


def _column_styles(sheet_head: str) -> tuple[int, ...]:
    """Each column's style index, as xlsxwriter numbered them in the sheet's <cols>."""
    styles = [0] * len(COLUMNS)
    for low, high, style in re.findall(
        r'<col min="(\d+)" max="(\d+)"[^>]*? style="(\d+)"', sheet_head
    ):
        for column in range(int(low) - 1, min(int(high), len(styles))):
            styles[column] = int(style)
    return tuple(styles)


def _escape_control(data: bytes) -> bytes:
    """Control characters as xlsxwriter writes them (_xHHHH_; a literal _xHHHH_ escaped)."""
    clean = len(data.translate(None, _CONTROL_BYTES)) == len(data)
    if clean and b"_x" not in data and not any(n in data for n in _NONCHARACTERS):
        return data
    xml = data.decode("utf-8")
    xml = re.sub("(_x[0-9a-fA-F]{4}_)", r"_x005F\1", xml)
    xml = re.sub("([\x00-\x08\x0b-\x1f])", lambda m: f"_x{ord(m.group(1)):04X}_", xml)
    return xml.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_").encode("utf-8")


async def _title(source: Source, consultation_id: int) -> str:
    title = (
        await source.execute(select(Consultation.title).where(Consultation.id == consultation_id))
    ).scalar()
    if title is None:
        raise LookupError(consultation_id)
    return str(title)


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
    head: str,
    fmt: RowFormat,
    document_id: int | None = None,
) -> AsyncIterator[Sequence[Any]]:
    """Rows as `fmt` writes them (one string each), in batches straight off the cursor,
    document after document."""
    cell_id = await _cell_id(source, cell_code)
    for document, name in await _documents(source, consultation_id, document_id):
        named = fmt.constant(neutralise(name) if isinstance(fmt, CsvRow) else name)
        stmt = formatted_rows(document, cell_id, anonymous, head, zone_spans(tz), fmt,
                              _dialect(source), named).execution_options(yield_per=BATCH)
        async for batch in _stream(source, stmt):
            yield batch


async def _documents(
    source: Source, consultation_id: int, document_id: int | None
) -> list[tuple[int, str]]:
    """(id, name) of the documents an export covers: the round of `consultation_id`, or
    `document_id` alone when it is one of that round (LookupError when it is not)."""
    stmt = (select(Consultation.id, Consultation.document, Consultation.title)
            .where(Consultation.round_id == round_of(consultation_id))
            .order_by(Consultation.id))
    if document_id is not None:
        stmt = stmt.where(Consultation.id == document_id)
    found = [(int(i), document or title) for i, document, title in await source.execute(stmt)]
    if not found:
        raise LookupError(document_id or consultation_id)
    return found


async def _stream(source: Source, stmt: Any) -> AsyncIterator[Sequence[Any]]:
    # Core, not the session: the ORM's row loading would cost a tenth of the export.
    connection = await source.connection() if isinstance(source, AsyncSession) else source
    result = await connection.stream(stmt)
    # The next batch is fetched (in the driver's thread, or over the network) while this
    # one is written.
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


async def rows(
    source: Source, consultation_id: int, cell_code: str | None = None, anonymous: bool = False,
    *, tz: tzinfo = DEFAULT_TZ, document_id: int | None = None,
) -> AsyncIterator[list[str]]:
    """The export's rows as fields, in its order: what the web console lists and counts.
    Read back from the CSV lines themselves, so the two can never disagree."""
    fmt = CsvRow(_dialect(source))
    head = fmt.constant(neutralise(await _title(source, consultation_id)))
    async for batch in _rows(source, consultation_id, cell_code, anonymous, tz, head, fmt,
                             document_id):
        for fields in csv.reader([line for (line,) in batch]):
            yield [_unguarded(field) for field in fields]


def _unguarded(field: str) -> str:
    """The text as stored: the file's formula guard (a leading apostrophe) taken off."""
    return field[1:] if field[:1] == "'" and field[1:2] in FORMULA_STARTS else field


async def _summary_sheet(
    book: Any, bold: Any, source: Source, consultation_id: int, cell_code: str | None,
    name: str = strings.EXPORT_SUMMARY_SHEET,
) -> None:
    """Counts per section and choice (and cell opinions), for the whole export's scope."""
    cell_id = await _cell_id(source, cell_code)
    comment_scope = [Comment.consultation_id == consultation_id]
    opinion_scope = [CellOpinion.consultation_id == consultation_id, CellOpinion.text != ""]
    if cell_id is not None:
        comment_scope.append(Comment.cell_id == cell_id)
        opinion_scope.append(CellOpinion.cell_id == cell_id)
    has_text = func.sum(case((written(), 1), else_=0))
    spread = await source.execute(
        select(Comment.section_id, Comment.choice, func.count(), has_text)
        .where(*comment_scope, said())
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
    # A section's versions are counted together, under its newest version's row.
    sections = await gathered_sections(source, consultation_id)
    under = head_of(sections)
    counts = _summed(counts, lambda key: (under.get(key[0], key[0]), key[1]))
    texts = _summed(texts, lambda key: under.get(key, key))
    opinions = _summed(opinions, lambda key: under.get(key, key))
    sheet = book.add_worksheet(name)
    head = [*strings.EXPORT_SUMMARY_HEAD, *labels, *strings.EXPORT_SUMMARY_TAIL]
    for column, header in enumerate(head):
        sheet.write_string(0, column, header, bold)
    sheet.set_column(0, 1, 10)
    sheet.set_column(2, 2, 50)
    sheet.set_column(3, len(head) - 1, 16)
    sheet.freeze_panes(1, 3)
    for row, (section_id, position, number, title) in enumerate(
            ((g.id, g.position, g.number, g.title) for g in sections), start=1):
        figures = [counts.get((section_id, label), 0) for label in labels]
        text_only = counts.get((section_id, None), 0)
        answered = sum(figures) + text_only
        sheet.write_number(row, 0, position)
        sheet.write_string(row, 1, number)
        sheet.write_string(row, 2, title)
        tail = [text_only, texts.get(section_id, 0), answered, opinions.get(section_id, 0)]
        for column, value in enumerate([*figures, *tail], start=3):
            sheet.write_number(row, column, value)


def _summed(figures: dict[K, int], key: Callable[[K], K]) -> dict[K, int]:
    out: dict[K, int] = {}
    for old, value in figures.items():
        out[key(old)] = out.get(key(old), 0) + value
    return out
