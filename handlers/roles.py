"""Who may do what: the roster's role decides; others never see a role's commands or buttons."""

from __future__ import annotations

from content import strings
from handlers.context import Context
from handlers.conversation import Button
from handlers.views import cb
from storage.models import Member, Role

# Commands and typed words (for channels without buttons), per role; anyone else gets
# the answer for an unknown command, and the typed word is just text to them.
COMMANDS: dict[Role, dict[str, str]] = {
    Role.SECRETARY: {"tiendo": cb("s", "p", 1), "xuat": cb("s", "d")},
    Role.OFFICE: {"tonghop": cb("o", "v", 1), "xuat": cb("o", "e")},
}
WORDS: dict[Role, dict[str, str]] = {
    Role.SECRETARY: {"tien do": cb("s", "p", 1), "tien do chi bo": cb("s", "p", 1)},
    Role.OFFICE: {"tong hop": cb("o", "v", 1)},
}


def has_role(ctx: Context, role: Role) -> bool:
    return ctx.identity is not None and ctx.member.role == role


def command_payload(ctx: Context, name: str) -> str | None:
    if ctx.identity is None:
        return None
    return COMMANDS.get(Role(ctx.member.role), {}).get(name)


def word_payload(ctx: Context, folded: str) -> str | None:
    if ctx.identity is None:
        return None
    return WORDS.get(Role(ctx.member.role), {}).get(folded)


def entry_rows(member: Member) -> tuple[tuple[Button, ...], ...]:
    """The extra button under /start that leads a secretary or the Office to their menu."""
    if member.role == Role.SECRETARY:
        return ((Button(strings.BTN_CELL_PROGRESS, cb("s", "p", 1)),),)
    if member.role == Role.OFFICE:
        return ((Button(strings.BTN_OVERVIEW, cb("o", "v", 1)),),)
    return ()
