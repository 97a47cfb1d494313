"""Notices to members who use a channel without buttons can be answered by number."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.zalo import ZaloChannel
from bot.delivery import Delivery
from bot.engine import ConversationEngine
from handlers.conversation import Button, ChannelCaps, Notify, Reply
from tests.conftest import Bloc
from tests.support.chat import Chat


class Recording:
    """A channel without buttons that shows what it was asked to send."""

    name = "zalo"
    caps: ChannelCaps = ZaloChannel.caps

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []

    async def send(self, chat_id: str, reply: Reply) -> None:
        self.sent.append((chat_id, reply))


async def test_a_notice_with_choices_is_answered_by_its_numbers(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc
) -> None:
    member = Chat(engine, user_id="z-an", channel="zalo")
    await member.say("11112222")
    await member.say("muc luc")  # leaves a numbered menu of its own
    zalo = Recording()
    nudge = Reply("Nhắc góp ý", buttons=((Button("Mục 7", "m:p:7"),),))

    reached = await Delivery({"zalo": zalo}, sessions).notify(
        Notify(member_id=bloc.members["an"].id, reply=nudge))
    await member.say("1")

    assert reached and zalo.sent == [("z-an", nudge)]
    assert member.text.startswith("Mục 7/23")
