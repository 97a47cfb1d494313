"""Styled text as Telegram's HTML (parse_mode="HTML"): the one place text from a draft or a
member is escaped, so nothing they typed can ever read as markup."""

from __future__ import annotations

import html
from collections.abc import Iterable

from handlers.styled import Span, Style

# Telegram's tags for our styles (core.telegram.org/bots/api#html-style); plain has none.
TAGS = {Style.BOLD: "b", Style.ITALIC: "i", Style.QUOTE: "blockquote"}


def to_html(spans: Iterable[Span]) -> str:
    """Each span's text escaped (<, >, &), wrapped in its style's tag."""
    out: list[str] = []
    for span in spans:
        if not span.text:
            continue  # an empty tag shows nothing and makes no entity: leave it out
        text = html.escape(span.text, quote=False)
        tag = TAGS.get(span.style)
        out.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return "".join(out)
