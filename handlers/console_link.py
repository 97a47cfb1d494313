"""The web console's door: the Office or a secretary asks the bot for a one-time sign-in link."""

from __future__ import annotations

from content import strings
from handlers import fallback
from handlers.actions import ConsoleLink
from handlers.context import Context
from handlers.conversation import Kind, Outgoing, Reply
from handlers.dispatch import handles
from storage import web_access

SIGN_IN_PATH = "/dang-nhap"


def sign_in_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{SIGN_IN_PATH}?t={token}"


@handles(ConsoleLink)
async def console_link(ctx: Context, _: ConsoleLink) -> list[Outgoing]:
    """Plain members get what any unknown command or old button gets: nothing to learn."""
    if not web_access.may_use_console(ctx.member):
        if ctx.inbound.kind is Kind.COMMAND:
            return fallback.unknown_command(ctx)
        return fallback.stale_button()
    token = web_access.issue_link(ctx.session, ctx.member, ctx.now)
    minutes = int(web_access.LINK_LIFETIME.total_seconds() // 60)
    return [Reply(strings.CONSOLE_LINK.format(
        url=sign_in_url(ctx.web_base_url, token), minutes=minutes))]
