"""Styled text as Telegram's HTML (parse_mode="HTML"): the one place text from a draft or a
member is escaped, so nothing they typed can ever read as markup."""

from __future__ import annotations

import html
from collections.abc import Iterable

from handlers.styled import Span, Style, merged

# Telegram's tags for our styles (core.telegram.org/bots/api#html-style); plain has none.
TAGS = {Style.BOLD: "b", Style.ITALIC: "i", Style.STRIKE: "s", Style.QUOTE: "blockquote"}


def to_html(spans: Iterable[Span]) -> str:
    """Each span's text escaped (<, >, &), wrapped in its style's tag; neighbours in one style
    share a tag and empty spans get none (an empty tag shows nothing)."""
    out: list[str] = []
    for span in merged(spans):
        text = html.escape(span.text, quote=False)
        tag = TAGS.get(span.style)
        out.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return "".join(out)
