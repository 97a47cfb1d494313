"""Turn a draft converted from Word/PDF into the sections members comment on, one message each.

Heuristics, and why:

* Boundaries. The appendix starts at the first short line beginning "PHỤ LỤC": appendices are
  tables and lists nobody comments on section by section, so they are kept verbatim (tabs,
  empty cells and all). The draft starts at the first "(dự thảo …)" line or all-caps document
  title ("BÁO CÁO …", "NGHỊ QUYẾT …"); everything before it is the cover letter, including the
  draft's own letterhead when one follows the letter (seed lines 36–45): splitting the two would
  need a guess, and a wrong guess hides text. Without such a marker there is no cover letter.
* Title. The all-caps title block is shown in sentence case, with the "(dự thảo …)" line
  appended, since members should see which round they are commenting on.
* Units. Numbered items directly under a roman heading (or under a part, or at the top when
  the draft has neither) are the units: each is one topic, and the seed gives 23 of them.
  Deeper headings ("1.1.", "a)-") stay in the body with their printed numbers. A part or roman
  heading becomes a unit of its own only if it has text before its first child or no children
  at all, so no text is lost and no empty unit is shown. The closing signature
  ("BAN CHẤP HÀNH …") is ordinary text, so it ends the last unit.
* Keys come from positions in the tree, never from printed numbers, which are often wrong
  (the seed prints "II." twice and "4.2.2." twice); numbering problems become ParseIssues.
* A numbered line is a heading only if its text starts with a capital letter and it is short
  (< 200 chars) or continues the numbering at its level: real headings run to 440 chars, while
  figures ("2.589 đoàn viên") and list lines ("- 90% …") never start that way.
* A line starting with a lowercase letter (other than "a)") continues the last paragraph: a
  page break, even past footnotes dropped in between. It is glued without a space only when it
  starts with a vowel-less fragment that completes the previous syllable ("độn" + "g"); text
  lost at the break ("các" + "ng nghị quyết") cannot be repaired and is joined with a space.
* Footnote lines ("⁽¹⁾. …") are lifted out of the text and attached to the unit whose text holds
  their marker; a footnote ending in "," ";" or ":" continues on the next line if that line starts
  with "(" or a lowercase letter (seed footnote 13).
"""

import re
import unicodedata
from dataclasses import dataclass

from content import draft_text as dt
from content import strings
from content.draft_tree import Node, Note, TreeBuilder

PREAMBLE_TITLE = "Phần mở đầu"  # shown to members; the one user-visible string made here
_KEY_PREFIX = {"part": "p", "roman": "r", "item": "n"}


@dataclass(frozen=True)
class Footnote:
    """A footnote dropped between paragraphs, shown with the section that cites it."""

    mark: str
    text: str


@dataclass(frozen=True)
class DraftSection:
    """One commentable unit shown to members; key is its position in the tree."""

    key: str
    number: str
    title: str
    path: tuple[str, ...]
    body: str
    footnotes: tuple[Footnote, ...]


@dataclass(frozen=True)
class ParseIssue:
    """Something an editor should check in the source, with the line to look at."""

    line: int
    message: str


@dataclass(frozen=True)
class ParsedDraft:
    """Everything the app needs from one draft file."""

    title: str
    cover_letter: str
    preamble: str
    sections: tuple[DraftSection, ...]
    appendix: str
    issues: tuple[ParseIssue, ...]


class DraftParseError(ValueError):
    """The text has no structure to split into sections; line says where we looked."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def parse_draft(text: str) -> ParsedDraft:
    """Split a converted draft into cover letter, title, sections and appendix."""
    lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise DraftParseError(1, strings.PARSE_EMPTY)
    end = next((i for i, line in enumerate(lines) if _is_appendix(line)), len(lines))
    start = next((i for i in range(end) if _is_draft_start(dt.clean(lines[i]))), 0)
    title, body_at = _read_title(lines, start, end)
    builder = TreeBuilder(lines, body_at, end)
    root = builder.build()
    if not root.children:
        raise DraftParseError(
            body_at + 1, strings.PARSE_NO_HEADINGS.format(first=body_at + 1, last=end)
        )
    sections, issues = _sections(root, builder.notes)
    return ParsedDraft(
        title=title,
        cover_letter=_cover_letter(lines[:start]),
        preamble=_body(root),
        sections=sections,
        appendix="\n".join(lines[end:]).strip("\n"),
        issues=tuple(
            sorted(
                [ParseIssue(*issue) for issue in builder.issues] + issues,
                key=lambda issue: issue.line,
            )
        ),
    )


def _cover_letter(lines: list[str]) -> str:
    """Marks are dropped as in the draft; line breaks stay, as a letter's layout carries meaning."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(dt.clean(line) for line in lines)).strip()


