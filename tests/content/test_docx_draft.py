"""A draft in Word reads as the same sections as its .txt: with heading styles, without them,
and with Word's own numbering in place of printed numbers."""

from __future__ import annotations

import io
import re

import docx

from content.docx_draft import docx_lines, read_docx
from content.draft_parser import parse_draft
from tests.conftest import SEED_DRAFT

ROMAN = re.compile(r"^(\*\*)?[IVX]+\.\s")
ITEM = re.compile(r"^(\*\*)?\d+\.\s")


def build(lines: list[str], *, headings: bool) -> bytes:
    """The .txt as Word would hold it: one paragraph per line, tab rows as table rows."""
    document = docx.Document()
    for line in lines:
        if "\t" in line:
            cells = line.split("\t")
            table = document.add_table(rows=1, cols=len(cells))
            for cell, text in zip(table.rows[0].cells, cells):
                cell.text = text
        elif headings and ROMAN.match(line):
            document.add_heading(line, level=1)
        elif headings and ITEM.match(line) and len(line) < 200:
            document.add_heading(line, level=2)
        else:
            document.add_paragraph(line)
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def shape(parsed: object) -> list[tuple[str, str, str]]:
    return [(s.number, s.title, s.body) for s in parsed.sections]  # type: ignore[attr-defined]


def test_with_and_without_heading_styles_the_23_sections_of_the_txt() -> None:
    text = SEED_DRAFT.read_text(encoding="utf-8")
    expected = parse_draft(text)
    assert len(expected.sections) == 23
    lines = text.replace("\r\n", "\n").split("\n")
    for headings in (True, False):
        found = read_docx(build(lines, headings=headings))
        assert len(found.sections) == 23
        assert shape(found) == shape(expected)
        assert found.title == expected.title


def test_word_numbering_is_put_back_in_front_of_its_lines() -> None:
    document = docx.Document()
    document.add_paragraph("BÁO CÁO CHÍNH TRỊ")
    for title in ("Về công tác chính trị, tư tưởng", "Về công tác tổ chức"):
        document.add_paragraph(title, style="List Number")
        document.add_paragraph("Nội dung của mục.")
    data = io.BytesIO()
    document.save(data)
    lines = docx_lines(data.getvalue())
    assert lines[1] == "1. Về công tác chính trị, tư tưởng"
    assert lines[3] == "2. Về công tác tổ chức"
    assert [s.title for s in read_docx(data.getvalue()).sections] == [
        "Về công tác chính trị, tư tưởng", "Về công tác tổ chức"]
