"""Getting replies to people: to the sender's chat, or to a member wherever they are linked."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel, ChatUnreachable
from content import strings
from handlers.conversation import Document, ExportRequest, Notify, Outgoing, Reply, menu_payloads
from storage.exports import export_csv, export_xlsx
from storage.models import Identity, Member
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Delivery:
    """Sends what the engine returned; a Notify goes to the member's most recently used chat."""

    def __init__(
        self,
        channels: Mapping[str, Channel],
        session_factory: async_sessionmaker[AsyncSession],
        *,
        tz: tzinfo = DEFAULT_TZ,
    ) -> None:
        self._channels = channels
        self._factory = session_factory
        self._tz = tz

    async def deliver(self, channel: Channel, chat_id: str, out: Sequence[Outgoing]) -> None:
        # The registered channel is the paced sender wrapping the adapter that polled.
        channel = self._channels.get(channel.name, channel)
        for item in out:
            if isinstance(item, Reply):
                try:
                    await channel.send(chat_id, replace(item, export=None))
                    if item.export is not None:
                        await channel.send(chat_id, await self.build_export(item.export))
                except ChatUnreachable:
                    log.info("%s chat unreachable; reply dropped", channel.name)
                    return
            else:
                await self.notify(item)

    async def notify(self, item: Notify) -> bool:
        """True when the member was reached on one of their linked channels."""
        for identity in await self._identities(item.member_id):
            channel = self._channels.get(identity.channel)
            if channel is None:
                continue
            try:
                await channel.send(identity.chat_id, item.reply)
            except ChatUnreachable:
                log.info("member %s unreachable on %s", item.member_id, identity.channel)
                continue
            if item.reply.buttons and not channel.caps.buttons:
                await self._remember_menu(identity.id, menu_payloads(item.reply.all_buttons()))
            return True
        return False

    async def build_export(self, request: ExportRequest) -> Reply:
        """The file, read in its own read-only transaction (WAL readers never block writers)."""
        out = io.BytesIO()
        export = export_xlsx if request.xlsx else export_csv
        async with UnitOfWork(self._factory, write=False) as uow:
            rows = await export(
                uow.session, out, request.consultation_id, request.cell_code, tz=self._tz
            )
        caption = strings.DOWNLOAD_READY.format(scope=request.scope, rows=rows)
        return Reply("", document=Document(request.filename, out.getvalue(), caption=caption))

    async def _remember_menu(self, identity_id: int, menu: list[str | None]) -> None:
        """Without buttons, the member answers a notice by its numbers: they must mean its choices."""
        async with UnitOfWork(self._factory) as uow:
            await uow.session.execute(
                update(Identity).where(Identity.id == identity_id).values(last_menu=menu)
            )
            await uow.commit()

    async def _identities(self, member_id: int) -> list[Identity]:
        async with self._factory() as session:
            result = await session.execute(
                select(Identity)
                .join(Member)
                .where(Identity.member_id == member_id)
                .order_by(Identity.last_seen_at.desc())
            )
            return list(result.scalars())
