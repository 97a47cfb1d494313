"""The compiled report as a workbook: one row per group, in reading order (xlsxwriter).

Columns: content.strings.REPORT_XLSX_COLUMNS; after a section's groups, one row per proposed
wording that belongs to no group (its comment had no text to group). A second sheet counts
the stances on the whole document, with the comments written beside them. A round of several
documents has their rows one after the other (the last column names the document) and a
stance sheet each. Written as rows are made, in xlsxwriter's constant_memory mode; the data
is read one section at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any, BinaryIO

import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from content import strings
from content.passages import diff_text
from storage import compilation, proposals, stances
from storage.export_rows import cell_text as _cell_text
from storage.exports import DEFAULT_TZ
from storage.models import Consultation, Member

WIDTHS = (8, 8, 40, 8, 14, 80, 8, 50, 40, 40, 18, 60, 20, 20, 6, 50, 60, 30, 30)
COLUMNS = (*strings.REPORT_XLSX_COLUMNS, *strings.REPORT_XLSX_VERSION_COLUMNS)
WRAPPED = {2, 5, 7, 8, 9, 11, 15, 16}


async def write_xlsx(
    session: AsyncSession, out: BinaryIO, consultation_id: int, *, named: bool = False,
    tz: tzinfo = DEFAULT_TZ, documents: Sequence[tuple[int, str]] = (),
) -> int:
    """Write the workbook; returns the number of groups. `documents` (id, name): the
    documents of the round, one after the other (none: `consultation_id` alone)."""
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_urls": False})
    try:
        bold = book.add_format({"bold": True, "valign": "top", "text_wrap": True})
        top = book.add_format({"valign": "top"})
        wrapped = book.add_format({"valign": "top", "text_wrap": True})
        sheet = book.add_worksheet(strings.REPORT_XLSX_SHEET)
        for column, width in enumerate(WIDTHS):
            sheet.set_column(column, column, width, wrapped if column in WRAPPED else top)
        sheet.freeze_panes(1, 0)
        for column, header in enumerate(COLUMNS):
            sheet.write_string(0, column, header, bold)

        def write(row: int, values: list[str | int]) -> None:
            for column, value in enumerate(values):
                style = wrapped if column in WRAPPED else top
                if isinstance(value, int):
                    sheet.write_number(row, column, value, style)
                else:
                    sheet.write_string(row, column, value, style)

        parts = list(documents) or [(consultation_id, "")]
        row = groups_written = 0
        for document, name in parts:
            row, written = await _document_rows(write, session, document, name, row, named, tz)
            groups_written += written
        sheet.autofilter(0, 0, max(row, 1), len(COLUMNS) - 1)
        for number, (document, _) in enumerate(parts, start=1):
            title = strings.REPORT_XLSX_STANCES_SHEET + (f" ({number})" if number > 1 else "")
            await _stance_sheet(book, bold, top, wrapped, session, document, named, title)
    finally:
        book.close()
    return groups_written


async def _document_rows(
    write: Callable[[int, list[str | int]], None], session: AsyncSession, consultation_id: int,
    name: str, row: int, named: bool, tz: tzinfo,
) -> tuple[int, int]:
    """One document's groups and loose proposals from the row after `row`: (the last row
    written, the groups written)."""
    groups_written = 0
    document = _cell_text(name)
    loose = await proposals.by_section(session, consultation_id, outside_groups=True)
    async for section, groups in compilation.sections_with_groups(
            session, consultation_id, named=named):
        head: list[str | int] = [section.position, section.number, section.title]
        for group in groups:
            row += 1
            groups_written += 1
            decision = group.decision
            places = "; ".join(f"{org} ({', '.join(cells)})" for org, cells in group.places())
            write(row, [
                *head, group.id,
                strings.CLI_COMPILE_KIND.get(group.kind, group.kind),
                _cell_text(group.representative), group.people, places,
                ", ".join(i.member for i in group.items if i.member),
                "; ".join(f"{c}: {n}" for c, n in group.choices().items()),
                strings.OUTCOMES.get(decision.outcome, decision.outcome) if decision else "",
                _cell_text(decision.explanation) if decision else "",
                decision.decided_by if decision else "",
                decision.decided_at.astimezone(tz).strftime("%H:%M %d/%m/%Y")
                if decision else "",
                decision.version if decision else "",
                _cell_text("\n".join(group.passages())),
                _cell_text("\n".join(group.proposals())),
                document,
                "; ".join(f"{v}: {n}" for v, n in group.versions().items()),
            ])
        for original, proposed in loose.get(section.id, []):
            row += 1
            wording = strings.PROPOSAL_EXPORT.format(
                original=original, proposed=proposed, diff=diff_text(original, proposed))
            write(row, [*head, "", strings.REPORT_XLSX_PROPOSAL_KIND,
                        *[""] * 11, _cell_text(wording), document])
    return row, groups_written


async def _stance_sheet(
    book: Any, bold: Any, top: Any, wrapped: Any, session: AsyncSession, consultation_id: int,
    named: bool, title: str = strings.REPORT_XLSX_STANCES_SHEET,
) -> None:
    """The stances on the whole document: one row per stance with its count, then one row per
    comment written with a stance, so the sheet filters by its first column."""
    consultation = await session.get(Consultation, consultation_id)
    members = await session.scalar(select(func.count()).select_from(Member)) or 0
    tally = None if consultation is None else await stances.tally(session, consultation, members)
    if tally is None:
        return
    sheet = book.add_worksheet(title)
    for column, width in enumerate((22, 12, 30, 30, 25, 80)):
        sheet.set_column(column, column, width, wrapped if column == 5 else top)
    sheet.freeze_panes(1, 0)
    for column, header in enumerate(strings.REPORT_XLSX_STANCES_COLUMNS):
        sheet.write_string(0, column, header, bold)
    counts = [(label, tally.counts.get(label, 0)) for label in tally.labels]
    row = 0
    for label, count in [*counts, (strings.STANCE_NOT_GIVEN, tally.not_given)]:
        row += 1
        sheet.write_string(row, 0, label, top)
        sheet.write_number(row, 1, count, top)
    for comment in await stances.stance_comments(session, consultation_id, named=named):
        row += 1
        for column, value in enumerate((comment.stance, "", comment.organization, comment.cell,
                                        comment.member, _cell_text(comment.text))):
            sheet.write_string(row, column, value, wrapped if column == 5 else top)
