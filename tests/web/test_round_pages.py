"""Dự thảo and Đợt lấy ý kiến over HTTP: a .txt draft previewed and opened by the signed-in
Office member; the deadline moved, with a notice queued for each member who has not finished."""

from __future__ import annotations

from aiohttp import ClientResponse, FormData
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import App
from bot.channels.telegram import TelegramChannel
from storage.consultations import current_consultation
from storage.models import AuditEntry, OutboxMessage
from tests.conftest import SEED_DRAFT, Bloc
from tests.handlers.test_secretary import person
from tests.storage.test_versions import LAN5
from tests.web.conftest import sign_in
from tests.web.test_roster_page import csrf_of


async def upload_draft(client: TestClient, app: App, bloc: Bloc) -> tuple[str, ClientResponse]:
    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/du-thao")
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", SEED_DRAFT.read_bytes(), filename="du-thao.txt", content_type="text/plain")
    return csrf, await client.post("/du-thao/xem-truoc", data=form)


async def test_a_txt_draft_previewed_then_opened(client: TestClient, app: App, bloc: Bloc) -> None:
    csrf, preview = await upload_draft(client, app, bloc)
    body = await preview.text()
    assert preview.status == 200, body
    assert "23 mục" in body and "Mục 1/23" in body
    opened = await client.post("/du-thao/mo-dot", data={
        "csrf": csrf, "title": "Đợt mới", "deadline": "2030-01-10T17:00",
        "reminders": "2d@08:00"}, allow_redirects=False)
    assert opened.status == 303
    async with app.uow(write=False) as uow:
        current = await current_consultation(uow.session)
        entry = (await uow.session.execute(select(AuditEntry).where(
            AuditEntry.action == "round_opened").order_by(AuditEntry.id.desc()))).scalars().first()
    assert current is not None and current.title == "Đợt mới"
    assert current.reminders == [{"days_before": 2, "at": "08:00"}]
    assert entry is not None and entry.member_id == bloc.members["office"].id


async def test_a_bad_deadline_or_policy_keeps_the_preview(client: TestClient, app: App, bloc: Bloc) -> None:
    csrf, _ = await upload_draft(client, app, bloc)
    bad = await client.post("/du-thao/mo-dot", data={
        "csrf": csrf, "title": "x", "deadline": "2030-01-10T17:00", "reminders": "sáng mai"})
    assert bad.status == 422 and "3d@08:00" in await bad.text()
    past = await client.post("/du-thao/mo-dot", data={
        "csrf": csrf, "title": "x", "deadline": "2001-01-10T17:00", "reminders": ""})
    assert past.status == 422


