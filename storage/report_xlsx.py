"""The compiled report as a workbook: one row per group, in reading order (xlsxwriter).

Columns: content.strings.REPORT_XLSX_COLUMNS. Written as rows are made, in xlsxwriter's
constant_memory mode; the data is read one section at a time.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import BinaryIO

import xlsxwriter
from sqlalchemy.ext.asyncio import AsyncSession

from content import strings
from storage import compilation
from storage.export_rows import cell_text as _cell_text
from storage.exports import DEFAULT_TZ

WIDTHS = (8, 8, 40, 8, 14, 80, 8, 50, 40, 40, 18, 60, 20, 20, 6, 30)
COLUMNS = (*strings.REPORT_XLSX_COLUMNS, *strings.REPORT_XLSX_VERSION_COLUMNS)
WRAPPED = {2, 5, 7, 8, 9, 11}


async def write_xlsx(
    session: AsyncSession, out: BinaryIO, consultation_id: int, *, named: bool = False,
    tz: tzinfo = DEFAULT_TZ,
) -> int:
    """Write the workbook; returns the number of groups (rows)."""
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
        row = 0
        async for section, groups in compilation.sections_with_groups(
                session, consultation_id, named=named):
            for group in groups:
                row += 1
                decision = group.decision
                places = "; ".join(f"{org} ({', '.join(cells)})" for org, cells in group.places())
                values: list[str | int] = [
                    section.position, section.number, section.title, group.id,
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
                    "; ".join(f"{v}: {n}" for v, n in group.versions().items()),
                ]
                for column, value in enumerate(values):
                    style = wrapped if column in WRAPPED else top
                    if isinstance(value, int):
                        sheet.write_number(row, column, value, style)
                    else:
                        sheet.write_string(row, column, value, style)
        sheet.autofilter(0, 0, max(row, 1), len(COLUMNS) - 1)
    finally:
        book.close()
    return row
