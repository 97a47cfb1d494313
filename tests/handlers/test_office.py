"""The Office watches every cell and downloads every comment, in the chat."""

from __future__ import annotations

import codecs
import io

import openpyxl

from bot.engine import ConversationEngine
from content import strings
from storage.models import Cell, Member, Organization, Role
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.handlers.test_secretary import person, seed
from tests.support.clock import FakeClock

OFFICE_PAYLOADS = ["o:v:1", "o:e", "o:ec", "o:ex"]
OFFICE_COMMANDS = ["tonghop", "xuat"]


async def test_overview_has_totals_and_attention_first(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    await seed(engine, bloc, clock)
    office = await person(engine, "office")
    await office.command("start")
    await office.tap(strings.BTN_OVERVIEW)
    text = office.text
    assert "Toàn Khối: 1/5 đảng viên hoàn thành (20%), 1 đang góp ý; 0/3 chi bộ đã chốt." in text
    lines = [line for line in text.splitlines() if line.startswith(("⏳", "✅"))]
    assert [line.split(" · ")[0] for line in lines] == ["⏳ VP", "⏳ GD2", "⏳ GD1"]
    assert "GD1 · Chi bộ Văn phòng Sở (Đảng bộ Sở Giáo dục): 1/2 hoàn thành" in text
    binh = await person(engine, "binh")
    await binh.press("s:fy")
    await office.command("tonghop")
    assert office.text.splitlines()[-1].startswith("✅ GD1") and "0/3" not in office.text
    zalo = await person(engine, "office", channel="zalo")
    await zalo.say("tổng hợp")
    assert "Toàn Khối" in zalo.text


async def test_overview_pages_fit_the_channel(engine: ConversationEngine, bloc: Bloc) -> None:
    async with UnitOfWork(engine._factory) as uow:
        org = Organization(name="Đảng bộ " + "Tổng công ty rất dài " * 5)
        uow.session.add(org)
        await uow.session.flush()
        for k in range(60):
            cell = Cell(
                code=f"C{k:03d}", name="Chi bộ " + "Phòng ban " * 8 + str(k), organization_id=org.id
            )
            uow.session.add(cell)
            await uow.session.flush()
            uow.session.add(
                Member(
                    full_name=f"Người {k}",
                    phone=f"0940{k:06d}",
                    cell_id=cell.id,
                    role=Role.MEMBER,
                    access_code=f"6{k:07d}",
                )
            )
        await uow.commit()
    for channel, limit in (("telegram", 4096), ("zalo", 2000)):
        office = await person(engine, "office", channel=channel)
        await office.press("o:v:1")
        seen: set[str] = set()
        while True:
            assert all(len(r.text) <= limit for r in office.replies), channel
            seen |= {
                line.split(" · ")[0] for line in office.text.splitlines() if line.startswith("⏳")
            }
            if "▶️" not in office.labels():
                break
            await office.tap("▶️")
        assert len(seen) == 63, channel


async def test_download_all_comments_as_csv_and_xlsx(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    await seed(engine, bloc, clock)
    office = await person(engine, "office")
    await office.command("xuat")
    await office.tap("CSV")
    document = await office.document()
    assert document.filename.endswith(".csv")
    assert document.content.startswith(codecs.BOM_UTF8)
    assert "Lê Minh Chí" in document.content.decode("utf-8-sig") and "3 dòng" in document.caption
    await office.command("xuat")
    await office.tap("XLSX")
    document = await office.document()
    assert document.filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(document.content))
    assert book[strings.EXPORT_SHEET].max_row == 4


async def test_office_commands_are_invisible_to_others(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    for who in ("an", "binh"):
        chat = await person(engine, who)
        for payload in OFFICE_PAYLOADS:
            await chat.press(payload)
            assert chat.text == strings.STALE_BUTTON, (who, payload)
            assert all(r.document is None and r.export is None for r in chat.replies)
        await chat.command("tonghop")
        assert chat.text.startswith(strings.UNKNOWN_COMMAND.split("«")[0]), who
        await chat.say("tổng hợp")
        assert "Toàn Khối" not in chat.text
    an = await person(engine, "an", channel="zalo")
    await an.command("xuat")
    assert an.text.startswith(strings.UNKNOWN_COMMAND.split("«")[0])
    office = await person(engine, "office")
    for forged in ["o:v:1:2", "o:ec:1", "o:v:x"]:
        await office.press(forged)
        assert office.text == strings.STALE_BUTTON, forged