async def test_moving_the_deadline_tells_who_has_not_finished(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    app.engine.register("telegram", TelegramChannel.caps)
    an = await person(app.engine, "an")
    await an.command("start")
    app.channels["telegram"] = object()  # type: ignore[assignment]  # a messenger this process runs
    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/dot-lay-y-kien")
    async with app.uow(write=False) as uow:
        before = await uow.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    moved = await client.post("/dot-lay-y-kien/han-chot", data={
        "csrf": csrf, "deadline": "2030-02-01T17:00"})
    body = await moved.text()
    assert moved.status == 200, body
    assert "17:00 ngày 01/02/2030" in body
    async with app.uow(write=False) as uow:
        queued = (await uow.session.execute(select(OutboxMessage).where(
            OutboxMessage.id > (before or 0)))).scalars().all()
        entry = (await uow.session.execute(select(AuditEntry).where(
            AuditEntry.action == "deadline_changed"))).scalar_one()
    assert [m.member_id for m in queued] == [bloc.members["an"].id]
    assert "hạn chót" in queued[0].reply["text"]
    assert entry.member_id == bloc.members["office"].id
    refused = await client.post("/dot-lay-y-kien/han-chot", data={
        "csrf": csrf, "deadline": "2001-02-01T17:00"})
    assert refused.status == 422


async def test_a_draft_added_to_the_running_round_as_a_second_document(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    from storage.consultations import current_round
    from tests.handlers.test_documents import REVIEW

    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/du-thao")
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", REVIEW.read_bytes(), filename="kiem-diem.txt",
                   content_type="text/plain")
    preview = await client.post("/du-thao/xem-truoc", data=form)
    body = await preview.text()
    assert preview.status == 200 and "Thêm vào đợt đang chạy" in body and "6 mục" in body
    nameless = await client.post("/du-thao/them-van-ban", data={
        "csrf": csrf, "title": "Báo cáo kiểm điểm", "document": ""})
    assert nameless.status == 422 and "tên ngắn" in await nameless.text()
    added = await client.post("/du-thao/them-van-ban", data={
        "csrf": csrf, "title": "Dự thảo Báo cáo kiểm điểm", "document": "Báo cáo kiểm điểm"})
    page = await added.text()
    assert added.status == 200 and "Đã thêm văn bản «Báo cáo kiểm điểm» (6 mục)" in page
    assert "Các văn bản của đợt" in page
    async with app.uow(write=False) as uow:
        documents = await current_round(uow.session)
    assert [d.name for d in documents] == ["Dự thảo Báo cáo chính trị (lần 4)", "Báo cáo kiểm điểm"]
    assert documents[1].deadline == documents[0].deadline
    assert documents[1].round_id == bloc.consultation.id
    # The upload is used up: posting again adds nothing.
    again = await client.post("/du-thao/them-van-ban", data={
        "csrf": csrf, "title": "x", "document": "y"})
    assert again.status == 409


async def test_overview_and_downloads_per_document(client: TestClient, app: App, bloc: Bloc) -> None:
    from tests.handlers.test_documents import add_review, older_round

    review = await add_review(app.sessions, bloc, app.clock)  # type: ignore[arg-type]
    old = await older_round(app.sessions, app.clock)  # type: ignore[arg-type]
    await sign_in(client, app, bloc.members["office"])
    overview = await (await client.get("/")).text()
    assert "Các văn bản của đợt" in overview and "Báo cáo kiểm điểm" in overview
    page = await (await client.get("/tai-ve")).text()
    assert f'<option value="{review.id}">Báo cáo kiểm điểm</option>' in page
    one = await client.get(f"/tai-ve/tep?format=csv&document={review.id}")
    assert one.status == 200 and (await one.text()).startswith("\ufeffĐợt lấy ý kiến")
    forged = await client.get(f"/tai-ve/tep?format=csv&document={old}")
    assert forged.status == 404
    app.engine.register("telegram", TelegramChannel.caps)
    an = await person(app.engine, "an")
    await an.tap("Báo cáo kiểm điểm")
    await an.tap("Bắt đầu")
    await an.say("Ý kiến về kiểm điểm.")
    first = await (await client.get("/y-kien")).text()
    assert "Ý kiến về kiểm điểm." not in first and 'id="f-document"' in first
    second = await (await client.get(f"/y-kien?document={review.id}")).text()
    assert "Ý kiến về kiểm điểm." in second


async def test_the_next_version_uploaded_in_the_console(client: TestClient, app: App, bloc: Bloc) -> None:
    """«Tải lên phiên bản mới của dự thảo»: the previewed lần 5 becomes the document's next
    version, by the signed-in Office member, and its changes are shown."""
    await sign_in(client, app, bloc.members["office"])
    csrf = await csrf_of(client, "/du-thao")
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", LAN5.read_bytes(), filename="lan-5.txt", content_type="text/plain")
    preview = await client.post("/du-thao/xem-truoc", data=form)
    body = await preview.text()
    assert preview.status == 200 and "Tải lên phiên bản mới của dự thảo" in body
    loaded = await client.post("/du-thao/phien-ban-moi", data={"csrf": csrf, "label": ""},
                               allow_redirects=False)
    assert loaded.status == 303 and loaded.headers["Location"] == "/du-thao/phien-ban?of=1"
    changes = await (await client.get("/du-thao/phien-ban?of=1")).text()
    assert "Dự thảo lần 4 → Dự thảo lần 5: 3 mục sửa, 0 mục thêm, 0 mục bỏ" in changes
    assert "[-90%-] {+95%+}" in changes
    async with app.uow(write=False) as uow:
        current = await current_consultation(uow.session)
        entry = (await uow.session.execute(select(AuditEntry).where(
            AuditEntry.action == "draft_version_loaded"))).scalar_one()
    assert current is not None and current.id == bloc.consultation.id and current.version == 2
    assert entry.member_id == bloc.members["office"].id
    again = await client.post("/du-thao/phien-ban-moi", data={"csrf": csrf, "label": ""})
    assert again.status == 409  # the upload was used: nothing loaded twice


async def test_a_cells_page_shows_one_document_of_the_round_at_a_time(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    from tests.handlers.test_documents import add_review

    review = await add_review(app.sessions, bloc, app.clock)  # type: ignore[arg-type]
    app.engine.register("telegram", TelegramChannel.caps)
    an = await person(app.engine, "an")
    await an.tap("Báo cáo kiểm điểm")
    await an.tap("Bắt đầu")
    await an.say("Ý kiến về kiểm điểm.")
    await sign_in(client, app, bloc.members["office"])
    first = await (await client.get("/chi-bo/GD1")).text()
    assert "Ý kiến về kiểm điểm." not in first
    assert f'href="/chi-bo/GD1?document={review.id}">Báo cáo kiểm điểm</a>' in first
    second = await (await client.get(f"/chi-bo/GD1?document={review.id}")).text()
    assert "Ý kiến về kiểm điểm." in second
    assert '<strong aria-current="page">Báo cáo kiểm điểm</strong>' in second


async def test_the_section_filter_finds_a_sections_comments_on_every_version(
    client: TestClient, app: App, bloc: Bloc
) -> None:
    """Mục 18 after lần 5 is loaded: the comment made on lần 4 and the one on lần 5 both."""
    from content.draft_parser import parse_draft
    from storage import versions

    app.engine.register("telegram", TelegramChannel.caps)
    an = await person(app.engine, "an")
    await an.command("start")
    await an.press("m:p:18")
    await an.say("Ý kiến trên lần 4.")
    async with app.uow() as uow:
        document = await current_consultation(uow.session)
        assert document is not None
        await versions.load_next_version(uow.session, document,
                                         parse_draft(LAN5.read_text(encoding="utf-8")),
                                         now=app.clock.now())
        await uow.commit()
    binh = await person(app.engine, "binh")
    await binh.command("start")
    await binh.press("m:p:18")
    await binh.say("Ý kiến trên lần 5.")
    await sign_in(client, app, bloc.members["office"])
    both = await (await client.get("/y-kien?section=18")).text()
    assert "Ý kiến trên lần 4." in both and "Ý kiến trên lần 5." in both
    other = await (await client.get("/y-kien?section=17")).text()
    assert "Ý kiến trên lần" not in other
