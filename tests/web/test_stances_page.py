"""The whole-document stance on the console: counted on Tổng quan, and per cell on the cell's
page the secretary opens."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from bot.bootstrap import App
from storage import stances
from storage.models import Consultation
from tests.conftest import Bloc
from tests.web.conftest import sign_in


async def test_overview_and_cell_page_count_the_stances(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    async with app.uow() as uow:
        consultation = await uow.session.get(Consultation, bloc.consultation.id)
        assert consultation is not None
        for who, stance in (("an", "Tán thành"), ("chi", "Không tán thành")):
            await stances.set_stance(uow.session, bloc.members[who], consultation, stance,
                                     app.clock.now())
        await uow.commit()
    await sign_in(client, app, bloc.members["office"])
    body = await (await client.get("/")).text()
    assert ("Ý kiến chung về toàn văn dự thảo: Tán thành 1 · Tán thành một phần 0 · "
            "Không tán thành 1 · Chưa cho ý kiến 3") in body
    await sign_in(client, app, bloc.members["binh"])
    body = await (await client.get("/chi-bo/GD1")).text()
    assert ("Ý kiến chung về toàn văn dự thảo: Tán thành 1 · Tán thành một phần 0 · "
            "Không tán thành 0 · Chưa cho ý kiến 1") in body
