"""A secretary's steps from the console run the chat's handlers: the same answers, the same
notices queued, the same audit entries, and nothing for anyone but the cell's secretary."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import App
from bot.channels.telegram import TelegramChannel
from handlers.actions import AskSubmit, Reopen, SendNudge, Submit
from storage.models import AuditEntry, OutboxMessage
from tests.conftest import Bloc
from tests.handlers.test_secretary import person
from tests.web.conftest import sign_in
from tests.web.test_roster_page import csrf_of


async def test_submit_then_reopen_from_the_console(client: TestClient, app: App, bloc: Bloc) -> None:
    app.engine.register("telegram", TelegramChannel.caps)
    office = await person(app.engine, "office")
    await office.command("start")
    app.channels["telegram"] = object()  # type: ignore[assignment]
    await sign_in(client, app, bloc.members["binh"])
    csrf = await csrf_of(client, "/chi-bo/GD1")
    asked = await client.post("/chi-bo/GD1/viec", data={"csrf": csrf, "action": AskSubmit().pack()})
    body = await asked.text()
    assert asked.status == 200 and Submit().pack() in body
    done = await client.post("/chi-bo/GD1/viec", data={"csrf": csrf, "action": Submit().pack()})
    assert "Đã chốt ý kiến lúc" in await done.text()
    again = await client.post("/chi-bo/GD1/viec", data={"csrf": csrf, "action": Reopen().pack()})
    assert again.status == 200
    async with app.uow(write=False) as uow:
        actions = list(await uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        told = list(await uow.session.scalars(select(OutboxMessage.member_id).where(
            OutboxMessage.member_id == bloc.members["office"].id)))
    assert actions[-2:] == ["cell_submitted", "cell_reopened"]
    assert len(told) >= 2  # the Office heard of both, as from the chat


async def test_only_the_cells_secretary_and_only_their_steps(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    await sign_in(client, app, bloc.members["dung"])  # secretary of GD2
    csrf = await csrf_of(client, "/chi-bo/GD2")
    other = await client.post("/chi-bo/GD1/viec", data={"csrf": csrf, "action": SendNudge().pack()})
    assert other.status == 403
    odd = await client.post("/chi-bo/GD2/viec", data={"csrf": csrf, "action": "o:v:1"})
    assert odd.status == 400
    nudged = await client.post("/chi-bo/GD2/viec", data={"csrf": csrf, "action": SendNudge().pack()})
    assert nudged.status == 200
