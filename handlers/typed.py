"""Typed words that do what a member's buttons do, for channels without buttons (Zalo).

Fixed words like "mục lục" map to actions in handlers/router.py; the words here
depend on where the member is: a choice named on the section being read, the next
page of a long section, "mục 5". All are matched without diacritics or punctuation.
"""

from __future__ import annotations

import re

from content.text import fold
from handlers import views
from handlers.actions import (
    Action,
    AskClear,
    Choose,
    Confirm,
    NextSection,
    OpenSection,
    Resume,
    Review,
    ShowPage,
)
from handlers.context import Context
from storage import comments as store
from storage.consultations import section_at
from storage.models import Section

SECTION = re.compile(r"^(?:muc|m) ?(\d{1,3})$")
READ_ON = frozenset({"doc tiep", "doan sau"})
CLEAR = frozenset({"xoa", "xoa y kien", "xoa y kien da go"})
HELP = frozenset({"huong dan", "tro giup", "giup", "help"})
PHRASES: dict[str, Action] = {
    "bat dau": OpenSection(1),
    "tiep tuc": Resume(),
    "xem y kien": Review(),
    "xac nhan": Confirm(),
}


def plain(text: str) -> str:
    """'Nhất trí, có ý kiến bổ sung!' → 'nhat tri co y kien bo sung'."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def asks_help(word: str) -> bool:
    return plain(word) in HELP


async def action(ctx: Context, word: str) -> Action | None:
    """The action `word` (already folded) stands for; None when it is a comment."""
    word = plain(word)
    if ctx.consultation is None or not word:
        return None
    if match := SECTION.match(word):
        return OpenSection(int(match.group(1)))
    if word in PHRASES:
        return PHRASES[word]
    choices = [plain(label) for label in views.choice_labels(ctx.consultation)]
    if word not in choices and word not in READ_ON and word not in CLEAR:
        return None
    section, page = await _current(ctx)
    if section is None:
        return None  # not reading a section: member.comment_text says what to do
    if word in READ_ON:
        pages = len(views.section_pages(section, ctx.caps))
        return ShowPage(section.id, page + 1) if page < pages else NextSection()
    if word in CLEAR:
        return AskClear(section.id)
    return Choose(section.id, choices.index(word))


async def _current(ctx: Context) -> tuple[Section | None, int]:
    """The section (and page) the member has open, from their saved place."""
    assert ctx.consultation is not None
    progress = await store.get_progress(ctx.session, ctx.member.id, ctx.consultation.id)
    if progress is None:
        return None, 1
    section = await section_at(ctx.session, ctx.consultation.id, progress.section_position)
    return section, progress.page
