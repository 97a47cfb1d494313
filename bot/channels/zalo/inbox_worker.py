"""Handles the Zalo events the webhook kept in the inbox, oldest first, until the bot stops."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.channels.base import (
    Received,
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
# Tries of one event (each the engine's own RETRIES) before it is parked as a dead letter:
# about three minutes of the database refusing this event while it takes the claims, more
# than a busy database needs, so one event cannot hold its chat up for ever.
MAX_ATTEMPTS = 10


class GaveUp(Exception):
    """An event the database would not save, tried MAX_ATTEMPTS times."""


async def drain_inbox(
    channel: ZaloChannel, inbox: Inbox, receiver: Receiver, stop: asyncio.Event,
    *, retry_delay: float = 1.0,
) -> None:
    """Each kept event read, then saved or parked, then deleted. When the database cannot
    save one, what was not saved goes back and the worker waits: the next claim starts from
    the oldest again, and no worker takes a chat's later event while an earlier one is held,
    so each chat keeps its order. An event refused MAX_ATTEMPTS times is parked."""
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
        tries = {row.id: row.attempts for row in kept}
        for row in kept:
            try:
                events = await channel.read_all([json.loads(row.raw)], receiver)
                # Claimed that often and never settled (the process died on it): park it.
                if events and row.attempts > MAX_ATTEMPTS:
                    await _give_up(channel, receiver, events[0], row.attempts)
                    events = []
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
        left = await save_in_order(receiver, received)
        # The first unsaved event of a chat was tried and failed; its chat's later ones
        # waited behind it untried.
        failed = {event.inbound.chat_id: event for event in reversed(left)}.values()
        untried = {event.position for event in left} - {event.position for event in failed}
        for event in failed:
            if tries[event.position] < MAX_ATTEMPTS:
                continue
            try:
                await _give_up(channel, receiver, event, tries[event.position])
            except StorageUnavailable:
                continue
            except Exception as error:  # noqa: BLE001 - never take the whole bot down
                log.error("zalo inbox: event %d could not be parked (%s); dropped",
                          event.position, type(error).__name__)
            done.append(event.position)
        unsaved = ({event.position for event in left} | retry) - set(done)
        done += [event.position for event in received
                 if event.position not in unsaved and event.position not in done]
        try:
            await inbox.settle(done, sorted(unsaved), sorted(untried))
        except Exception as error:  # noqa: BLE001 - kept rows come back after their lease
            log.warning("zalo inbox: %d handled events not cleared (%s); their repeats "
                        "will be dropped", len(done), type(error).__name__)
        if unsaved:
            failures += 1
            log.warning("zalo inbox: %d events not saved yet; trying again", len(unsaved))
            await sleep_or_stop(stop, backoff(failures, retry_delay))
        else:
            failures = 0


async def _give_up(channel: ZaloChannel, receiver: Receiver, event: Received, tries: int) -> None:
    """Park an event the database keeps refusing, as the engine parks one that keeps failing:
    its sender is told nothing was saved, and its chat's later events go on."""
    error = GaveUp(f"not saved after {tries} tries")
    await receiver.park(channel.name, event.inbound.update_key, event.raw, error,
                        inbound=event.inbound, attempts=tries)
