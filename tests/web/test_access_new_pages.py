"""The roster, codes, draft, round and compilation pages, and every POST behind them, against
nobody, a plain member's lack of a link, the cell's secretary, another cell's, and the Office."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from bot.bootstrap import App
from handlers.actions import AskNudge
from tests.conftest import Bloc
from tests.web.conftest import sign_in

GETS = ["/dang-vien", "/ma-truy-cap", "/ma-truy-cap/tep", "/du-thao", "/du-thao/phien-ban",
        "/dot-lay-y-kien",
        "/tong-hop", "/tong-hop/bao-cao?format=xlsx"]
POSTS = ["/dang-vien/xem-truoc", "/dang-vien/nhap", "/du-thao/xem-truoc", "/du-thao/mo-dot",
         "/du-thao/phien-ban-moi",
         "/dot-lay-y-kien/han-chot", "/dot-lay-y-kien/nhac", "/tong-hop/nhom-lai",
         "/tong-hop/muc/1/quyet-dinh"]
STEP = "/chi-bo/GD1/viec"


async def test_nobody_gets_401(client: TestClient) -> None:
    for path in GETS:
        assert (await client.get(path, allow_redirects=False)).status == 401, path
    for path in [*POSTS, STEP]:
        assert (await client.post(path, data={"csrf": "x"})).status == 401, path


@pytest.mark.parametrize("who", ["binh", "dung"])
async def test_secretaries_get_403_on_office_pages(
    client: TestClient, app: App, bloc: Bloc, who: str
) -> None:
    await sign_in(client, app, bloc.members[who])
    for path in GETS:
        response = await client.get(path, allow_redirects=False)
        assert response.status == 403, path
        assert "Chi bộ Văn phòng Sở" not in await response.text()
    for path in POSTS:
        assert (await client.post(path, data={"csrf": "x"})).status == 403, path


async def test_steps_only_for_the_cells_own_secretary(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    for who, status in (("dung", 403), ("office", 403)):
        await sign_in(client, app, bloc.members[who])
        response = await client.post(STEP, data={"csrf": "x", "action": AskNudge().pack()})
        assert response.status == status, who
        client.session.cookie_jar.clear()
    await sign_in(client, app, bloc.members["binh"])
    forged = await client.post(STEP, data={"csrf": "forged", "action": AskNudge().pack()})
    assert forged.status == 403


async def test_office_gets_every_page_and_needs_the_token_to_post(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    await sign_in(client, app, bloc.members["office"])
    for path in GETS:
        assert (await client.get(path, allow_redirects=False)).status == 200, path
    for path in POSTS:
        assert (await client.post(path, data={"csrf": "forged"})).status == 403, path
