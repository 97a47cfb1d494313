"""/web and «trang quản trị»: a one-time console link for the Office and secretaries only."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.engine import ConversationEngine
from content import strings
from storage.models import WebSignInLink
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.handlers.test_secretary import person

LINK = re.compile(r"(\S*)/dang-nhap\?t=([A-Za-z0-9_-]+)")


async def test_office_gets_a_link_whose_token_is_stored_only_as_a_hash(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    office = await person(engine, "office")
    await office.command("web")
    found = LINK.search(office.text)
    assert found is not None, office.text
    token = found.group(2)
    async with UnitOfWork(engine._factory, write=False) as uow:
        rows = (await uow.session.execute(select(WebSignInLink))).scalars().all()
    assert len(rows) == 1 and rows[0].member_id == bloc.members["office"].id
    assert token not in rows[0].token_hash


async def test_secretary_asks_in_words_on_zalo(engine: ConversationEngine, bloc: Bloc) -> None:
    binh = await person(engine, "binh", channel="zalo")
    await binh.say("Trang quản trị")
    assert LINK.search(binh.text), binh.text


async def test_plain_member_learns_nothing(engine: ConversationEngine, bloc: Bloc) -> None:
    an = await person(engine, "an")
    await an.command("web")
    assert an.text == strings.UNKNOWN_COMMAND.format(command="/web", hint=strings.HELP)
    await an.press("w:l")
    assert an.text == strings.STALE_BUTTON
    async with UnitOfWork(engine._factory, write=False) as uow:
        assert (await uow.session.execute(select(WebSignInLink))).first() is None
