"""Tổng hợp ý kiến over HTTP: regroup, decide a group as the signed-in Office member, the
undecided count follows, corrections refused with the service's own message, the report."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import App
from storage.models import Decision
from tests.conftest import Bloc
from tests.handlers.test_secretary import seed
from tests.support.clock import FakeClock
from tests.web.conftest import sign_in
from tests.web.test_roster_page import csrf_of


async def test_regroup_decide_and_download(
    client: TestClient, app: App, bloc: Bloc, clock: FakeClock
) -> None:
    await seed(app.engine, bloc, clock)
    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/tong-hop")
    grouped = await client.post("/tong-hop/nhom-lai", data={"csrf": csrf})
    body = await grouped.text()
    assert grouped.status == 200 and 'data-undecided="' in body
    before = int(re.search(r'data-undecided="(\d+)"', body).group(1))  # type: ignore[union-attr]
    section = bloc.section_ids[0]
    page = await (await client.get(f"/tong-hop/muc/{section}")).text()
    group = int(re.search(r'name="group" value="(\d+)"', page).group(1))  # type: ignore[union-attr]
    empty = await client.post(f"/tong-hop/muc/{section}/quyet-dinh", data={
        "csrf": csrf, "group": str(group), "outcome": "giai-trinh", "explanation": " "})
    assert empty.status == 422 and "Cần ghi nội dung" in await empty.text()
    done = await client.post(f"/tong-hop/muc/{section}/quyet-dinh", data={
        "csrf": csrf, "group": str(group), "outcome": "giai-trinh",
        "explanation": "Giữ như dự thảo vì đã đủ ý."})
    assert "Giải trình — Giữ như dự thảo" in await done.text()
    async with app.uow(write=False) as uow:
        decision = (await uow.session.execute(select(Decision))).scalar_one()
    assert decision.decided_by_name == "Võ Thị Hoa"
    home = await (await client.get("/tong-hop")).text()
    assert f'data-undecided="{before - 1}"' in home
    for fmt in ("docx", "xlsx"):
        report = await client.get(f"/tong-hop/bao-cao?format={fmt}&named=1")
        assert report.status == 200 and len(await report.read()) > 1000


async def test_every_document_of_the_round_is_compiled_in_the_console(
    client: TestClient, app: App, bloc: Bloc, clock: FakeClock
) -> None:
    """A round of two documents: regrouping groups both, each has its table, a section of
    the second opens, and the report has a part for each."""
    import io

    import docx  # type: ignore[import-untyped]

    from bot.channels.telegram import TelegramChannel
    from storage.consultations import list_sections
    from tests.handlers.test_documents import REVIEW_NAME, add_review
    from tests.web.test_browser import person

    review = await add_review(app.sessions, bloc, app.clock)  # type: ignore[arg-type]
    app.engine.register("telegram", TelegramChannel.caps)
    an = await person(app.engine, "an")
    await an.tap(REVIEW_NAME)
    await an.tap("Bắt đầu")
    await an.say("Đề nghị làm rõ trách nhiệm người đứng đầu.")
    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/tong-hop")
    home = await (await client.post("/tong-hop/nhom-lai", data={"csrf": csrf})).text()
    assert f"<h2>{REVIEW_NAME}</h2>" in home
    async with app.uow(write=False) as uow:
        first = (await list_sections(uow.session, review.id))[0]
    assert f'href="/tong-hop/muc/{first.id}"' in home
    page = await client.get(f"/tong-hop/muc/{first.id}")
    assert page.status == 200 and "làm rõ trách nhiệm người đứng đầu" in await page.text()
    report = await client.get("/tong-hop/bao-cao?format=docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(await report.read())).paragraphs)
    assert "B. VỀ DỰ THẢO BÁO CÁO KIỂM ĐIỂM" in text
    assert "làm rõ trách nhiệm người đứng đầu" in text
