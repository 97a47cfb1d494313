"""Proving who you are: a shared phone number or a personal code; nobody else gets in."""

from __future__ import annotations

import re

from content import strings
from handlers import member as member_flow
from handlers.context import Context
from handlers.conversation import Kind, Outgoing, Reply
from storage import identities
from storage.models import Member
from storage.phones import normalize_phone

CODE = re.compile(r"^\s*(\d[\d\s.-]{6,14}\d)\s*$")
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "thử nghiệm"}


def looks_like_code(text: str) -> str | None:
    match = CODE.match(text)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group(1))
    return digits if len(digits) == 8 else None


async def handle(ctx: Context) -> list[Outgoing]:
    """Everything an account not yet linked to the roster can do."""
    inbound = ctx.inbound
    if inbound.kind is Kind.CONTACT:
        return await _by_contact(ctx)
    candidate = inbound.text if inbound.kind in (Kind.TEXT, Kind.COMMAND) else ""
    code = looks_like_code(candidate)
    if code:
        return await _by_code(ctx, code)
    return [welcome(ctx)]


def welcome(ctx: Context) -> Reply:
    if ctx.caps.contact:
        return Reply(strings.WELCOME_UNKNOWN.format(share=strings.BTN_SHARE_PHONE), ask_contact=True)
    return Reply(strings.WELCOME_UNKNOWN_CODE_ONLY)


async def _by_contact(ctx: Context) -> list[Outgoing]:
    inbound = ctx.inbound
    # Telegram lets anyone forward someone else's contact card: only one's own counts.
    if not inbound.contact_user_id or inbound.contact_user_id != inbound.user_id:
        return [
            Reply(strings.CONTACT_NOT_OWN.format(share=strings.BTN_SHARE_PHONE), ask_contact=True)
        ]
    phone = normalize_phone(inbound.contact_phone)
    member = await identities.member_by_phone(ctx.session, phone) if phone else None
    if member is None:
        shown = phone or inbound.contact_phone[:20]
        return [Reply(strings.NOT_ON_ROSTER.format(phone=shown), ask_contact=ctx.caps.contact)]
    return await _linked(ctx, member, how="contact")


async def _by_code(ctx: Context, code: str) -> list[Outgoing]:
    inbound = ctx.inbound
    failures = await identities.recent_failures(ctx.session, inbound.channel, inbound.user_id, ctx.now)
    if failures >= identities.MAX_FAILED_CODES_PER_HOUR:
        return [Reply(strings.TOO_MANY_ATTEMPTS)]
    member = await identities.member_by_code(ctx.session, code)
    if member is None:
        identities.record_failure(ctx.session, inbound.channel, inbound.user_id, ctx.now)
        return [Reply(strings.CODE_WRONG.format(code=code))]
    # A code links one account per channel; a second account needs a new code from the Office.
    existing = await identities.identity_of(ctx.session, member.id, inbound.channel)
    if existing is not None and existing.user_id != inbound.user_id:
        identities.record_failure(ctx.session, inbound.channel, inbound.user_id, ctx.now)
        channel = CHANNEL_NAMES.get(inbound.channel, inbound.channel)
        return [Reply(strings.CODE_USED.format(channel=channel))]
    return await _linked(ctx, member, how="code")


async def _linked(ctx: Context, member: Member, *, how: str) -> list[Outgoing]:
    inbound = ctx.inbound
    ctx.identity = await identities.link(
        ctx.session,
        member=member,
        channel=inbound.channel,
        user_id=inbound.user_id,
        chat_id=inbound.chat_id,
        how=how,
        now=ctx.now,
    )
    cell = member.cell
    text = strings.LINKED.format(
        name=member.full_name, cell=cell.name, organization=cell.organization.name
    )
    linked = Reply(text, clear_keyboard=True)
    if ctx.consultation is None:
        return [linked]
    return [linked, *await member_flow.start(ctx)]
