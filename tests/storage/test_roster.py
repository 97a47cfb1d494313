"""Roster import on a real, migrated SQLite file: what the Office sees when it loads members."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Cell, Member, Organization, Role
from storage.roster import (
    ImportReport,
    RosterError,
    RosterErrors,
    access_codes,
    import_roster,
    preview_roster,
    read_roster,
    renew_codes,
)
from storage.uow import UnitOfWork

SAMPLE = Path(__file__).parents[2] / "content" / "sample_roster.csv"
HEADER = "cell_code,cell_name,organization,full_name,phone,role"
GOOD = [
    "A1,Chi bộ Văn phòng,Đảng bộ Sở Y tế,Nguyễn Văn An,0912 345 678,member",
    "A1,Chi bộ Văn phòng,Đảng bộ Sở Y tế,  Trần   Thị  Bình ,+84913000001,secretary",
    "A2,Chi bộ Kế toán,Đảng bộ Sở Y tế,Lê Văn Cường,84913000002,member",
    "VP,Văn phòng Đảng ủy Khối,Cơ quan Đảng ủy Khối,Phạm Thị Dung,0913000003,office",
]


@pytest.fixture
def factory(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """The shared migrated database (SQLite, or PostgreSQL in the second run)."""
    return sessions


def write_csv(folder: Path, lines: list[str], *, header: str = HEADER, bom: bool = False) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "roster.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


async def load(factory: async_sessionmaker[AsyncSession], path: Path) -> ImportReport:
    async with UnitOfWork(factory) as uow:
        report = await import_roster(uow.session, path)
        await uow.commit()
    return report


async def snapshot(
    factory: async_sessionmaker[AsyncSession],
) -> dict[str, list[tuple[object, ...]]]:
    """Every roster row in the database, to prove a failed import wrote nothing."""
    async with factory() as session:
        organizations = (await session.execute(select(Organization.id, Organization.name))).all()
        cells = (
            await session.execute(select(Cell.id, Cell.code, Cell.name, Cell.organization_id))
        ).all()
        members = await session.execute(
            select(
                Member.id,
                Member.cell_id,
                Member.full_name,
                Member.phone,
                Member.role,
                Member.access_code,
            )
        )
        return {
            "organization": sorted(tuple(r) for r in organizations),
            "cell": sorted(tuple(r) for r in cells),
            "member": sorted(tuple(r) for r in members.all()),
        }


async def members_by_phone(factory: async_sessionmaker[AsyncSession]) -> dict[str, Member]:
    async with factory() as session:
        return {m.phone: m for m in await session.scalars(select(Member))}


@pytest.mark.parametrize("bom", [False, True])
async def test_a_good_csv_imports_everyone(factory, tmp_path, bom):
    report = await load(factory, write_csv(tmp_path, GOOD, bom=bom))

    assert report == ImportReport(
        organizations_added=2, cells_added=3, members_added=4, members_unchanged=0
    )
    members = await members_by_phone(factory)
    assert set(members) == {"0912345678", "0913000001", "0913000002", "0913000003"}
    assert members["0913000001"].full_name == "Trần Thị Bình"
    assert members["0913000001"].role is Role.SECRETARY
    assert members["0913000003"].role is Role.OFFICE


async def test_xlsx_with_phones_stored_as_numbers(factory, tmp_path):
    path = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Phone", " Full_Name ", "ROLE", "cell_code", "cell_name", "organization"])
    sheet.append([912345678, "Nguyễn Văn An", "đảng viên", "A1", "Chi bộ 1", "Đảng bộ X"])
    sheet.append([])  # an empty row in the middle is skipped
    sheet.append([913000001.0, "Trần Thị Bình", "Bí thư", "A1", "Chi bộ 1", "Đảng bộ X"])
    book.create_sheet("Ghi chú").append(["not read: only the first sheet is"])
    book.save(path)

    report = await load(factory, path)

    assert report.members_added == 2
    members = await members_by_phone(factory)
    assert members["0912345678"].role is Role.MEMBER
    assert members["0913000001"].role is Role.SECRETARY


async def test_xlsx_errors_name_sheet_rows_and_column_letters(tmp_path):
    path = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["A1", "Chi bộ 1", "Đảng bộ X", "Nguyễn Văn An", 912345678, "member"])
    sheet.append([])
    sheet.append(["A1", "Chi bộ 1", "Đảng bộ X", "Trần Thị Bình", "abc", "member"])
    sheet.append(["A1", "Chi bộ 1", "Đảng bộ X", "Lê Văn Cường", 913000002, "member", "thừa"])
    book.save(path)

    with pytest.raises(RosterErrors) as caught:
        read_roster(path)

    assert [(e.line, e.column) for e in caught.value.errors] == [(4, "phone"), (5, "G")]


async def test_importing_the_same_file_again_changes_nothing(factory, tmp_path):
    path = write_csv(tmp_path, GOOD)
    await load(factory, path)
    before = await snapshot(factory)

    again = await load(factory, path)

    assert again == ImportReport(members_unchanged=4)
    assert await snapshot(factory) == before  # access codes included


async def test_changes_update_members_and_cells_but_keep_codes(factory, tmp_path):
    await load(factory, write_csv(tmp_path, GOOD))
    codes = {p: m.access_code for p, m in (await members_by_phone(factory)).items()}
    changed = [
        "A1,Chi bộ Văn phòng Sở,Đảng bộ Sở Y tế,Nguyễn Văn Ân,0912345678,member",  # renamed
        "A2,Chi bộ Kế toán,Đảng bộ Sở Y tế,Trần Thị Bình,0913000001,member",  # moved, role
        "A2,Chi bộ Kế toán,Đảng bộ Sở Y tế,Lê Văn Cường,0913000002,secretary",
        "A3,Chi bộ Mới,Đảng bộ Mới,Hồ Văn Em,0913000004,secretary",
    ]

    report = await load(factory, write_csv(tmp_path, changed))

    assert report == ImportReport(
        organizations_added=1,
        cells_added=1,
        cells_updated=1,
        members_added=1,
        members_updated=3,
        members_not_in_file=1,
    )
    members = await members_by_phone(factory)
    assert "0913000003" in members  # not in the file, never deleted
    assert members["0912345678"].full_name == "Nguyễn Văn Ân"
    assert members["0913000001"].role is Role.MEMBER
    assert {p: codes[p] for p in codes} == {p: members[p].access_code for p in codes}
    rows = await _codes(factory, "A2")
    assert [r.full_name for r in rows] == ["Lê Văn Cường", "Trần Thị Bình"]
    assert (await _codes(factory, "A1"))[0].cell_name == "Chi bộ Văn phòng Sở"


def row(**changes: str) -> str:
    """A CSV line for a new member of cell A2, with the given fields changed."""
    fields = {
        "cell_code": "A2",
        "cell_name": "Chi bộ Kế toán",
        "organization": "Đảng bộ Sở Y tế",
        "full_name": "Ngô Văn Giàu",
        "phone": "0913000009",
        "role": "member",
    }
    return ",".join((fields | changes).values())


BAD = [
    pytest.param(GOOD[:2] + [row(phone="abc")] + GOOD[2:], HEADER, 4, "phone", id="bad phone"),
    pytest.param(GOOD + [row(role="chủ tịch")], HEADER, 6, "role", id="unknown role"),
    pytest.param(
        [r.rsplit(",", 1)[0] for r in GOOD], HEADER.rsplit(",", 1)[0], 1, "role", id="no column"
    ),
    pytest.param([r + ",x" for r in GOOD], HEADER + ",email", 1, "email", id="extra column"),
    pytest.param(GOOD + [row(full_name="  ")], HEADER, 6, "full_name", id="empty field"),
    pytest.param(GOOD + [row(phone="0912.345.678")], HEADER, 6, "phone", id="same phone"),
    pytest.param(GOOD + [row(cell_name="Chi bộ Kế")], HEADER, 6, "cell_name", id="cell renamed"),
    pytest.param(GOOD + [row(organization="Khác")], HEADER, 6, "organization", id="cell moved"),
    pytest.param(GOOD + [row().rsplit(",", 1)[0]], HEADER, 6, "role", id="too few fields"),
    pytest.param(GOOD + [row() + ",x"], HEADER, 6, "7", id="too many fields"),
    pytest.param(GOOD + [row(full_name="Ngô" * 70)], HEADER, 6, "full_name", id="overlong"),
]


@pytest.mark.parametrize(("lines", "header", "line", "column"), BAD)
async def test_a_bad_row_names_line_and_column_and_imports_nothing(
    factory, tmp_path, lines, header, line, column
):
    await load(
        factory,
        write_csv(tmp_path / "earlier", ["B1,Chi bộ B,Đảng bộ B,Đỗ Văn Hai,0988000001,member"]),
    )
    before = await snapshot(factory)

    with pytest.raises(RosterErrors) as caught:
        await load(factory, write_csv(tmp_path, lines, header=header))

    assert [(e.line, e.column) for e in caught.value.errors] == [(line, column)]
    assert await snapshot(factory) == before


def test_every_bad_row_is_reported_in_words_the_office_can_act_on(tmp_path):
    lines = GOOD + [f"A2,Chi bộ Kế toán,Đảng bộ Sở Y tế,Người {i},abc{i},member" for i in range(25)]

    with pytest.raises(RosterErrors) as caught:
        read_roster(write_csv(tmp_path, lines))

    errors = caught.value.errors
    assert len(errors) == 25 and all(isinstance(e, RosterError) for e in errors)
    assert str(errors[0]) == 'roster.csv, dòng 6, cột phone: số điện thoại "abc0" không hợp lệ'
    text = str(caught.value)
    assert text.count("roster.csv, dòng") == 20
    assert "chưa nhập dòng nào" in text and "5 lỗi khác" in text


def test_header_and_empty_lines_are_forgiving(tmp_path):
    header = "\ufeff Full_Name , PHONE,role,cell_code,cell_name,organization"
    lines = ["", "Nguyễn Văn An,0912345678,Đảng viên,A1,Chi bộ 1,Đảng bộ X", ",,,,,", "   "]
    lines.append("Trần Thị Bình,0913000001,VĂN PHÒNG,VP,Văn phòng,Cơ quan")

    rows = read_roster(write_csv(tmp_path, lines, header=header))

    assert [(r.line, r.full_name, r.role) for r in rows] == [
        (3, "Nguyễn Văn An", Role.MEMBER),
        (6, "Trần Thị Bình", Role.OFFICE),
    ]


def test_semicolon_csv_from_a_vietnamese_excel(tmp_path):
    lines = [line.replace(",", ";") for line in GOOD]
    assert len(read_roster(write_csv(tmp_path, lines, header=HEADER.replace(",", ";")))) == 4


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(("\n".join([HEADER, *GOOD[:2]]) + "\n").encode("cp1258", errors="replace"))

    with pytest.raises(RosterErrors) as caught:
        read_roster(path)

    assert caught.value.errors[0].line == 2 and "UTF-8" in str(caught.value)


def test_a_header_without_members_is_an_error(tmp_path):
    with pytest.raises(RosterErrors):
        read_roster(write_csv(tmp_path, []))


async def test_the_sample_roster_imports_cleanly(factory):
    report = await load(factory, SAMPLE)

    assert SAMPLE.read_bytes().startswith(b"\xef\xbb\xbf")
    assert report.members_added == len(SAMPLE.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert report.organizations_added == 4
    first = read_roster(SAMPLE)[0]
    assert (first.phone, first.role) == ("0912345678", Role.MEMBER)
    rows = await _codes(factory)
    assert {r.cell_code for r in rows if r.role is Role.OFFICE} == {"VP"}
    assert sum(r.role is Role.OFFICE for r in rows) == 2
    secretaries = [r.cell_code for r in rows if r.role is Role.SECRETARY]
    assert sorted(secretaries) == sorted({r.cell_code for r in rows} - {"VP"})


async def test_codes_are_unique_eight_digit_strings(factory):
    await load(factory, SAMPLE)
    codes = [r.access_code for r in await _codes(factory)]

    assert len(set(codes)) == len(codes)
    assert all(len(c) == 8 and c.isdigit() and c[0] != "0" for c in codes)


async def test_access_codes_by_cell_and_unknown_cell(factory, tmp_path):
    await load(factory, write_csv(tmp_path, GOOD))

    everyone = await _codes(factory)
    a1 = await _codes(factory, "A1")

    assert [r.organization for r in everyone] == ["Cơ quan Đảng ủy Khối"] + ["Đảng bộ Sở Y tế"] * 3
    assert [(r.full_name, r.phone) for r in a1] == [
        ("Nguyễn Văn An", "0912345678"),
        ("Trần Thị Bình", "0913000001"),
    ]
    with pytest.raises(LookupError, match="ZZ"):
        await _codes(factory, "ZZ")


async def test_renewing_codes_replaces_them(factory, tmp_path):
    await load(factory, write_csv(tmp_path, GOOD))
    old = {r.phone: r.access_code for r in await _codes(factory)}

    async with UnitOfWork(factory) as uow:
        assert await renew_codes(uow.session, "A1") == 2
        await uow.commit()
    new = {r.phone: r.access_code for r in await _codes(factory)}

    assert new["0912345678"] != old["0912345678"] and new["0913000001"] != old["0913000001"]
    assert new["0913000002"] == old["0913000002"]
    assert len(set(new.values()) | set(old.values())) == 6
    async with UnitOfWork(factory) as uow:
        assert await renew_codes(uow.session) == 4
        with pytest.raises(LookupError):
            await renew_codes(uow.session, "ZZ")


async def test_a_whole_bloc_imports_quickly(factory, tmp_path):
    lines = []
    for n in range(6021):
        cell = n // 20
        organization = cell * 83 // 302
        role = "secretary" if n % 20 == 0 else "member"
        lines.append(
            f"C{cell:03d},Chi bộ {cell},Đảng bộ cơ sở {organization},Đảng viên Số {n},09{n:08d},{role}"
        )
    path = write_csv(tmp_path, lines)

    started = time.perf_counter()
    report = await load(factory, path)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = await load(factory, path)
    second = time.perf_counter() - started

    print(f"\n6,021 members: first import {first:.2f}s, re-import {second:.2f}s")
    assert report.members_added == 6021 and report.cells_added == 302
    assert again.members_unchanged == 6021


async def _codes(factory: async_sessionmaker[AsyncSession], cell: str | None = None):
    async with factory() as session:
        return await access_codes(session, cell)


async def test_preview_counts_what_the_import_would_do_and_writes_nothing(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await load(factory, write_csv(tmp_path / "first", GOOD[:2]))
    before = await snapshot(factory)
    changed = GOOD[:1] + ["A1,Chi bộ Văn phòng,Đảng bộ Sở Y tế,Trần Thị Bình Mới,+84913000001,secretary"]
    path = write_csv(tmp_path / "second", changed + GOOD[2:])
    async with UnitOfWork(factory) as uow:
        planned = await preview_roster(uow.session, path)
        await uow.commit()
    assert await snapshot(factory) == before
    assert (planned.members_added, planned.members_updated, planned.members_unchanged) == (2, 1, 1)
    assert (planned.organizations_added, planned.cells_added) == (1, 2)
    assert await load(factory, path) == planned
