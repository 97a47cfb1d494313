"""Reminder fan-out against Telegram's 30 messages/second, through bench/reminders.py.

A round to the 6,021-member bloc is sent in full. A round to 100,000 would take ~55
minutes at 30/s, so by default it is sent for a fixed window only: the same slot, the
same sender, the same rate-limited fake, stopped after `window` seconds; the rate is
measured over the messages sent in that window and the round's time extrapolated as
planning time + members / rate. `--full` sends it all.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bench.reminders import CEILING, _morning_after, remind_bloc
from bench.report import FanOut
from bench.seed import START, build_bloc
from bench.timed_fake import TimedTelegramServer
from bot import bootstrap
from bot.channels.telegram import TelegramChannel, make_bot
from bot.config import Settings
from tests.support.clock import FakeClock


async def measure_fanout(
    sizes: list[int], window_sizes: list[int], window: float, *, full: bool, workdir: Path
) -> list[FanOut]:
    results = []
    for members in sizes + (window_sizes if full else []):
        with tempfile.TemporaryDirectory(dir=workdir) as sub:
            result = await remind_bloc(members, Path(sub))
        results.append(FanOut(members, result.seconds, result.rate,
                              result.sent - result.distinct_chats, "whole round",
                              result.refused_429, result.sent))
    if not full:
        for members in window_sizes:
            with tempfile.TemporaryDirectory(dir=workdir) as sub:
                results.append(await remind_window(members, window, Path(sub)))
    return results


async def remind_window(members: int, window: float, workdir: Path) -> FanOut:
    """The round's first `window` seconds of sending, extrapolated to all `members`."""
    bloc = await build_bloc(workdir / "bloc.db", members, commenting=0.0, finished=0.0,
                            linked=1.0, submitted=0.0)
    slot = START + timedelta(days=14) - timedelta(days=3)
    async with TimedTelegramServer() as server:
        server.rate_limit(per_second_global=int(CEILING), per_chat_per_second=1)
        settings = Settings(database_url=bloc.url, telegram_bot_token=server.token,
                            telegram_api_url=server.url, log_level="WARNING", _env_file=None)
        app = await bootstrap.build(settings, clock=FakeClock(_morning_after(slot, settings)))
        app.add_channel(TelegramChannel(make_bot(server.token, server.url)))
        reminders = app.reminders()
        try:
            started = time.perf_counter()
            round_ = asyncio.create_task(reminders.run_due())
            while not server.received and not round_.done():
                await asyncio.sleep(0.05)
            first = server.received[0][1] if server.received else time.perf_counter()
            await asyncio.sleep(max(0.0, first + window - time.perf_counter()))
            reminders.stop()
            await round_
        finally:
            await app.close()
    times = [at for _, at, _ in server.received if at <= first + window]
    chats = Counter(chat for chat, _, _ in server.received)
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    planning = first - started
    refused = sum(1 for call in server.calls if call.error_code == 429)
    return FanOut(
        members, planning + members / rate if rate else 0.0, rate,
        sum(n - 1 for n in chats.values() if n > 1),
        f"{window:.0f} s window after {planning:.1f} s planning, extrapolated",
        refused, len(server.received))
