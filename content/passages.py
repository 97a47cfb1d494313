"""Passages of a section: its paragraphs by number, quotes found in it, word-level changes.

Vietnamese is written in syllables separated by spaces; a word change is a change of whole
space-separated tokens, never of characters inside one ("quản lý" → "quản trị" changes one
token, not the letters "lý" → "trị").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

_BLANK_LINE = re.compile(r"\n\s*\n")
_MARKS = re.compile(r"\*+")  # bold/italic marks left by the conversion from Word


def paragraphs(body: str) -> list[str]:
    """The section's paragraphs in order; number n is paragraphs(body)[n - 1]."""
    return [p.strip() for p in _BLANK_LINE.split(body) if p.strip()]


def _flat(text: str) -> str:
    """Text as a quote is compared: NFC, no bold/italic marks, single spaces, any quotes alike."""
    text = unicodedata.normalize("NFC", _MARKS.sub("", text))
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return " ".join(text.split())


def quoted_in(quote: str, text: str) -> bool:
    """Whether `quote` is a passage of `text` (spacing, line breaks and marks aside)."""
    flat = _flat(quote)
    return bool(flat) and flat in _flat(text)


def paragraph_of(quote: str, body: str) -> int | None:
    """The number of the paragraph that holds the whole quote, if one does."""
    for number, paragraph in enumerate(paragraphs(body), start=1):
        if quoted_in(quote, paragraph):
            return number
    return None


def paragraphs_in(page: str, body: str) -> list[int]:
    """Numbers of the paragraphs shown (wholly or in part) on a page of the section."""
    shown = _flat(page)
    found = []
    for number, paragraph in enumerate(paragraphs(body), start=1):
        flat = _flat(paragraph)
        words = flat.split()
        # A page is cut at paragraphs, then sentences: a paragraph it shows in part shows
        # its first or its last words, or holds the whole page.
        if shown in flat or " ".join(words[:4]) in shown or " ".join(words[-4:]) in shown:
            found.append(number)
    return found


def numbered(body: str) -> str:
    """The section's text with each paragraph numbered: '[1] …', blank line, '[2] …'."""
    return "\n\n".join(f"[{n}] {p}" for n, p in enumerate(paragraphs(body), start=1))


@dataclass(frozen=True)
class Change:
    """One run of the word-level difference: kept, removed or added words."""

    op: str  # "keep" | "remove" | "add"
    words: str


def word_diff(original: str, proposed: str) -> list[Change]:
    """The difference between two wordings, token by token (whole Vietnamese syllables)."""
    old, new = original.split(), proposed.split()
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.append(Change("keep", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            changes.append(Change("remove", " ".join(old[i1:i2])))
        if j2 > j1:
            changes.append(Change("add", " ".join(new[j1:j2])))
    return changes


def diff_text(original: str, proposed: str) -> str:
    """The difference as plain text for people and spreadsheets: [-removed-] {+added+}."""
    marks = {"keep": "{}", "remove": "[-{}-]", "add": "{{+{}+}}"}
    return " ".join(marks[c.op].format(c.words) for c in word_diff(original, proposed))
