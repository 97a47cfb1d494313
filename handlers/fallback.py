"""Answers for what the bot cannot use: stickers, unknown commands, stale or forged buttons."""

from __future__ import annotations

from bot.conversation import Outgoing, Reply
from content import strings
from handlers.context import Context


def unsupported(ctx: Context) -> list[Outgoing]:
    what = strings.UNSUPPORTED.get(ctx.inbound.media, strings.UNSUPPORTED_OTHER)
    return [Reply(f"{what} {strings.UNSUPPORTED_HINT}")]


def unknown_command(ctx: Context) -> list[Outgoing]:
    command = "/" + ctx.inbound.command[:30]
    return [Reply(strings.UNKNOWN_COMMAND.format(command=command, hint=strings.HELP))]


def stale_button() -> list[Outgoing]:
    return [Reply(strings.STALE_BUTTON)]


def help_text() -> list[Outgoing]:
    return [Reply(strings.HELP)]
