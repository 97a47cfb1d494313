"""Which handler answers an event: by who sent it, what kind it is and what it says."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from content import strings
from content.text import fold
from handlers import fallback, member, office, onboarding, roles, secretary, typed
from handlers.context import Context
from handlers.conversation import Kind, Outgoing, Reply

Handler = Callable[[Context], Awaitable[list[Outgoing]]]
MAX_PAYLOAD_NUMBER_CHARS = 9  # 999,999,999 still fits PostgreSQL's INTEGER

# Typed words that work like buttons (Zalo has none); matched without diacritics.
WORDS: dict[str, str] = {
    "muc luc": "m:t:1",
    "tiep": "m:next",
    "muc sau": "m:next",
    "lai": "m:prev",
    "muc truoc": "m:prev",
    "xem lai": "m:r",
    "xong": "m:f",
    "hoan thanh": "m:f",
}

COMMANDS: dict[str, str] = {
    "mucluc": "m:t:1",
    "xemlai": "m:r",
    "hoanthanh": "m:f",
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
        return [Reply(strings.NO_CONSULTATION)]
    if inbound.kind is Kind.BUTTON:
        return await button(ctx, inbound.data)
    if inbound.kind is Kind.COMMAND:
        return await command(ctx)
    if inbound.kind is Kind.EDITED_TEXT:
        return await member.edited_text(ctx)
    return await text(ctx)


async def command(ctx: Context) -> list[Outgoing]:
    name = ctx.inbound.command.lower()
    secretary.forget_pending(ctx)
    if (payload := roles.command_payload(ctx, name)) is not None:
        return await button(ctx, payload)
    if name == "start":
        return await member.start(ctx)
    if name in ("help", "huongdan"):
        return fallback.help_text(ctx)
    if name in COMMANDS:
        return await button(ctx, COMMANDS[name])
    return fallback.unknown_command(ctx)


async def text(ctx: Context) -> list[Outgoing]:
    said = ctx.inbound.text.strip()
    menu = (ctx.identity.last_menu if ctx.identity else None) or []
    if not ctx.caps.buttons and said.isdigit() and len(said) <= 3 and menu:
        number = int(said)
        if not 1 <= number <= len(menu) or menu[number - 1] is None:  # gaps: see numbered()
            return [Reply(strings.NUMBER_OUT_OF_RANGE.format(number=number))]
        return await button(ctx, str(menu[number - 1]))
    word = fold(said)
    if word in WORDS:
        return await button(ctx, WORDS[word])
    if (payload := roles.word_payload(ctx, word)) is not None:
        return await button(ctx, payload)
    if (section_id := secretary.awaiting_opinion(ctx)) is not None:
        return await secretary.opinion_text(ctx, section_id)
    if (answer := await typed.answer(ctx, word)) is not None:
        return answer
    return await member.comment_text(ctx)


async def button(ctx: Context, data: str) -> list[Outgoing]:
    """Button payloads are untrusted input: anything malformed is a stale button."""
    parts = data.split(":")
    secretary.forget_pending(ctx)
    # Our payloads carry small numbers (ids, pages); a longer one is forged, and the
    # database would refuse it (SQLite: int64 overflow; PostgreSQL: int4 out of range).
    if any(len(part) > MAX_PAYLOAD_NUMBER_CHARS for part in parts[2:]):
        return fallback.stale_button()
    try:
        if parts[0] == "m":
            return await _member_button(ctx, parts[1:])
        if parts[0] == "s":
            return await secretary.button(ctx, parts[1:])
        if parts[0] == "o":
            return await office.button(ctx, parts[1:])
    except (ValueError, IndexError):
        pass
    return fallback.stale_button()


async def _member_button(ctx: Context, parts: list[str]) -> list[Outgoing]:
    action, args = parts[0], [int(p) for p in parts[1:]]
    if action == "p" and len(args) == 1:
        return await member.show(ctx, args[0])
    if action == "s" and len(args) == 2:
        return await member.show_page(ctx, args[0], args[1])
    if action == "c" and len(args) == 2:
        return await member.choose(ctx, args[0], args[1])
    if action == "t" and len(args) == 1:
        return await member.toc(ctx, args[0])
    if action == "x" and len(args) == 1:
        return await member.ask_clear(ctx, args[0])
    if action == "xy" and len(args) == 1:
        return await member.clear(ctx, args[0])
    if action in ("next", "prev") and not args:
        return await member.step(ctx, 1 if action == "next" else -1)
    if not args and action in _SIMPLE:
        return await _SIMPLE[action](ctx)
    return fallback.stale_button()


_SIMPLE: dict[str, Handler] = {
    "r": member.review,
    "f": member.finish,
    "fy": member.confirm,
    "go": member.start,
}
