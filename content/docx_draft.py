"""A draft written in Word: its paragraphs (and table rows) as the text lines parse_draft reads,
with the numbers Word prints from its own numbering put back in front of their lines."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from content import draft_text as dt
from content import strings
from content.draft_parser import DraftParseError, ParsedDraft, parse_draft

_PLACEHOLDER = re.compile(r"%(\d)")


def read_draft_file(path: Path) -> ParsedDraft:
    """A draft as uploaded: .docx through Word's structure, anything else as UTF-8 text;
    raises DraftParseError (line 0 when the file itself cannot be read)."""
    try:
        if path.suffix.lower() == ".docx":
            return read_docx(path)
        return parse_draft(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError) as e:
        if isinstance(e, DraftParseError):
            raise
        raise DraftParseError(0, strings.WEB_DRAFT_BAD_FILE) from e


def read_docx(source: bytes | Path) -> ParsedDraft:
    """The sections of a .docx draft, exactly as if its text had been saved as .txt."""
    return parse_draft("\n".join(docx_lines(source)))


def docx_lines(source: bytes | Path) -> list[str]:
    """One line per paragraph, in reading order; a table row is its cells joined by tabs."""
    data = source.read_bytes() if isinstance(source, Path) else source
    document: Document = docx.Document(io.BytesIO(data))
    numbers = _Numbering(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += ["\t".join(_unique_cells(row.cells)) for row in block.rows]
            continue
        label = numbers.label(block)
        text = block.text
        lines.append(f"{label} {text}" if label and not text.startswith(label) else text)
    return lines


def _unique_cells(cells: Any) -> list[str]:
    """A merged cell appears once per grid column it spans; keep it once."""
    found: list[str] = []
    seen: set[int] = set()
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            found.append(cell.text.replace("\n", " "))
    return found


@dataclass
class _Numbering:
    """Word's automatic numbers ("1.", "I.", "a)") counted the way Word counts them."""

    document: Document
    counters: dict[str, list[int]] = field(default_factory=dict)  # abstract numbering → levels

    def label(self, paragraph: Paragraph) -> str:
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, level = found
        abstract = self._abstract(num_id)
        if abstract is None:
            return ""
        levels = {int(lvl.get(qn("w:ilvl"))): lvl for lvl in abstract.findall(qn("w:lvl"))}
        if level not in levels:
            return ""
        key = abstract.get(qn("w:abstractNumId")) or num_id
        counts = self.counters.setdefault(key, [0] * 9)
        counts[level] += 1
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        shown = []
        for depth in range(level + 1):
            lvl = levels.get(depth)
            start = int(_val(lvl, "w:start") or 1) if lvl is not None else 1
            shown.append(_format(max(counts[depth], 1) + start - 1, _val(lvl, "w:numFmt")))
        text = _val(levels[level], "w:lvlText") or ""
        if _val(levels[level], "w:numFmt") == "bullet":
            return "-"
        return _PLACEHOLDER.sub(lambda m: shown[int(m.group(1)) - 1]
                                if int(m.group(1)) <= len(shown) else "", text).strip()

    def _num_pr(self, paragraph: Paragraph) -> tuple[str, int] | None:
        """The paragraph's own numbering, else its style's (heading styles often carry one)."""
        holders = [paragraph._p.pPr]
        style = paragraph.style
        while style is not None:
            holders.append(style.element.pPr)
            style = style.base_style
        for p_pr in holders:
            num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
            if num_pr is None:
                continue
            num_id = _val(num_pr, "w:numId")
            if num_id is None or num_id == "0":
                return None  # numbering switched off on purpose
            return num_id, int(_val(num_pr, "w:ilvl") or 0)
        return None

    def _abstract(self, num_id: str) -> Any | None:
        try:
            numbering = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return None
        for num in numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == num_id:
                abstract_id = _val(num, "w:abstractNumId")
                for abstract in numbering.findall(qn("w:abstractNum")):
                    if abstract.get(qn("w:abstractNumId")) == abstract_id:
                        return abstract
        return None


def _val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _format(value: int, kind: str | None) -> str:
    match kind:
        case "upperRoman":
            return dt.to_roman(value)
        case "lowerRoman":
            return dt.to_roman(value).lower()
        case "upperLetter":
            return chr(ord("A") + (value - 1) % 26)
        case "lowerLetter":
            return chr(ord("a") + (value - 1) % 26)
        case _:
            return str(value)
