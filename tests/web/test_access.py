"""Every console page against every kind of visitor, over real HTTP: who gets in, who is told
how to sign in, and that nobody learns a cell's name or figures without the right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import App
from storage import web_access
from storage.models import WebSession
from tests.conftest import Bloc
from tests.support.clock import FakeClock
from tests.web.conftest import link_for, sign_in
from web.access import COOKIE

PAGES = ["/", "/to-chuc", "/chi-bo/GD1", "/chi-bo/GD2", "/chi-bo/KHONG-CO", "/y-kien",
         "/tai-ve", "/tai-ve/tep?format=csv", "/tai-ve/tep?format=xlsx&cell=GD2", "/nhat-ky"]
# What each signed-in role gets, page by page (303: sent on to its own cell).
EXPECTED = {
    "office": [200, 200, 200, 200, 404, 200, 200, 200, 200, 200],
    # binh is the secretary of GD1; GD2 and unknown codes are alike to him: 403.
    "binh": [303, 403, 200, 403, 403, 200, 200, 200, 403, 403],
    "dung": [303, 403, 403, 200, 403, 200, 200, 200, 200, 403],
}
SECRETS = ["Chi bộ Văn phòng Sở", "Chi bộ Phòng Tổ chức", "Văn phòng Đảng ủy Khối", "GD1", "GD2"]


def use_cookie(client: TestClient, value: str) -> None:
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({COOKIE: value})


async def statuses(client: TestClient) -> list[int]:
    found = []
    for path in PAGES:
        response = await client.get(path, allow_redirects=False)
        found.append(response.status)
        if response.status in (401, 403, 404):
            body = await response.text()
            assert "/web" in body, path  # says how to sign in
            assert not any(secret in body for secret in SECRETS), (path, body)
    return found


async def test_nobody_gets_401_everywhere(client: TestClient) -> None:
    assert await statuses(client) == [401] * len(PAGES)
    response = await client.post("/dang-xuat", data={"csrf": "x"}, allow_redirects=False)
    assert response.status == 401


@pytest.mark.parametrize("who", sorted(EXPECTED))
async def test_each_role_against_each_page(
    client: TestClient, app: App, bloc: Bloc, who: str
) -> None:
    await sign_in(client, app, bloc.members[who])
    assert await statuses(client) == EXPECTED[who]


async def test_secretary_home_is_their_cell(client: TestClient, app: App, bloc: Bloc) -> None:
    await sign_in(client, app, bloc.members["binh"])
    response = await client.get("/", allow_redirects=False)
    assert response.headers["Location"] == "/chi-bo/GD1"


async def test_a_plain_member_can_have_no_link(app: App, bloc: Bloc) -> None:
    async with app.uow() as uow:
        with pytest.raises(PermissionError):
            web_access.issue_link(uow.session, bloc.members["an"], app.clock.now())


async def test_link_is_good_once_and_for_ten_minutes(
    client: TestClient, app: App, bloc: Bloc, clock: FakeClock
) -> None:
    token = await link_for(app, bloc.members["office"])
    first = await client.get(f"/dang-nhap?t={token}", allow_redirects=False)
    assert first.status == 303
    client.session.cookie_jar.clear()
    again = await client.get(f"/dang-nhap?t={token}", allow_redirects=False)
    assert again.status == 401 and COOKIE not in again.cookies
    late = await link_for(app, bloc.members["office"])
    clock.advance(timedelta(minutes=10, seconds=1))
    assert (await client.get(f"/dang-nhap?t={late}", allow_redirects=False)).status == 401
    assert (await client.get("/dang-nhap?t=made-up", allow_redirects=False)).status == 401
    assert (await client.get("/dang-nhap", allow_redirects=False)).status == 401


async def test_cookie_is_httponly_lax_and_only_its_hash_is_kept(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    token = await link_for(app, bloc.members["office"])
    response = await client.get(f"/dang-nhap?t={token}", allow_redirects=False)
    morsel = response.cookies[COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and not morsel["secure"]
    async with app.uow(write=False) as uow:
        stored = (await uow.session.execute(select(WebSession))).scalar_one()
    assert morsel.value not in (stored.cookie_hash, stored.csrf_token)


async def test_tampered_cookie_and_idle_session_sign_nobody_in(
    client: TestClient, app: App, bloc: Bloc, clock: FakeClock
) -> None:
    await sign_in(client, app, bloc.members["office"])
    assert (await client.get("/", allow_redirects=False)).status == 200
    cookie = next(c for c in client.session.cookie_jar if c.key == COOKIE)
    use_cookie(client, cookie.value[:-2] + "xx")
    assert (await client.get("/", allow_redirects=False)).status == 401
    use_cookie(client, cookie.value)
    clock.advance(timedelta(minutes=59))
    assert (await client.get("/", allow_redirects=False)).status == 200  # use keeps it alive
    clock.advance(timedelta(minutes=61))
    assert (await client.get("/", allow_redirects=False)).status == 401


async def test_sign_out_needs_the_csrf_token_and_ends_the_session_on_the_server(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    await sign_in(client, app, bloc.members["binh"])
    cookie = next(c for c in client.session.cookie_jar if c.key == COOKIE).value
    refused = await client.post("/dang-xuat", data={"csrf": "wrong"}, allow_redirects=False)
    assert refused.status == 403
    async with app.uow(write=False) as uow:
        csrf = (await uow.session.execute(select(WebSession.csrf_token))).scalar_one()
    out = await client.post("/dang-xuat", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303 and out.headers["Location"] == "/da-dang-xuat"
    use_cookie(client, cookie)  # a copy someone kept
    assert (await client.get("/chi-bo/GD1", allow_redirects=False)).status == 401


async def test_secure_cookie_behind_https(client: TestClient, app: App, bloc: Bloc) -> None:
    app.settings.web_base_url = "https://gopy.example.vn"
    token = await link_for(app, bloc.members["office"])
    response = await client.get(f"/dang-nhap?t={token}", allow_redirects=False)
    assert response.cookies[COOKIE]["secure"]
