"""Danh sách đảng viên over HTTP: errors by row and column before anything is imported, a
preview that writes nothing, the import on confirm with the Office member in the audit log."""

from __future__ import annotations

import re

from aiohttp import FormData
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.bootstrap import App
from storage.models import AuditEntry, Member
from tests.conftest import Bloc
from tests.web.conftest import sign_in

HEADER = "cell_code,cell_name,organization,full_name,phone,role\n"
GOOD = HEADER + (
    "GD1,Chi bộ Văn phòng Sở,Đảng bộ Sở Giáo dục,Nguyễn Văn An,0912345678,member\n"
    "GD1,Chi bộ Văn phòng Sở,Đảng bộ Sở Giáo dục,Đỗ Thị Mai,0913111222,member\n"
)
BAD = HEADER + "GD1,Chi bộ Văn phòng Sở,Đảng bộ Sở Giáo dục,Đỗ Thị Mai,12345,member\n"


async def csrf_of(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', await (await client.get(path)).text())
    assert found is not None
    return found.group(1)


def upload(csrf: str, content: str | bytes, name: str = "danh-sach.csv") -> FormData:
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", content.encode() if isinstance(content, str) else content,
                   filename=name, content_type="text/csv")
    return form


async def members(app: App) -> int:
    async with app.uow(write=False) as uow:
        return await uow.session.scalar(select(func.count()).select_from(Member)) or 0


async def test_bad_row_is_shown_by_row_and_column_and_nothing_is_imported(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/dang-vien")
    response = await client.post("/dang-vien/xem-truoc", data=upload(csrf, BAD))
    body = await response.text()
    assert response.status == 422
    assert re.search(r'<td class="num">2</td><td>phone</td><td>[^<]*12345', body), body
    assert await members(app) == 5
    confirm = await client.post("/dang-vien/nhap", data={"csrf": csrf})
    assert confirm.status == 409 and await members(app) == 5


async def test_preview_then_confirm_imports_by_the_signed_in_member(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/dang-vien")
    response = await client.post("/dang-vien/xem-truoc", data=upload(csrf, GOOD))
    body = await response.text()
    assert response.status == 200, body
    assert 'data-figure="added">1<' in body and 'data-figure="unchanged">1<' in body
    assert "Xác nhận nhập" in body and await members(app) == 5
    done = await client.post("/dang-vien/nhap", data={"csrf": csrf})
    assert done.status == 200 and "Đã nhập tệp danh-sach.csv" in await done.text()
    assert await members(app) == 6
    async with app.uow(write=False) as uow:
        entry = (await uow.session.execute(
            select(AuditEntry).where(AuditEntry.action == "roster_imported"))).scalar_one()
    assert entry.member_id == bloc.members["office"].id
    assert entry.detail["file"] == "danh-sach.csv"
    again = await client.post("/dang-vien/nhap", data={"csrf": csrf})
    assert again.status == 409  # the waiting file went with the import


async def test_a_file_over_the_limit_is_refused_with_413(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    app.settings.web_upload_max_mb = 0.01
    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/dang-vien")
    response = await client.post("/dang-vien/xem-truoc", data=upload(csrf, GOOD * 200))
    assert response.status == 413
    assert "lớn hơn 0.01 MB" in await response.text()
    assert await members(app) == 5


async def test_upload_without_the_csrf_token_is_refused(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    await sign_in(client, app, bloc.members["office"])
    response = await client.post("/dang-vien/xem-truoc", data=upload("forged", GOOD))
    assert response.status == 403


async def test_codes_print_and_download(client: TestClient, app: App, bloc: Bloc) -> None:
    await sign_in(client, app, bloc.members["office"])
    page = await (await client.get("/ma-truy-cap?cell=GD1")).text()
    assert "1111 2222" in page and "3333 4444" not in page
    sheet = await client.get("/ma-truy-cap/tep")
    assert sheet.status == 200 and sheet.content_type.endswith("spreadsheetml.sheet")
    assert (await client.get("/ma-truy-cap?cell=NOPE")).status == 404
