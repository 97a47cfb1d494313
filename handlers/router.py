"""Which action an event asks for: by who sent it, what kind it is and what it says."""

from __future__ import annotations

from content import strings
from content.text import fold
from handlers import (
    console_link,
    fallback,
    handover,
    member,
    office,
    onboarding,
    precise,
    proposals,
    roles,
    secretary,
    typed,
)
from handlers.actions import (
    Action,
    BadPayload,
    Contents,
    Documents,
    Finish,
    NextSection,
    PreviousSection,
    Review,
    parse,
)
from handlers.context import Context
from handlers.conversation import Kind, Outgoing, Reply
from handlers.dispatch import dispatch

# Importing a module registers its @handles handlers; these are all of them.
HANDLER_MODULES = (member, secretary, handover, office, console_link, precise, proposals)

# Typed words that work like buttons (Zalo has none); matched without diacritics.
WORDS: dict[str, Action] = {
    "muc luc": Contents(1),
    "tiep": NextSection(),
    "muc sau": NextSection(),
    "lai": PreviousSection(),
    "muc truoc": PreviousSection(),
    "xem lai": Review(),
    "xong": Finish(),
    "hoan thanh": Finish(),
    "van ban": Documents(),
    "chon van ban": Documents(),
}

COMMANDS: dict[str, Action] = {
    "mucluc": Contents(1),
    "xemlai": Review(),
    "hoanthanh": Finish(),
    "vanban": Documents(),
}


async def route(ctx: Context) -> list[Outgoing]:
    inbound = ctx.inbound
    if ctx.identity is None:
        return await onboarding.handle(ctx)
    if inbound.kind is Kind.UNSUPPORTED:
        return fallback.unsupported(ctx)
    if inbound.kind is Kind.CONTACT:
        m = ctx.member
        return [Reply(strings.ALREADY_LINKED.format(name=m.full_name, cell=m.cell.name))]
    if ctx.consultation is None:
        said = inbound.command.lower() if inbound.kind is Kind.COMMAND else ""
        if inbound.kind in (Kind.COMMAND, Kind.TEXT) and (
            action := roles.without_round(ctx, said, fold(inbound.text.strip()))
        ):
            return await act(ctx, action)
        return [Reply(strings.NO_CONSULTATION)]
    if inbound.kind is Kind.BUTTON:
        return await button(ctx, inbound.data)
    if inbound.kind is Kind.COMMAND:
        return await command(ctx)
    if inbound.kind is Kind.EDITED_TEXT:
        return await member.edited_text(ctx)
    if inbound.kind is Kind.SHARED:  # never a typed word or a number: a comment or an opinion
        if (section_id := secretary.awaiting_opinion(ctx)) is not None:
            return await secretary.opinion_text(ctx, section_id)
        return await member.comment_text(ctx)
    return await text(ctx)


async def command(ctx: Context) -> list[Outgoing]:
    name = ctx.inbound.command.lower()
    secretary.forget_pending(ctx)
    if (action := roles.command_action(ctx, name)) is not None:
        return await act(ctx, action)
    if name == "start":
        return await member.start(ctx)
    if name in ("help", "huongdan"):
        return fallback.help_text(ctx)
    if name in COMMANDS:
        return await act(ctx, COMMANDS[name])
    return fallback.unknown_command(ctx)


def _typed_word(ctx: Context, said: str) -> bool:
    """What a reply to a page still means as typed: a word that stands for a button, a
    secretary's pending opinion, or «đoạn N: …» (its own paragraph wins over the page)."""
    word = fold(said)
    return (word in WORDS or roles.word_action(ctx, word) is not None
            or secretary.awaiting_opinion(ctx) is not None
            or precise.paragraph_comment(said) is not None)


async def text(ctx: Context) -> list[Outgoing]:
    said = ctx.inbound.text.strip()
    if fold(said) not in WORDS and (answer := await proposals.pending(ctx)) is not None:
        return answer  # a step of a proposal (or the stance's comment) asked for just before
    if ctx.inbound.reply_to_message_id and not _typed_word(ctx, said):
        return await precise.on_reply(ctx)  # a reply to one of our messages: that page
    menu = (ctx.identity.last_menu if ctx.identity else None) or []
    if not ctx.caps.buttons and said.isdigit() and len(said) <= 3 and menu:
        number = int(said)
        if not 1 <= number <= len(menu) or menu[number - 1] is None:  # gaps: see numbered()
            return [Reply(strings.NUMBER_OUT_OF_RANGE.format(number=number))]
        return await button(ctx, str(menu[number - 1]))
    word = fold(said)
    if word in WORDS:
        return await act(ctx, WORDS[word])
    if (action := roles.word_action(ctx, word)) is not None:
        return await act(ctx, action)
    if (section_id := secretary.awaiting_opinion(ctx)) is not None:
        return await secretary.opinion_text(ctx, section_id)
    if typed.asks_help(word):
        return fallback.help_text(ctx)
    if (numbered := precise.paragraph_comment(said)) is not None:
        return await precise.on_paragraph(ctx, *numbered)
    if (action := await precise.word_action(ctx, typed.plain(word))) is not None:
        return await act(ctx, action)
    if (action := await typed.action(ctx, word)) is not None:
        return await act(ctx, action)
    return await member.comment_text(ctx)


async def button(ctx: Context, data: str) -> list[Outgoing]:
    """Payloads are untrusted input: one that does not parse is a stale (or forged) button."""
    try:
        action = parse(data)
    except BadPayload:
        secretary.forget_pending(ctx)
        return fallback.stale_button()
    return await act(ctx, action)


async def act(ctx: Context, action: Action) -> list[Outgoing]:
    """Any tap, command or word that stands for one cancels a pending opinion, then acts."""
    secretary.forget_pending(ctx)
    return await dispatch(ctx, action)
