"""`gopy deadletters`: the updates parked because they could not be read or handled."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot import runner
from bot.bootstrap import App
from bot.engine import inbound_from_json, where
from content import strings
from handlers.conversation import Inbound
from handlers.notices import local
from storage import audit, dead_letters
from storage.audit import AuditAction


async def list_lines(app: App, *, include_replayed: bool = False) -> list[str]:
    async with app.uow(write=False) as uow:
        letters = await dead_letters.listed(uow.session, include_replayed=include_replayed)
    lines = []
    for letter in letters:
        line = strings.CLI_DEAD_LINE.format(
            id=letter.id, when=local(letter.created_at, app.settings.tz), channel=letter.channel,
            key=letter.update_key, stage=strings.CLI_DEAD_STAGE.get(letter.stage, letter.stage),
            attempts=letter.attempts, error=letter.error.splitlines()[0][:160],
        )
        if letter.replayed_at is not None:
            line += strings.CLI_DEAD_REPLAYED.format(when=local(letter.replayed_at, app.settings.tz))
        lines.append(line)
    return lines or [strings.CLI_DEAD_NONE]


async def replay(app: App, letter_id: int, *, force: bool = False) -> str:
    """Handle a parked update again, once a fix is deployed; its replies go to the outbox."""
    tz = app.settings.tz
    async with app.uow(write=False) as uow:
        letter = await dead_letters.get(uow.session, letter_id)
    if letter is None:
        return strings.CLI_DEAD_UNKNOWN.format(id=letter_id)
    if letter.replayed_at is not None and not force:
        return strings.CLI_DEAD_ALREADY.format(id=letter_id, when=local(letter.replayed_at, tz))
    try:
        inbound = _inbound(letter.channel, letter.inbound, letter.raw)
    except Exception as error:  # noqa: BLE001 - the parser still refuses it: say so, keep it
        return strings.CLI_DEAD_UNREADABLE.format(id=letter_id, error=type(error).__name__)
    replies = 0
    if inbound is not None:
        for name in runner.CHANNEL_NAMES:  # a notice may go to a member on another channel
            app.engine.register(name, runner.channel_caps(name))
        try:
            out = await app.engine.replay(
                replace(inbound, update_key=f"deadletter:{letter.id}:{int(app.clock.now().timestamp())}"))
        except Exception as error:  # noqa: BLE001 - reported, nothing saved
            return strings.CLI_DEAD_FAILED.format(
                id=letter_id, error=f"{type(error).__name__} at {where(error)}")
        replies = len(out)
    async with app.uow() as uow:
        stored = await dead_letters.get(uow.session, letter_id)
        assert stored is not None
        stored.replayed_at = app.clock.now()
        audit.record(uow.session, AuditAction.DEAD_LETTER_REPLAYED, app.clock.now(),
                     detail={"dead_letter": letter_id, "update_key": stored.update_key})
        await uow.commit()
    if inbound is None:
        return strings.CLI_DEAD_IGNORED.format(id=letter_id)
    return strings.CLI_DEAD_DONE.format(id=letter_id, replies=replies)


def _inbound(channel: str, kept: dict[str, Any] | None, raw: str) -> Inbound | None:
    """The event as it was read, or read again from the platform's payload."""
    if kept is not None:
        return inbound_from_json(kept)
    return runner.read_again(channel, json.loads(raw))
