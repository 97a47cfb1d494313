"""Text helpers every channel shares: cutting long text to fit, folding diacritics."""

from __future__ import annotations

import re
import unicodedata

_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+")


def split_text(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit` characters, at paragraph, then
    sentence, then word boundaries; a word longer than `limit` is the only thing cut."""
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    for unit in _units(text, limit):
        if pieces and len(pieces[-1]) + len(unit.sep) + len(unit.text) <= limit:
            pieces[-1] += unit.sep + unit.text
        else:
            pieces.append(unit.text)
    return pieces


class _Unit:
    __slots__ = ("sep", "text")

    def __init__(self, text: str, sep: str) -> None:
        self.text, self.sep = text, sep


def _units(text: str, limit: int) -> list[_Unit]:
    """Paragraphs, broken further into sentences and words only where too long."""
    units: list[_Unit] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= limit:
            units.append(_Unit(paragraph, "\n\n"))
            continue
        first = True
        for sentence in _SENTENCE_END.split(paragraph):
            for piece in _fit_words(sentence, limit):
                units.append(_Unit(piece, "\n\n" if first else " "))
                first = False
    return units


def _fit_words(sentence: str, limit: int) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    out: list[str] = []
    line = ""
    for word in sentence.split():
        while len(word) > limit:  # a "word" longer than a whole message: no choice but to cut
            if line:
                out.append(line)
                line = ""
            out.append(word[:limit])
            word = word[limit:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= limit:
            line += " " + word
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    return out


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
