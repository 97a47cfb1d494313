"""Text with a document's shape (bold, italics, a quote) that every channel can show:
handlers build spans, each channel renders them (Telegram as HTML, the others as plain text)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class Style(enum.StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    STRIKE = "strike"  # words a next version of the draft took out
    QUOTE = "quote"  # a block quotation: start it at a line's start, end it at a line's end


@dataclass(frozen=True)
class Span:
    """A run of text in one style; the text is exactly what a reader sees, never markup."""

    text: str
    style: Style = Style.PLAIN


Styled = tuple[Span, ...]
Line = str | Span | Sequence[Span]  # a plain line, one styled line, or a line of several spans


def plain(spans: Iterable[Span]) -> str:
    """What a channel without styles shows: the spans' text, nothing added, nothing lost."""
    return "".join(span.text for span in spans)


def join_lines(lines: Iterable[Line]) -> Styled:
    """Lines joined by newlines as "\\n".join would, each span keeping its style; empty spans
    are dropped and neighbours in the same style merged, so equal texts render alike."""
    spans: list[Span] = []
    for index, line in enumerate(lines):
        if index:
            spans.append(Span("\n"))
        if isinstance(line, str):
            spans.append(Span(line))
        elif isinstance(line, Span):
            spans.append(line)
        else:
            spans.extend(line)
    return merged(spans)


def merged(spans: Iterable[Span]) -> Styled:
    out: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if out and out[-1].style == span.style:
            out[-1] = Span(out[-1].text + span.text, span.style)
        else:
            out.append(span)
    return tuple(out)
