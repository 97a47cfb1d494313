"""Text helpers every channel shares: cutting long text to fit, folding diacritics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+")


Measure = Callable[[str], int]


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as JavaScript and APIs built on it count: a character
    outside the Basic Multilingual Plane (most emoji) is two."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """Cut text into pieces of at most `limit` (as `measure` counts), at paragraph, then
    sentence, then word boundaries; a word longer than `limit` is the only thing cut."""
    if limit < 2:  # two: a character outside the BMP must fit in one piece
        raise ValueError("limit must be at least 2")
    text = text.strip()
    if measure(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    for unit in _units(text, limit, measure):
        if pieces and measure(pieces[-1]) + measure(unit.sep) + measure(unit.text) <= limit:
            pieces[-1] += unit.sep + unit.text
        else:
            pieces.append(unit.text)
    return pieces


class _Unit:
    __slots__ = ("sep", "text")

    def __init__(self, text: str, sep: str) -> None:
        self.text, self.sep = text, sep


def _units(text: str, limit: int, measure: Measure) -> list[_Unit]:
    """Paragraphs, broken further into sentences and words only where too long."""
    units: list[_Unit] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if measure(paragraph) <= limit:
            units.append(_Unit(paragraph, "\n\n"))
            continue
        first = True
        for sentence in _SENTENCE_END.split(paragraph):
            for piece in _fit_words(sentence, limit, measure):
                units.append(_Unit(piece, "\n\n" if first else " "))
                first = False
    return units


def _fit_words(sentence: str, limit: int, measure: Measure) -> list[str]:
    if measure(sentence) <= limit:
        return [sentence]
    out: list[str] = []
    line = ""
    for word in sentence.split():
        while measure(word) > limit:  # a "word" longer than a whole message: it must be cut
            if line:
                out.append(line)
                line = ""
            head = _prefix(word, limit, measure)
            out.append(head)
            word = word[len(head):]
        if not line:
            line = word
        elif measure(line) + 1 + measure(word) <= limit:
            line += " " + word
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    return out


def _prefix(word: str, limit: int, measure: Measure) -> str:
    """The longest start of `word` that measures at most `limit` (never half a character)."""
    end = min(len(word), limit)
    while end > 1 and measure(word[:end]) > limit:
        end -= 1
    return word[:end]


def fold(text: str) -> str:
    """Lower case without diacritics, single-spaced: 'Mục lục' → 'muc luc'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.lower().split())


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
