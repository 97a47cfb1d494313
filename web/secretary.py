"""A secretary's steps from the console (nudge the cell, submit it, reopen it), run by the
chat's own handlers so every rule and audit entry lives once, in handlers/handover.py.

Design: the page posts the packed action of the button the chat would show (AskNudge,
SendNudge, AskSubmit, Submit, Reopen). `act` parses it with the actions' codec, builds the
Context the conversation engine builds for a chat event (the secretary, loaded with their
cell, as a transient identity on channel "web"; the current round; the clock) and runs it
through handlers.dispatch, which checks the role and calls the registered handler. Its
replies are shown on the page; its notices (Notify: to members, to the Office) are queued
with bot.outbox.post in the same unit of work, as the engine does. Going through
engine.handle instead would need a stored "web" identity and would queue the secretary's own
replies to a chat that does not exist; this way nothing is copied and nothing is faked.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from handlers.actions import AskNudge, AskSubmit, BadPayload, Reopen, SendNudge, Submit, parse
from handlers.context import Context, Limits
from handlers.conversation import ChannelCaps, Inbound, Kind, Notify, Outgoing, Reply
from handlers.dispatch import dispatch
from storage.consultations import current_consultation
from storage.models import Cell, Identity, Member
from web import notices
from web.access import Viewer
from web.render import Console

CAPS = ChannelCaps(max_text=4096, buttons=True)
ALLOWED = (AskNudge, SendNudge, AskSubmit, Submit, Reopen)


def allowed(payload: str) -> bool:
    """A button the console may show and take: one of the secretary's steps, nothing else."""
    try:
        return isinstance(parse(payload), ALLOWED)
    except BadPayload:
        return False


async def act(console: Console, viewer: Viewer, payload: str) -> list[Reply] | None:
    """Run one step as the signed-in member; None for a payload that is not such a step."""
    try:
        action = parse(payload)
    except BadPayload:
        return None
    if not isinstance(action, ALLOWED):
        return None
    app = console.app
    now = app.clock.now()
    async with app.uow() as uow:
        member = (await uow.session.execute(
            select(Member).where(Member.id == viewer.member_id)
            .options(joinedload(Member.cell).joinedload(Cell.organization))
        )).scalar_one()
        identity = Identity(channel=notices.CHANNEL, user_id=str(member.id), chat_id="", member=member,
                            linked_by="web", linked_at=now, last_seen_at=now)
        inbound = Inbound(notices.CHANNEL, str(member.id), "", Kind.BUTTON, data=payload)
        ctx = Context(
            session=uow.session, inbound=inbound, caps=CAPS, now=now, tz=app.settings.tz,
            limits=Limits(app.settings.max_message_chars, app.settings.max_comment_chars),
            identity=identity, consultation=await current_consultation(uow.session),
            web_base_url=app.settings.console_url,
        )
        if ctx.consultation is None:
            return None
        out: list[Outgoing] = await dispatch(ctx, action)
        if identity in uow.session:
            uow.session.expunge(identity)  # the console is no chat account: nothing to store
        await notices.queue(console, uow.session, member.id,
                            [item for item in out if isinstance(item, Notify)], now)
        await uow.commit()
    notices.wake(console)
    return [item for item in out if isinstance(item, Reply)]
