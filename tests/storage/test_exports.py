"""The export file the Office compiles from: exact columns, safe in Excel, streamed, repeatable."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import xlsxwriter
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.engine import ConversationEngine
from content import strings
from storage import exports, submissions
from storage.exports import export_csv, export_xlsx
from storage.uow import UnitOfWork
from tests.conftest import TZ, Bloc
from tests.support import fill
from tests.support.chat import Chat
from tests.support.clock import FakeClock

TRICKY = [
    "Dấu phẩy, ở giữa, câu",
    'Trích dẫn "nguyên văn" và ""kép""',
    "Dòng một\nDòng hai\r\nDòng ba",
    "Biểu tượng 🎉🇻🇳 và chữ Việt: Đảng, ưu tiên, nghiêng ngả",
    "=cmd|' /C calc'!A0",
    "+84 912 345 678",
    "-1 là số âm",
    "@SUM(A1:A9)",
    "\tBắt đầu bằng tab",
    "\rBắt đầu bằng CR",
]
COLUMNS = [*strings.EXPORT_COLUMNS, *strings.EXPORT_PRECISE_COLUMNS,
           strings.EXPORT_DOCUMENT_COLUMN, *strings.EXPORT_VERSION_COLUMNS]
TEXT = COLUMNS.index("Nội dung góp ý")
NAME = COLUMNS.index("Họ và tên")


async def tricky_bloc(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    """an writes every tricky text (one per section); chi one plain choice; GD1 has an opinion."""
    m, cid, s = bloc.members, bloc.consultation.id, bloc.section_ids
    now = clock.now()
    async with UnitOfWork(sessions) as uow:
        for i, text in enumerate(TRICKY):
            fill.comment(uow.session, m["an"], s[i], cid, now, choice="Không nhất trí", text=text)
        fill.comment(
            uow.session, m["binh"], s[0], cid, now + timedelta(minutes=1), choice="Nhất trí"
        )
        fill.comment(uow.session, m["binh"], s[1], cid, now)  # empty: not exported
        fill.comment(uow.session, m["chi"], s[0], cid, now, choice="Nhất trí")
        fill.opinion(uow.session, m["binh"], s[0], cid, now, "Chi bộ thống nhất đề nghị, bổ sung")
        await uow.commit()


async def csv_bytes(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, **kwargs: object
) -> bytes:
    out = io.BytesIO()
    async with sessions() as s:
        await export_csv(s, out, bloc.consultation.id, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


def parse(data: bytes) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_csv_round_trip_of_tricky_comments(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await tricky_bloc(sessions, bloc, clock)
    data = await csv_bytes(sessions, bloc, tz=TZ)
    header, *rows = parse(data)
    assert header == COLUMNS
    assert all(len(row) == len(COLUMNS) for row in rows)
    mine = [row[TEXT] for row in rows if row[NAME] == "Nguyễn Văn An"]
    expected = ["'" + t if t[0] in "=+-@\t\r" else t for t in TRICKY]
    assert mine == expected
    assert b"\r\n" in data and data.count(b"\r\n") >= len(rows) + 1


async def test_rows_columns_and_order(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await tricky_bloc(sessions, bloc, clock)
    async with UnitOfWork(sessions) as uow:
        await submissions.submit(
            uow.session,
            bloc.consultation.id,
            bloc.members["an"].cell_id,
            bloc.members["binh"].id,
            clock.now(),
        )
        await uow.commit()
    _, *rows = parse(await csv_bytes(sessions, bloc))
    first, opinion, an, binh = rows[0], rows[1], rows[2], rows[3]
    assert [row[5] for row in rows] == ["GD1"] * 12 + ["GD2"]  # organization, then cell code
    assert first[:12] == [
        "Dự thảo Báo cáo chính trị (lần 4)",
        "1",
        first[2],
        first[3],
        "Đảng bộ Sở Giáo dục",
        "GD1",
        "Chi bộ Văn phòng Sở",
        "chi bộ",
        "",
        "",
        "Chi bộ thống nhất đề nghị, bổ sung",
        "có",
    ]
    assert first[12] == "2026-12-01T09:00:00+07:00" and first[13] == "2026-12-01T09:00:00+07:00"
    assert opinion[7:10] == [
        "đảng viên",
        "Nguyễn Văn An",
        "Không nhất trí",
    ]  # by name within a section
    assert an[8] == "Trần Thị Bình" and an[12] == "2026-12-01T09:01:00+07:00"
    assert binh[1] == "2"  # section order: the empty comment of section 2 is not exported
    assert rows[-1][7:12] == ["đảng viên", "Lê Minh Chí", "Nhất trí", "", "không"]


async def test_anonymous_has_no_names_and_cell_filter(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await tricky_bloc(sessions, bloc, clock)
    data = await csv_bytes(sessions, bloc, anonymous=True)
    for person in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Chí"):
        assert person.encode() not in data
    _, *rows = parse(data)
    assert {row[NAME] for row in rows} == {""} and len(rows) == 13
    _, *gd2 = parse(await csv_bytes(sessions, bloc, cell_code="GD2"))
    assert [row[8] for row in gd2] == ["Lê Minh Chí"]
    with pytest.raises(LookupError):
        await csv_bytes(sessions, bloc, cell_code="NOPE")


async def test_same_data_gives_byte_identical_csv(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await tricky_bloc(sessions, bloc, clock)
    assert await csv_bytes(sessions, bloc) == await csv_bytes(sessions, bloc)
    assert await csv_bytes(sessions, bloc, anonymous=True) == await csv_bytes(
        sessions, bloc, anonymous=True
    )


async def test_export_streams_on_a_plain_connection(
    db: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    bloc: Bloc,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows are written batch by batch as they come off the cursor, not gathered first."""
    await tricky_bloc(sessions, bloc, clock)
    monkeypatch.setattr(exports, "BATCH", 3)
    writes: list[int] = []

    class Recorder(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            writes.append(len(data))
            return super().write(data)

    out = Recorder()
    async with db.connect() as conn:
        count = await export_csv(conn, out, bloc.consultation.id)
    assert count == 13
    assert len([w for w in writes if w]) >= 13 // 3 + 1
    assert out.getvalue() == await csv_bytes(sessions, bloc)


async def test_xlsx_round_trip_frozen_header_and_summary(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    await tricky_bloc(sessions, bloc, clock)
    out = io.BytesIO()
    async with sessions() as s:
        count = await export_xlsx(s, out, bloc.consultation.id)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == [strings.EXPORT_SHEET, strings.EXPORT_SUMMARY_SHEET]
    sheet = book[strings.EXPORT_SHEET]
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == COLUMNS and len(rows) == count + 1 == 14
    as_typed = [t.replace("\r\n", "\n").replace("\r", "\n") for t in TRICKY]  # LF line breaks
    assert [r[TEXT] for r in rows if r[NAME] == "Nguyễn Văn An"] == as_typed  # text, no apostrophe
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["K"].width > 50
    assert sheet.cell(row=2, column=TEXT + 1).alignment.wrap_text
    summary = list(book[strings.EXPORT_SUMMARY_SHEET].iter_rows(values_only=True))
    head = list(summary[0])
    assert head[:4] == ["Thứ tự mục", "Mục số", "Tên mục", "Nhất trí"]
    first = dict(zip(head, summary[1], strict=True))
    assert first["Nhất trí"] == 2 and first["Không nhất trí"] == 1
    assert first["Tổng số đảng viên góp ý"] == 3 and first["Ý kiến chung của chi bộ"] == 1
    assert len(summary) == 1 + len(bloc.section_ids)


async def test_csv_is_what_the_csv_module_writes(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    """Quoting and neutralising happen in SQL: the bytes are still csv.writer's own."""
    await tricky_bloc(sessions, bloc, clock)
    data = await csv_bytes(sessions, bloc)
    again = io.StringIO()
    csv.writer(again, lineterminator="\r\n").writerows(parse(data))
    assert data == codecs.BOM_UTF8 + again.getvalue().encode("utf-8")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Sao_Paulo", "Asia/Ho_Chi_Minh"])
async def test_times_are_local_across_daylight_saving_changes(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, zone: str
) -> None:
    """Times are formatted by the database, to the second, as isoformat() would, on either
    side of a change of offset (and a microsecond before a second, which is not rounded)."""
    tz = ZoneInfo(zone)
    moments = [
        datetime(2027, 3, 28, 0, 59, 59, 999999, tzinfo=UTC),  # Berlin: just before summer time
        datetime(2027, 3, 28, 1, 0, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 0, 59, 59, 999999, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 0, 0, tzinfo=UTC),
        datetime(2031, 1, 15, 23, 30, 0, 500000, tzinfo=UTC),
    ]
    m, cid, s = bloc.members, bloc.consultation.id, bloc.section_ids
    async with UnitOfWork(sessions) as uow:
        for section_id, moment in zip(s, moments, strict=False):
            fill.comment(uow.session, m["an"], section_id, cid, moment, choice="Nhất trí")
        await uow.commit()
    _, *rows = parse(await csv_bytes(sessions, bloc, tz=tz))
    expected = [moment.astimezone(tz).isoformat(timespec="seconds") for moment in moments]
    assert [row[12] for row in rows] == expected
    assert [row[13] for row in rows] == expected


async def test_xlsx_cells_read_as_xlsxwriter_would_write_them(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock
) -> None:
    """The rows' XML is built by the database: markup, control characters and a literal
    _xHHHH_ in a comment read back exactly as from a workbook xlsxwriter wrote cell by cell."""
    odd = ["a & b <c> </t></is>", "<r>not rich</r>", "tab\there, vt\x0bthere", "_x0041_ stays",
           "  spaces around  ", "\ufffe"]
    m, cid, s = bloc.members, bloc.consultation.id, bloc.section_ids
    async with UnitOfWork(sessions) as uow:
        for section_id, text in zip(s, odd, strict=False):
            fill.comment(uow.session, m["an"], section_id, cid, clock.now(), text=text)
        await uow.commit()
    out = io.BytesIO()
    async with sessions() as session:
        assert await export_xlsx(session, out, cid) == len(odd)
    ours = openpyxl.load_workbook(io.BytesIO(out.getvalue()))[strings.EXPORT_SHEET]
    reference = io.BytesIO()
    book = xlsxwriter.Workbook(reference, {"constant_memory": True})
    sheet = book.add_worksheet()
    for row, text in enumerate(odd):
        sheet.write_string(row, 0, text)
    book.close()
    theirs = openpyxl.load_workbook(io.BytesIO(reference.getvalue())).active
    texts = [r[TEXT] for r in ours.iter_rows(min_row=2, values_only=True)]
    expected = [r[0] for r in theirs.iter_rows(values_only=True)]
    # xlsxwriter would pass "<r>…</r>" through as rich-text markup and lose it; we keep it.
    assert texts[1] == "<r>not rich</r>" and expected[1] == ""
    assert texts[:1] + texts[2:] == expected[:1] + expected[2:]


async def test_the_consoles_rows_show_the_text_without_the_files_formula_guard(
    engine: ConversationEngine, sessions: async_sessionmaker[AsyncSession], bloc: Bloc,
) -> None:
    """Vietnamese comments often start with "- ": the CSV guards them with an apostrophe
    (Excel would run them), the console shows them as written."""
    member = Chat(engine, user_id="3001")
    await member.say("11112222")
    await member.tap("Bắt đầu")
    await member.say("- bổ sung số liệu\n- làm rõ chỉ tiêu")
    async with sessions() as session:
        listed = [row async for row in exports.rows(session, bloc.consultation.id)]
        out = io.BytesIO()
        await exports.export_csv(session, out, bloc.consultation.id)

    assert [row[10] for row in listed] == ["- bổ sung số liệu\n- làm rõ chỉ tiêu"]
    assert "\"'- bổ sung số liệu" in out.getvalue().decode("utf-8-sig")
