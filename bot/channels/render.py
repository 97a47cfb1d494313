"""Replies as plain text for channels without buttons: choices become numbered lines."""

from __future__ import annotations

from collections.abc import Sequence

from content import strings
from content.text import Measure, split_text
from handlers.conversation import Button, Reply, numbered

NUMBERS_PER_LINE = 10  # section numbers in the table of contents, "1 · 2 · 3 …"


def menu_lines(buttons: Sequence[Button]) -> list[str]:
    """'1 – Nhất trí' for each choice; buttons that are a bare number show just the number."""
    if not buttons:
        return []
    lines = [strings.CHOOSE_BY_NUMBER]
    bare: list[str] = []
    for number, button in numbered(buttons):
        if button.label.strip() == str(number):
            bare.append(str(number))
            continue
        if bare:
            lines += _rows(bare)
            bare = []
        lines.append(f"{number} – {button.label}")
    return lines + _rows(bare)


def render(reply: Reply) -> str:
    """The whole reply as one text, for the terminal and `gopy draft show`."""
    lines = [reply.text] if reply.text else []
    menu = menu_lines(reply.all_buttons())
    if menu:
        lines += ["", *menu]
    if reply.document is not None:
        document = reply.document
        lines.append(strings.RENDER_DOCUMENT.format(name=document.filename, size=len(document.content)))
    return "\n".join(lines)


def render_pieces(
    text: str, buttons: Sequence[Button], limit: int, measure: Measure = len
) -> list[str]:
    """Messages of at most `limit` (as `measure` counts): the text cut at paragraph or sentence
    boundaries, the numbered choices in the last piece (or after it when they do not fit)."""
    pieces = split_text(text, limit, measure)
    menu = menu_lines(buttons)
    if not menu:
        return pieces
    block = "\n".join(menu)
    if measure(block) > limit:  # a very long menu: whole lines per message
        return pieces + _pack(menu, limit, measure)
    if pieces and measure(pieces[-1]) + 2 + measure(block) <= limit:
        pieces[-1] = f"{pieces[-1]}\n\n{block}"
    else:
        pieces.append(block)
    return pieces


def _rows(numbers: list[str]) -> list[str]:
    return [
        " · ".join(numbers[i : i + NUMBERS_PER_LINE])
        for i in range(0, len(numbers), NUMBERS_PER_LINE)
    ]


def _pack(lines: list[str], limit: int, measure: Measure) -> list[str]:
    out: list[str] = []
    for line in lines:
        for part in split_text(line, limit, measure):
            if out and measure(out[-1]) + 1 + measure(part) <= limit:
                out[-1] += "\n" + part
            else:
                out.append(part)
    return out
