"""Handles the Zalo events the webhook kept in the inbox, oldest first, until the bot stops."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.channels.base import (
    Receiver,
    StorageUnavailable,
    backoff,
    save_in_order,
    sleep_or_stop,
)
from bot.inbox import Inbox

if TYPE_CHECKING:
    from bot.channels.zalo.channel import ZaloChannel

log = logging.getLogger(__name__)

BATCH = 50  # events claimed at once
IDLE_POLL = 1.0  # seconds between looks when nothing arrived in this process


async def drain_inbox(
    channel: ZaloChannel, inbox: Inbox, receiver: Receiver, stop: asyncio.Event,
    *, retry_delay: float = 1.0,
) -> None:
    """Each kept event read, then saved or parked, then deleted. When the database cannot
    save one, what was not saved goes back and the worker waits: the next claim starts from
    the oldest again, so each chat keeps its order."""
    failures = 0
    while not stop.is_set():
        try:
            kept = await inbox.claim(BATCH)
        except Exception as error:  # noqa: BLE001 - the database is down: wait it out
            failures += 1
            log.warning("zalo inbox: cannot claim (%s); waiting", type(error).__name__)
            await sleep_or_stop(stop, backoff(failures, retry_delay))
            continue
        if not kept:
            failures = 0
            await inbox.wait(stop, IDLE_POLL)
            continue
        done: list[int] = []
        received = []
        retry: set[int] = set()
        for row in kept:
            try:
                events = await channel.read_all([json.loads(row.raw)], receiver)
            except StorageUnavailable:  # parking it needs the database too: keep it
                retry.add(row.id)
                continue
            except Exception as error:  # noqa: BLE001 - never take the whole bot down
                log.error("zalo inbox: event %d could not be handled (%s); dropped",
                          row.id, type(error).__name__)
                done.append(row.id)
                continue
            if events:
                received.append(replace(events[0], position=row.id))
            else:
                done.append(row.id)  # parked as a dead letter, or nothing for the bot
        unsaved = {event.position for event in await save_in_order(receiver, received)}
        unsaved |= retry
        done += [event.position for event in received if event.position not in unsaved]
        try:
            await inbox.settle(done, sorted(unsaved))
        except Exception as error:  # noqa: BLE001 - kept rows come back after their lease
            log.warning("zalo inbox: %d handled events not cleared (%s); their repeats "
                        "will be dropped", len(done), type(error).__name__)
        if unsaved:
            failures += 1
            log.warning("zalo inbox: %d events not saved yet; trying again", len(unsaved))
            await sleep_or_stop(stop, backoff(failures, retry_delay))
        else:
            failures = 0
