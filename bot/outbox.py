"""Save first, then talk: replies are written with the change that caused them.

`post` runs inside the unit of work of an event, so its replies commit or roll back with
it; bot/outbox_sender.py sends them after, at the platform's pace.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.conversation import (
    Button,
    ChannelCaps,
    Document,
    ExportRequest,
    Notify,
    Outgoing,
    PageShown,
    Reply,
    menu_payloads,
)
from handlers.styled import Span, Style
from storage import outbox as store
from storage.identities import remember_menu
from storage.models import Identity

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """Who a reply goes to: a chat on a channel, and the member behind it when known."""

    channel: str
    chat_id: str
    member_id: int | None = None


# ---- writing (inside the event's unit of work) ---------------------------------------


async def post(
    session: AsyncSession,
    sender: Target,
    out: Sequence[Outgoing],
    caps: Mapping[str, ChannelCaps],
    now: Any,
    hold: Mapping[str, Any] | None = None,
) -> list[tuple[str, store.Claimed]]:
    """Queue the replies to the sender and the notices to others, in this transaction;
    rows of the channels in `hold` come back already taken (see storage.outbox.add).

    On a channel without buttons the member answers by number, so the last numbered menu
    each person is shown is remembered here, the one place that sets it."""
    to_sender = [item for item in out if isinstance(item, Reply)]
    queued = _messages(sender, to_sender)
    await _remember_last_menu(session, sender, to_sender, caps)
    for item in out:
        if isinstance(item, Notify):
            target = await _reach(session, item.member_id, caps)
            if target is None:
                log.info("member %s has no chat on a running channel; notice not queued",
                         item.member_id)
                continue
            queued += _messages(target, [item.reply])
            await _remember_last_menu(session, target, [item.reply], caps)
    return await store.add(session, queued, now, hold)


def _messages(target: Target, replies: Sequence[Reply]) -> list[store.Message]:
    """One row per message: a reply that asks for a file becomes its text, then the file
    (built when it is sent), so a failure of one never sends the other twice."""
    found = []
    for reply in replies:
        parts = [reply]
        if reply.export is not None and (reply.text or reply.buttons):
            parts = [replace(reply, export=None), Reply("", export=reply.export)]
        found += [store.Message(target.channel, target.chat_id, reply_to_json(part),
                                target.member_id) for part in parts]
    return found


async def _remember_last_menu(
    session: AsyncSession, target: Target, replies: Sequence[Reply], caps: Mapping[str, ChannelCaps]
) -> None:
    channel_caps = caps.get(target.channel)
    if channel_caps is None or channel_caps.buttons:
        return
    with_buttons = [reply for reply in replies if reply.buttons]
    if with_buttons:
        menu = menu_payloads(with_buttons[-1].all_buttons())
        await remember_menu(session, target.channel, target.chat_id, menu)


async def _reach(session: AsyncSession, member_id: int, caps: Mapping[str, ChannelCaps]) -> Target | None:
    """The member's most recently used chat on a channel this process runs."""
    result = await session.execute(
        select(Identity.channel, Identity.chat_id)
        .where(Identity.member_id == member_id)
        .order_by(Identity.last_seen_at.desc())
    )
    for channel, chat_id in result:
        if channel in caps:
            return Target(channel, chat_id, member_id)
    return None


# ---- the stored form of a reply --------------------------------------------------------


def reply_to_json(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {"text": reply.text}
    if reply.buttons:
        data["buttons"] = [[[b.label, b.data] for b in row] for row in reply.buttons]
    if reply.ask_contact:
        data["ask_contact"] = True
    if reply.clear_keyboard:
        data["clear_keyboard"] = True
    if reply.export is not None:
        data["export"] = asdict(reply.export)
    if reply.styled:
        data["styled"] = [[span.style.value, span.text] for span in reply.styled]
    if reply.shows is not None:
        data["shows"] = [reply.shows.section_id, reply.shows.page]
    if reply.document is not None:
        doc = reply.document
        data["document"] = {"filename": doc.filename, "caption": doc.caption,
                            "content": base64.b64encode(doc.content).decode("ascii")}
    return data


def reply_from_json(data: Mapping[str, Any]) -> Reply:
    document = data.get("document")
    shows = data.get("shows")
    return Reply(
        text=data.get("text", ""),
        buttons=tuple(tuple(Button(label, payload) for label, payload in row)
                      for row in data.get("buttons", ())),
        ask_contact=bool(data.get("ask_contact")),
        clear_keyboard=bool(data.get("clear_keyboard")),
        export=ExportRequest(**data["export"]) if data.get("export") else None,
        document=Document(document["filename"], base64.b64decode(document["content"]),
                          document.get("caption", "")) if document else None,
        styled=tuple(Span(text, Style(style)) for style, text in data.get("styled", ())),
        shows=PageShown(int(shows[0]), int(shows[1])) if shows else None,
    )
