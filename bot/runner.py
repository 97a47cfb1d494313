"""Running the bot: the messengers that are configured, or a local chat when none is."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web as aiohttp_web
from pydantic import SecretStr
from sqlalchemy import func, select

from bot import bootstrap
from bot.bootstrap import App
from bot.channels.base import Messenger
from bot.channels.caps import TELEGRAM_CAPS, ZALO_CAPS
from bot.channels.console import CONSOLE_USER, ConsoleChannel
from bot.config import Settings
from bot.leader import Leadership
from bot.scheduler import ReminderScheduler
from bot.webhook import WebhookServer
from content import strings
from content.draft_parser import parse_draft
from handlers.console_link import sign_in_url
from handlers.conversation import ChannelCaps, Inbound, Kind
from storage import identities, roster, web_access
from storage.consultations import create_consultation, current_consultation
from storage.models import Member, Role

# The web console's routes (web.app.add_console), handed in by the CLI: bot never imports web.
ConsolePages = Callable[[aiohttp_web.Application, App], None]

log = logging.getLogger(__name__)

CONTENT = Path(__file__).resolve().parent.parent / "content"
SAMPLE_DRAFT = CONTENT / "drafts" / "du-thao-bao-cao-chinh-tri-lan-4.txt"
# Sent with it, as a congress round does: a second document, so the trial shows the menu.
SAMPLE_REVIEW = CONTENT / "drafts" / "du-thao-bao-cao-kiem-diem.txt"
SAMPLE_ROSTER = CONTENT / "sample_roster.csv"


CHANNEL_NAMES = ("telegram", "zalo", "console")


def channel_caps(name: str) -> ChannelCaps:
    """How a channel shows replies, without importing its SDK (`gopy draft show`)."""
    caps = {"telegram": TELEGRAM_CAPS, "zalo": ZALO_CAPS, "console": ConsoleChannel.caps}
    return caps[name]


async def run(settings: Settings, pages: ConsolePages | None = None) -> None:
    """`gopy run`: every configured messenger and the web console; with no messenger, the
    local trial chat beside the console."""
    if settings.telegram_bot_token is None and settings.zalo_bot_token is None:
        print(strings.TRIAL_NO_TOKEN + "\n")
        await run_console(settings, phone=None, sample=True, pages=pages)
        return
    app = await bootstrap.build(settings)
    server = console_server(app, pages)
    if pages is not None:
        await server.start()
    stop = asyncio.Event()
    _stop_on_signals(stop)
    channels = messenger_channels(settings)
    for channel in channels:
        app.add_channel(channel)
    scheduler = ReminderScheduler(
        app.reminders(), settings.tz, leader=Leadership(app.db, settings.sqlite_path())
    )
    try:
        scheduler.start()
        await serve(app, channels, stop, web=server)
    finally:
        await scheduler.shutdown()
        await app.close()


def messenger_channels(settings: Settings) -> list[Messenger]:
    """The configured messengers, built but not listening: `gopy remind` sends through them.
    Each is imported only when configured: aiogram alone takes seconds to import."""
    channels: list[Messenger] = []
    if settings.telegram_bot_token is not None:
        from bot.channels.telegram import TelegramChannel, make_bot

        url = settings.telegram_webhook_url
        if url and settings.telegram_webhook_secret is None:
            raise SystemExit(strings.CLI_NEED_TELEGRAM_SECRET)
        bot = make_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api_url)
        channels.append(TelegramChannel(
            bot, poll_timeout=settings.telegram_poll_timeout, webhook_url=url,
            webhook_secret=_secret(settings.telegram_webhook_secret)))
    if settings.zalo_bot_token is not None:
        from bot.channels.zalo import ZaloChannel, ZaloClient

        url = settings.zalo_webhook_url
        if url and settings.zalo_webhook_secret is None:
            raise SystemExit(strings.CLI_NEED_ZALO_SECRET)
        client = ZaloClient(settings.zalo_bot_token.get_secret_value(), settings.zalo_api_url)
        channels.append(ZaloChannel(
            client, poll_timeout=settings.zalo_poll_timeout, webhook_url=url,
            webhook_secret=_secret(settings.zalo_webhook_secret)))
    return channels


def read_again(channel: str, payload: Any) -> Inbound | None:
    """A stored raw update read by its channel again (`gopy deadletters replay`);
    raises when it still cannot be read."""
    if channel == "telegram":
        from bot.channels.telegram import TelegramChannel

        return TelegramChannel.from_raw(payload)
    if channel == "zalo":
        from bot.channels.zalo import ZaloChannel

        return ZaloChannel.to_inbound(payload)
    return None


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


async def serve(
    app: App, channels: Sequence[Messenger], stop: asyncio.Event, *,
    web: WebhookServer | None = None,
) -> None:
    """Every messenger side by side, each with its outbox sender, until `stop` (or until
    one fails); one webhook server for those that use one."""
    web = web or WebhookServer(app.settings.webhook_host, app.settings.webhook_port)
    try:
        async with asyncio.TaskGroup() as group:
            for channel in channels:
                group.create_task(channel.serve(app.engine, stop, web))
                group.create_task(app.outboxes[channel.name].run(stop))
    finally:
        await web.stop()


def console_server(app: App, pages: ConsolePages | None) -> WebhookServer:
    """The one aiohttp server: webhooks, and the web console when it is given."""
    add = (lambda server: pages(server, app)) if pages is not None else None
    return WebhookServer(app.settings.webhook_host, app.settings.webhook_port, pages=add)


async def run_console(
    settings: Settings, *, phone: str | None, sample: bool = False,
    pages: ConsolePages | None = None,
) -> None:
    """A chat in this terminal, on the real database and the real conversation core; the web
    console beside it when given."""
    app = await bootstrap.build(settings)
    server = console_server(app, pages)
    if settings.log_level.upper() == "INFO":
        # The terminal is the member's screen here: only problems go to the log.
        logging.getLogger().setLevel(logging.WARNING)
    console = ConsoleChannel()
    app.add_channel(console)
    try:
        if sample:
            await ensure_sample(app)
        if pages is not None:
            await server.start()
            await print_office_link(app)
        print(strings.TRIAL_HOW_TO + "\n")
        outbox = app.outboxes[console.name]
        await outbox.flush()  # what an earlier run saved but did not show
        if phone:
            await _link_console(app, phone)  # answers with the introduction
        else:
            first = console.to_inbound("/start")
            assert first is not None
            await app.engine.handle(first)
        await outbox.flush()
        while (line := await console.read_line()) is not None:
            inbound = console.to_inbound(line)
            if inbound is not None:
                await app.engine.handle(inbound)
                await outbox.flush()
    finally:
        await server.stop()
        await app.close()


async def print_office_link(app: App) -> None:
    """A sign-in link for the first Office member, so a newcomer sees the console at once."""
    async with app.uow() as uow:
        office = (await uow.session.execute(
            select(Member).where(Member.role == Role.OFFICE).order_by(Member.id).limit(1)
        )).scalar_one_or_none()
        if office is None:
            return
        token = web_access.issue_link(uow.session, office, app.clock.now())
        await uow.commit()
    print(strings.TRIAL_CONSOLE.format(
        url=sign_in_url(app.settings.console_url, token), name=office.full_name) + "\n")


async def ensure_sample(app: App) -> None:
    """The sample drafts and roster, loaded once, so a newcomer sees the whole flow: the
    political report and the review report, two documents of one round."""
    async with app.uow() as uow:
        if await current_consultation(uow.session) is None:
            parsed = parse_draft(SAMPLE_DRAFT.read_text(encoding="utf-8"))
            now = app.clock.now()
            political = await create_consultation(
                uow.session, parsed, title=parsed.title or strings.TRIAL_DRAFT_TITLE,
                deadline=_two_weeks(now, app.settings), now=now, source_name=SAMPLE_DRAFT.name,
                document=strings.TRIAL_DOCUMENT_POLITICAL,
            )
            review = parse_draft(SAMPLE_REVIEW.read_text(encoding="utf-8"))
            await create_consultation(
                uow.session, review, title=review.title, deadline=political.deadline, now=now,
                source_name=SAMPLE_REVIEW.name, joins=political,
                document=strings.TRIAL_DOCUMENT_REVIEW,
            )
        members = await uow.session.execute(select(func.count()).select_from(Member))
        if members.scalar_one() == 0:
            await roster.import_roster(uow.session, SAMPLE_ROSTER)
        await uow.commit()
    async with app.uow(write=False) as uow:
        rows = await roster.access_codes(uow.session)
    # The first row of the sample roster: the README's trial uses this member.
    first = next((r for r in rows if r.phone == "0912345678"), rows[0])
    print(strings.TRIAL_SAMPLE_MEMBER.format(
        phone=first.phone, code=first.access_code, name=first.full_name, cell=first.cell_name) + "\n")


async def _link_console(app: App, phone: str) -> None:
    inbound = Inbound(channel="console", user_id=CONSOLE_USER, chat_id=CONSOLE_USER,
                      kind=Kind.CONTACT, contact_phone=phone, contact_user_id=CONSOLE_USER)
    async with app.uow() as uow:
        existing = await identities.find_identity(uow.session, "console", CONSOLE_USER)
        if existing is not None:
            await uow.session.delete(existing)
            await uow.commit()
    await app.engine.handle(inbound)


def _two_weeks(now: datetime, settings: Settings) -> datetime:
    local = now.astimezone(settings.tz) + timedelta(days=14)
    return local.replace(hour=17, minute=0, second=0, microsecond=0)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
