"""Who may do what: the roster's role decides; others never see a role's commands or buttons."""

from __future__ import annotations

from content import strings
from handlers.actions import (
    Action,
    ConsoleLink,
    DownloadCell,
    ExportMenu,
    Overview,
    ProgressPage,
)
from handlers.context import Context
from handlers.conversation import Button
from storage.models import Member, Role

# Commands and typed words (for channels without buttons), per role; anyone else gets
# the answer for an unknown command, and the typed word is just text to them.
COMMANDS: dict[Role, dict[str, Action]] = {
    Role.SECRETARY: {"tiendo": ProgressPage(1), "xuat": DownloadCell(), "web": ConsoleLink()},
    Role.OFFICE: {"tonghop": Overview(1), "xuat": ExportMenu(), "web": ConsoleLink()},
}
WORDS: dict[Role, dict[str, Action]] = {
    Role.SECRETARY: {"tien do": ProgressPage(1), "tien do chi bo": ProgressPage(1),
                     "trang quan tri": ConsoleLink()},
    Role.OFFICE: {"tong hop": Overview(1), "trang quan tri": ConsoleLink()},
}
# Asked for before any round exists: the Office opens the first round in the console.
WITHOUT_ROUND = (ConsoleLink,)


def has_role(ctx: Context, role: Role) -> bool:
    return ctx.identity is not None and ctx.member.role == role


def command_action(ctx: Context, name: str) -> Action | None:
    if ctx.identity is None:
        return None
    return COMMANDS.get(Role(ctx.member.role), {}).get(name)


def word_action(ctx: Context, folded: str) -> Action | None:
    if ctx.identity is None:
        return None
    return WORDS.get(Role(ctx.member.role), {}).get(folded)


def without_round(ctx: Context, command: str, folded: str) -> Action | None:
    """A role's command or word that works even when no round is open yet."""
    action = command_action(ctx, command) if command else word_action(ctx, folded)
    return action if isinstance(action, WITHOUT_ROUND) else None


def entry_rows(member: Member) -> tuple[tuple[Button, ...], ...]:
    """The extra button under /start that leads a secretary or the Office to their menu."""
    if member.role == Role.SECRETARY:
        return ((Button.to(strings.BTN_CELL_PROGRESS, ProgressPage(1)),),)
    if member.role == Role.OFFICE:
        return ((Button.to(strings.BTN_OVERVIEW, Overview(1)),),)
    return ()
