"""Running the bot: the messengers that are configured, or a local chat when none is."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import func, select

from bot import bootstrap
from bot.bootstrap import App
from bot.channels.base import Channel
from bot.channels.caps import TELEGRAM_CAPS
from bot.channels.console import CONSOLE_USER, ConsoleChannel
from bot.channels.zalo import DEFAULT_PATH, ZaloChannel, ZaloClient, zalo_webhook
from bot.config import Settings
from bot.leader import Leadership
from bot.scheduler import ReminderScheduler
from bot.webhook import WebhookServer
from content import strings
from content.draft_parser import parse_draft
from handlers.conversation import ChannelCaps, Inbound, Kind
from storage import identities, roster
from storage.consultations import create_consultation, current_consultation
from storage.models import Member

if TYPE_CHECKING:  # aiogram costs seconds: imported only where Telegram is used
    from bot.channels.telegram import TelegramChannel

log = logging.getLogger(__name__)

CONTENT = Path(__file__).resolve().parent.parent / "content"
SAMPLE_DRAFT = CONTENT / "drafts" / "du-thao-bao-cao-chinh-tri-lan-4.txt"
SAMPLE_ROSTER = CONTENT / "sample_roster.csv"


def channel_caps(name: str) -> ChannelCaps:
    caps = {"telegram": TELEGRAM_CAPS, "zalo": ZaloChannel.caps, "console": ConsoleChannel.caps}
    return caps[name]


async def run(settings: Settings) -> None:
    """`gopy run`: every configured messenger; with none, the local trial chat."""
    if settings.telegram_bot_token is None and settings.zalo_bot_token is None:
        print(strings.TRIAL_NO_TOKEN + "\n")
        await run_console(settings, phone=None, sample=True)
        return
    app = await bootstrap.build(settings)
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
        await serve(app, channels, stop)
    finally:
        await scheduler.shutdown()
        await app.close()


def messenger_channels(settings: Settings) -> list[Channel]:
    """The configured messengers, built but not listening: `gopy remind` sends through them."""
    channels: list[Channel] = []
    if settings.telegram_bot_token is not None:
        from bot.channels.telegram import TelegramChannel, make_bot

        bot = make_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api_url)
        channels.append(TelegramChannel(bot, poll_timeout=settings.telegram_poll_timeout))
    if settings.zalo_bot_token is not None:
        client = ZaloClient(settings.zalo_bot_token.get_secret_value(), settings.zalo_api_url)
        channels.append(ZaloChannel(client, poll_timeout=settings.zalo_poll_timeout))
    return channels


async def serve(app: App, channels: list[Channel], stop: asyncio.Event) -> None:
    """Every messenger side by side until `stop` (or until one fails); one webhook server."""
    from bot.channels.telegram import TelegramChannel  # aiogram: only when serving messengers

    # Started by the first messenger that uses a webhook; stopped here, after all of them.
    server = WebhookServer(app.settings.webhook_host, app.settings.webhook_port)
    try:
        async with asyncio.TaskGroup() as group:
            for channel in channels:
                if isinstance(channel, TelegramChannel):
                    group.create_task(serve_telegram(app, channel, stop, server))
                elif isinstance(channel, ZaloChannel):
                    group.create_task(serve_zalo(app, channel, stop, server))
    finally:
        await server.stop()


async def serve_telegram(
    app: App, telegram: TelegramChannel, stop: asyncio.Event, server: WebhookServer | None = None
) -> None:
    """Webhook when TELEGRAM_WEBHOOK_URL is set (several workers can share it), else polling."""
    settings = app.settings
    me = await telegram.bot.get_me()
    url = settings.telegram_webhook_url
    if not url:
        log.info("Telegram bot @%s: long polling", me.username)
        await telegram.poll(app.engine.handle, app.delivery.deliver, stop)
        return
    if settings.telegram_webhook_secret is None:
        raise SystemExit("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
    secret = settings.telegram_webhook_secret.get_secret_value()
    async with _shared(server, settings) as web:
        web.add_route(urlsplit(url).path or "/", telegram.webhook(
            app.engine.handle, app.delivery.deliver, web, secret))
        await web.start()
        await telegram.set_webhook(url, secret)
        log.info("Telegram bot @%s: webhook on port %d", me.username, web.port)
        await stop.wait()


async def serve_zalo(
    app: App, zalo: ZaloChannel, stop: asyncio.Event, server: WebhookServer | None = None
) -> None:
    """Webhook when ZALO_WEBHOOK_URL is set (registered with Zalo at start), else long polling."""
    settings = app.settings
    me = await zalo.client.get_me()
    name = me.get("account_name") or me.get("id") or "?"
    url = settings.zalo_webhook_url
    if not url:
        log.info("Zalo bot %s: long polling", name)
        await zalo.poll(app.engine.handle, app.delivery.deliver, stop)
        return
    if settings.zalo_webhook_secret is None:
        raise SystemExit("ZALO_WEBHOOK_SECRET (8-256 characters) is required with ZALO_WEBHOOK_URL")
    secret = settings.zalo_webhook_secret.get_secret_value()
    async with _shared(server, settings) as web:
        web.add_route(urlsplit(url).path or DEFAULT_PATH, zalo_webhook(
            zalo, app.engine.handle, app.delivery.deliver, web, secret))
        await web.start()
        await zalo.set_webhook(url, secret)
        log.info("Zalo bot %s: webhook on port %d", name, web.port)
        await stop.wait()


@asynccontextmanager
async def _shared(server: WebhookServer | None, settings: Settings) -> AsyncIterator[WebhookServer]:
    """The server `serve` shares between messengers, or one of our own, stopped after."""
    if server is not None:
        yield server
        return
    own = WebhookServer(settings.webhook_host, settings.webhook_port)
    try:
        yield own
    finally:
        await own.stop()


async def run_console(settings: Settings, *, phone: str | None, sample: bool = False) -> None:
    """A chat in this terminal, on the real database and the real conversation core."""
    app = await bootstrap.build(settings)
    if settings.log_level.upper() == "INFO":
        # The terminal is the member's screen here: only problems go to the log.
        logging.getLogger().setLevel(logging.WARNING)
    console = ConsoleChannel()
    app.add_channel(console)
    try:
        if sample:
            await ensure_sample(app)
        print(strings.TRIAL_HOW_TO + "\n")
        delivery = app.delivery
        if phone:
            await _link_console(app, phone)  # answers with the introduction
        else:
            first = console.to_inbound("/start")
            assert first is not None
            await delivery.deliver(console, CONSOLE_USER, await app.engine.handle(first))
        while (line := await console.read_line()) is not None:
            inbound = console.to_inbound(line)
            if inbound is not None:
                await delivery.deliver(console, CONSOLE_USER, await app.engine.handle(inbound))
    finally:
        await app.close()


async def ensure_sample(app: App) -> None:
    """The sample draft and roster, loaded once, so a newcomer sees the whole flow."""
    async with app.uow() as uow:
        if await current_consultation(uow.session) is None:
            parsed = parse_draft(SAMPLE_DRAFT.read_text(encoding="utf-8"))
            now = app.clock.now()
            await create_consultation(
                uow.session, parsed, title=parsed.title or strings.TRIAL_DRAFT_TITLE,
                deadline=_two_weeks(now, app.settings), now=now, source_name=SAMPLE_DRAFT.name,
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
    out = await app.engine.handle(inbound)
    await app.delivery.deliver(app.channels["console"], CONSOLE_USER, out)


def _two_weeks(now: datetime, settings: Settings) -> datetime:
    local = now.astimezone(settings.tz) + timedelta(days=14)
    return local.replace(hour=17, minute=0, second=0, microsecond=0)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
