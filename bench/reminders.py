"""Time to remind a whole bloc through the fake Telegram under its flood limits, against 30/s.

  .venv/bin/python -m bench.reminders --members 6021

Every member is linked and unfinished, so everyone is due in the first slot. The fake
server enforces Telegram's limits (30 messages/s overall, 1/s per chat) and answers 429
beyond them; the bot is wired as `gopy run` wires it and runs one slot with `run_due`.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.seed import START, build_bloc
from bot import bootstrap
from bot.channels.telegram import TelegramChannel, make_bot
from bot.config import Settings
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.clock import FakeClock

CEILING = 30.0  # Telegram's messages per second for a bot


@dataclass(frozen=True)
class Result:
    members: int
    sent: int
    distinct_chats: int
    refused_429: int
    seconds: float  # the whole slot: plan, compose, send, record

    @property
    def rate(self) -> float:
        return self.sent / self.seconds

    def report(self) -> str:
        return (
            f"{self.sent} reminders to {self.distinct_chats} chats of {self.members} members in "
            f"{self.seconds:.1f} s: {self.rate:.2f} msg/s = {self.rate / CEILING:.1%} "
            f"of {CEILING:.0f}/s "
            f"(ideal {self.members / CEILING:.1f} s); 429 answers: {self.refused_429}"
        )


async def remind_bloc(members: int, workdir: Path) -> Result:
    """Build the bloc, then time one reminder slot through the rate-limited fake."""
    bloc = await build_bloc(
        workdir / "bloc.db", members, commenting=0.0, finished=0.0, linked=1.0, submitted=0.0
    )
    slot = START + timedelta(days=14) - timedelta(days=3)  # within the 3-days-before slot's day
    async with FakeTelegramServer() as server:
        server.rate_limit(per_second_global=30, per_chat_per_second=1)
        settings = Settings(
            database_url=bloc.url,
            telegram_bot_token=server.token,
            telegram_api_url=server.url,
            log_level="WARNING",
            _env_file=None,
        )
        app = await bootstrap.build(settings, clock=FakeClock(_morning_after(slot, settings)))
        app.add_channel(TelegramChannel(make_bot(server.token, server.url)))
        try:
            started = time.perf_counter()
            outcomes = await app.reminders().run_due()
            seconds = time.perf_counter() - started
        finally:
            await app.close()
        sent = server.sent_messages()
        counts = Counter(call.error_code for call in server.calls)
        assert outcomes and outcomes[0].counts["sent"] == len(sent), outcomes
    return Result(members, len(sent), len({m["chat_id"] for m in sent}), counts[429], seconds)


def _morning_after(moment: datetime, settings: Settings) -> datetime:
    """08:05 local on that day: past the slot, outside quiet hours."""
    local = moment.astimezone(settings.tz)
    return local.replace(hour=8, minute=5, second=0, microsecond=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=6021)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        result = asyncio.run(remind_bloc(args.members, Path(workdir)))
    print(result.report())


if __name__ == "__main__":
    main()