def _is_appendix(line: str) -> bool:
    return len(line) < 120 and bool(dt.APPENDIX.match(dt.clean(line)))


def _is_draft_start(text: str) -> bool:
    if dt.DRAFT_VERSION.match(text):
        return True
    return len(text) < 150 and dt.is_all_caps(text) and bool(dt.DOCUMENT_TYPE.match(text))


def _read_title(lines: list[str], start: int, end: int) -> tuple[str, int]:
    """Read the title blocks at the draft start; return the title and where the text begins."""
    if not _is_draft_start(dt.clean(lines[start])):
        return "", start
    parts: list[str] = []
    version = ""
    i = start
    while i < end:
        while i < end and not lines[i].strip():
            i += 1
        block_end = i + 1  # a block ends at a blank line or where a heading starts
        while block_end < end and lines[block_end].strip() and not _ends_title(lines[block_end]):
            block_end += 1
        block = [dt.clean(line) for line in lines[i:block_end]]
        if not block:
            break
        if len(block) == 1 and dt.DRAFT_VERSION.match(block[0]):
            version = block[0]
        elif dt.is_all_caps(block[0]) and not _ends_title(block[0]):
            for line in block:
                parts.append(_title_line(line, first=not parts))
        else:
            break
        i = block_end
    return " ".join(filter(None, [" ".join(parts), version])), i


def _ends_title(line: str) -> bool:
    """A heading, a footnote or a paragraph-length line is draft text, never title."""
    text = dt.clean(line)
    return len(text) >= 150 or dt.looks_structural(text)


def _title_line(line: str, first: bool) -> str:
    cased = dt.sentence_case(line)
    return cased if first or cased == line else cased[:1].lower() + cased[1:]


def _body(node: Node) -> str:
    return "\n\n".join(node.paragraphs)


def _sections(root: Node, notes: list[Note]) -> tuple[tuple[DraftSection, ...], list[ParseIssue]]:
    """Flatten the tree into units and hand each footnote to the unit that cites it."""
    units: list[tuple[Node, str, tuple[str, ...]]] = []
    first_unit: dict[int, int] = {}

    def visit(node: Node, key: str, path: tuple[str, ...]) -> None:
        first_unit[id(node)] = len(units)
        if node.kind == "item" or (node.kind != "root" and (node.paragraphs or not node.children)):
            units.append((node, key, path))
        if node.kind == "root" and node.paragraphs:
            units.append((node, "preamble", ()))
        inner = path if node.kind in ("root", "item") else path + (node.label,)
        counts = dict.fromkeys(_KEY_PREFIX, 0)
        for child in node.children:
            counts[child.kind] += 1
            step = f"{_KEY_PREFIX[child.kind]}{counts[child.kind]}"
            visit(child, f"{key}.{step}" if key else step, inner)

    visit(root, "", ())
    issues = [
        ParseIssue(node.line, strings.PARSE_NO_TEXT.format(label=node.label))
        for node, _, _ in units
        if not node.paragraphs
    ]
    cited: dict[str, int] = {}
    for index, (node, _, _) in enumerate(units):
        for marker in dt.FOOTNOTE_MARKER.findall(f"{node.title}\n{_body(node)}"):
            cited.setdefault(marker[1:-1], index)
    attached: list[list[Footnote]] = [[] for _ in units]
    for note in notes:
        index = cited.get(note.superscript, -1)
        if index < 0:
            index = min(first_unit[id(note.node)], len(units) - 1)
            issues.append(ParseIssue(note.line, strings.PARSE_NOTE_UNCITED.format(mark=note.superscript)))
        attached[index].append(Footnote(dt.mark_digits(note.superscript), note.text))
    defined: set[str] = set()
    for note in notes:
        if note.superscript in defined:
            issues.append(ParseIssue(note.line, strings.PARSE_NOTE_TWICE.format(mark=note.superscript)))
        defined.add(note.superscript)
    for marker, index in cited.items():
        if marker not in defined:
            issues.append(
                ParseIssue(units[index][0].line, strings.PARSE_MARK_NO_NOTE.format(mark=marker))
            )
    sections = tuple(
        DraftSection(
            key=key,
            number="" if node.kind == "root" else node.number,
            title=PREAMBLE_TITLE if node.kind == "root" else node.title,
            path=path,
            body=_body(node),
            footnotes=tuple(attached[index]),
        )
        for index, (node, key, path) in enumerate(units)
    )
    return sections, issues
