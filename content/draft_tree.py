"""Grow the heading tree of a draft body in one pass over its lines, noting numbering problems."""

import re
from dataclasses import dataclass, field

from content import draft_text as dt
from content import strings

HEADING_MAX = 200  # longer lines are headings only when they continue the numbering


@dataclass
class Node:
    """A heading and the text under it; the root holds the preamble."""

    kind: str  # "root", "part", "roman" or "item"
    number: str
    title: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the heading reads in a path and in messages."""
        if self.kind == "part":
            return f"{self.number}: {self.title}" if self.title else self.number
        return f"{self.number}. {self.title}"


@dataclass
class Note:
    """A footnote line, remembered with the node it was printed in for when nobody cites it."""

    superscript: str
    text: str
    line: int
    node: Node


class TreeBuilder:
    """Walk the draft lines once, growing the heading tree and noting numbering problems."""

    def __init__(self, lines: list[str], start: int, end: int) -> None:
        self.lines, self.i, self.end = lines, start, end
        self.root = Node("root", "", "", start + 1)
        self.part: Node | None = None
        self.roman: Node | None = None
        self.item: Node | None = None
        self.numbers: list[tuple[int, int]] = []  # (number, line) per printed depth, e.g. 4.2.2
        self.last_roman: tuple[int, int] = (0, 0)
        # The paragraphs whose last one a page break may continue; None right after a heading.
        self.joinable: list[str] | None = None
        self.last_note: Note | None = None
        self.notes: list[Note] = []
        self.issues: list[tuple[int, str]] = []  # (line, message)

    @property
    def container(self) -> Node:
        return self.item or self.roman or self.part or self.root

    def build(self) -> Node:
        while self.i < self.end:
            text, line_no = dt.clean(self.lines[self.i]), self.i + 1
            self.i += 1
            if text:
                self._feed(text, line_no)
        return self.root

    def _feed(self, text: str, line_no: int) -> None:
        note, self.last_note = self.last_note, None
        if match := dt.FOOTNOTE_LINE.match(text):
            self.last_note = Note(match["mark"], match["text"], line_no, self.container)
            self.notes.append(self.last_note)
        elif note and note.text.endswith((",", ";", ":")) and (text[0] == "(" or text[0].islower()):
            note.text = f"{note.text} {text}"
            self.last_note = note
        elif (match := dt.PART.match(text)) and len(text) < HEADING_MAX:
            self._open_part(dt.sentence_case(match["label"]), match["title"], line_no)
        elif (match := dt.ROMAN.match(text)) and self._is_roman(match["number"], match["title"]):
            self._open_roman(match["number"], match["title"], line_no)
        elif (match := dt.NUMBERED.match(text)) and self._is_numbered(match, text):
            self._numbered(match["number"], match["title"], text, line_no)
        elif dt.LETTERED.match(text):
            self.container.paragraphs.append(text)
            self.joinable = None
        elif text[0].islower() and self.joinable:
            self.joinable[-1] = dt.join_broken(self.joinable[-1], text)
        else:
            self.container.paragraphs.append(text)
            self.joinable = self.container.paragraphs

    def _open_part(self, label: str, title: str | None, line_no: int) -> None:
        if not title:  # the title is the next block of lines, if it is not itself a heading
            block: list[str] = []
            while self.i < self.end and not self.lines[self.i].strip():
                self.i += 1
            while self.i < self.end and (line := dt.clean(self.lines[self.i])):
                if len(line) >= HEADING_MAX or dt.looks_structural(line):
                    break
                block.append(line)
                self.i += 1
            title = " ".join(block)
        self.part = Node("part", label, dt.sentence_case(title), line_no)
        self.root.children.append(self.part)
        self.roman = self.item = self.joinable = None
        self.last_roman, self.numbers = (0, 0), []

    def _is_roman(self, numeral: str, title: str) -> bool:
        return bool(dt.roman_value(numeral)) and dt.starts_upper(title) and len(title) < HEADING_MAX

    def _open_roman(self, numeral: str, title: str, line_no: int) -> None:
        value = dt.roman_value(numeral) or 0
        parent = self.part or self.root
        where = strings.PARSE_UNDER.format(parent=parent.number) if self.part else strings.PARSE_AT_TOP
        before = f"«{dt.to_roman(self.last_roman[0])}.»"
        self._check(f"{numeral}.", value, self.last_roman, before, where, line_no)
        self.last_roman = (value, line_no)
        self.roman = Node("roman", numeral, _heading_title(title), line_no)
        parent.children.append(self.roman)
        self.item = self.joinable = None
        self.numbers = []

    def _is_numbered(self, match: re.Match[str], text: str) -> bool:
        number, sep, title = match["number"], match["sep"], match["title"]
        if ("." not in number and not sep.strip()) or not dt.starts_upper(title):
            return False
        parts = [int(part) for part in number.split(".")]
        previous = self._previous_sibling(parts)
        return len(text) < HEADING_MAX or (previous is not None and parts[-1] == previous[0] + 1)

    def _previous_sibling(self, parts: list[int]) -> tuple[int, int] | None:
        """Last heading at the same depth under the same parent, (0, 0) if none, None if lost."""
        depth = len(parts)
        if [n for n, _ in self.numbers[: depth - 1]] != parts[:-1]:
            return None
        return self.numbers[depth - 1] if len(self.numbers) >= depth else (0, 0)

    def _numbered(self, number: str, title: str, text: str, line_no: int) -> None:
        parts = [int(part) for part in number.split(".")]
        prefix = number.rsplit(".", 1)[0] + "." if len(parts) > 1 else ""
        previous = self._previous_sibling(parts)
        if previous is None:
            self._issue(line_no, strings.PARSE_NOT_UNDER.format(number=f"{number}.", prefix=prefix))
        else:
            where = strings.PARSE_AT_TOP
            if prefix:
                where = strings.PARSE_UNDER.format(parent=prefix)
            elif self.roman:
                where = strings.PARSE_UNDER.format(parent=f"{self.roman.number}.")
            elif self.part:
                where = strings.PARSE_UNDER.format(parent=self.part.number)
            before = f"«{prefix}{previous[0]}.»"
            self._check(f"{number}.", parts[-1], previous, before, where, line_no)
        self.numbers = [(n, line_no) for n in parts]
        self.joinable = None
        if prefix:
            self.container.paragraphs.append(text)
            return
        self.item = Node("item", number, _heading_title(title), line_no)
        (self.roman or self.part or self.root).children.append(self.item)

    def _check(
        self,
        printed: str,
        value: int,
        previous: tuple[int, int],
        before: str,
        where: str,
        line_no: int,
    ) -> None:
        """Report a repeated, skipped or backward number; the structure is kept either way."""
        if value == previous[0]:
            self._issue(line_no, strings.PARSE_REPEATS.format(printed=printed, where=where, line=previous[1]))
        elif value > previous[0] + 1 and not previous[0]:
            self._issue(line_no, strings.PARSE_FIRST_SKIPS.format(printed=printed, where=where))
        elif value > previous[0] + 1:
            self._issue(line_no, strings.PARSE_SKIPS.format(printed=printed, before=before, where=where))
        elif value < previous[0]:
            self._issue(line_no, strings.PARSE_GOES_BACK.format(printed=printed, before=before, where=where))

    def _issue(self, line_no: int, message: str) -> None:
        self.issues.append((line_no, message))


def _heading_title(title: str) -> str:
    """A title shown on its own needs no closing "." or ":" and no shouting capitals."""
    title = dt.sentence_case(title)
    return title[:-1].rstrip() if title.endswith((".", ":")) and not title.endswith("..") else title
