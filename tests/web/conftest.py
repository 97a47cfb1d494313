"""A console on a real database and a real aiohttp server, and people signed in to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import bootstrap
from bot.bootstrap import App
from bot.config import Settings
from storage import web_access
from storage.models import Member
from tests.conftest import Bloc
from tests.support.clock import FakeClock
from web.app import add_console


@pytest.fixture
async def app(database_url: str, clock: FakeClock, bloc: Bloc) -> AsyncIterator[App]:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    instance = await bootstrap.build(settings, clock)
    yield instance
    await instance.close()


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient]:
    server = web.Application()
    add_console(server, app)
    async with TestClient(TestServer(server)) as test_client:
        yield test_client


async def link_for(app: App, member: Member) -> str:
    """A fresh sign-in token for a roster member, as the bot would send it."""
    async with app.uow() as uow:
        found = await uow.session.get(Member, member.id)
        assert found is not None
        token = web_access.issue_link(uow.session, found, app.clock.now())
        await uow.commit()
    return token


@dataclass
class Signed:
    client: TestClient
    csrf: str


async def sign_in(client: TestClient, app: App, member: Member) -> None:
    token = await link_for(app, member)
    response = await client.get(f"/dang-nhap?t={token}", allow_redirects=False)
    assert response.status == 303, await response.text()
