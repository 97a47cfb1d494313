"""Answers for what the bot cannot use: stickers, unknown commands, stale or forged buttons."""

from __future__ import annotations

from content import strings
from handlers.context import Context
from handlers.conversation import Outgoing, Reply


def unsupported(ctx: Context) -> list[Outgoing]:
    what = strings.UNSUPPORTED.get(ctx.inbound.media, strings.UNSUPPORTED_OTHER)
    hint = strings.UNSUPPORTED_HINT if ctx.caps.buttons else strings.UNSUPPORTED_HINT_TYPED
    return [Reply(f"{what} {hint}")]


def unknown_command(ctx: Context) -> list[Outgoing]:
    command = "/" + ctx.inbound.command[:30]
    return [Reply(strings.UNKNOWN_COMMAND.format(command=command, hint=_help(ctx)))]


def stale_button() -> list[Outgoing]:
    return [Reply(strings.STALE_BUTTON)]


def help_text(ctx: Context | None = None) -> list[Outgoing]:
    return [Reply(_help(ctx))]


def _help(ctx: Context | None) -> str:
    """Where there are no buttons, the help lists the words that stand for them."""
    return strings.HELP_TYPED if ctx is not None and not ctx.caps.buttons else strings.HELP
