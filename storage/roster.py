"""The roster: check a CSV/XLSX list of members, upsert it, and hand out access codes."""

from __future__ import annotations

import csv
import io
import secrets
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import String, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from content import strings
from content.text import fold
from storage import audit
from storage.audit import AuditAction
from storage.models import Cell, Member, Organization, Role
from storage.phones import normalize_phone

COLUMNS = ("cell_code", "cell_name", "organization", "full_name", "phone", "role")
ROLE_NAMES = {
    "member": Role.MEMBER,
    "dang vien": Role.MEMBER,
    "secretary": Role.SECRETARY,
    "bi thu": Role.SECRETARY,
    "bi thu chi bo": Role.SECRETARY,
    "office": Role.OFFICE,
    "van phong": Role.OFFICE,
}  # keys folded: lower case, no diacritics
MAX_ERRORS_SHOWN = 20


def _max_length(column: Any) -> int:
    type_: String = column.property.columns[0].type
    assert type_.length is not None
    return type_.length


MAX_LENGTH = {
    "cell_code": _max_length(Cell.code),
    "cell_name": _max_length(Cell.name),
    "organization": _max_length(Organization.name),
    "full_name": _max_length(Member.full_name),
}


class RosterError(ValueError):
    """One problem in a roster file, located so the Office can find and fix it."""

    def __init__(self, path: str, line: int, column: str, message: str) -> None:
        super().__init__(path, line, column, message)
        self.path, self.line, self.column, self.message = path, line, column, message

    def __str__(self) -> str:
        where = [Path(self.path).name]
        if self.line:
            where.append(strings.ROSTER_AT_LINE.format(line=self.line))
        if self.column:
            where.append(strings.ROSTER_AT_COLUMN.format(column=self.column))
        return f"{', '.join(where)}: {self.message}"


class RosterErrors(ValueError):
    """Every problem found in a file; when raised, nothing of the file was imported."""

    def __init__(self, errors: list[RosterError]) -> None:
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        name = Path(self.errors[0].path).name if self.errors else ""
        lines = [strings.ROSTER_ERRORS_HEAD.format(name=name, count=len(self.errors))]
        lines += [str(e) for e in self.errors[:MAX_ERRORS_SHOWN]]
        if len(self.errors) > MAX_ERRORS_SHOWN:
            lines.append(strings.ROSTER_ERRORS_MORE.format(count=len(self.errors) - MAX_ERRORS_SHOWN))
        return "\n".join(lines)


@dataclass(frozen=True)
class RosterRow:
    line: int
    cell_code: str
    cell_name: str
    organization: str
    full_name: str
    phone: str  # normalised
    role: Role


@dataclass(frozen=True)
class ImportReport:
    organizations_added: int = 0
    cells_added: int = 0
    cells_updated: int = 0
    members_added: int = 0
    members_updated: int = 0
    members_unchanged: int = 0
    members_not_in_file: int = 0  # kept as they are: their comments must never be lost


@dataclass(frozen=True)
class CodeRow:
    organization: str
    cell_code: str
    cell_name: str
    full_name: str
    phone: str
    role: Role
    access_code: str


# ---- Reading --------------------------------------------------------------


@dataclass
class _Sheet:
    rows: list[tuple[int, list[str]]]  # (file line or sheet row, fields)
    padded: bool  # XLSX: a row ending early only has empty cells, not missing fields
    label: Callable[[int], str]  # 1-based position → column as the Office sees it


def _fail(path: Path, line: int, message: str) -> RosterErrors:
    return RosterErrors([RosterError(str(path), line, "", message)])


def _read_csv(path: Path) -> _Sheet:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _fail(path, data[: e.start].count(b"\n") + 1, strings.ROSTER_NOT_UTF8) from e
    # Excel in a Vietnamese locale saves "CSV" with semicolons.
    delimiter = max(",;\t", key=text.split("\n", 1)[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            rows.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as e:
        raise _fail(path, reader.line_num, strings.ROSTER_BAD_CSV.format(detail=e)) from e
    return _Sheet(rows, padded=False, label=str)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone stored as a number: 912345678.0
    return str(value)


def _read_xlsx(path: Path) -> _Sheet:
    # Imported here: openpyxl pulls in numpy when it is installed (~0.2 s for every command).
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise _fail(path, 0, strings.ROSTER_BAD_XLSX.format(detail=e)) from e
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong sheet size
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            fields = [_cell_text(v) for v in values]
            while fields and not fields[-1].strip():
                fields.pop()
            rows.append((number, fields))
    finally:
        book.close()
    return _Sheet(rows, padded=True, label=get_column_letter)


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class _Checker:
    """Checks data rows one by one, remembering what earlier rows said."""

    path: str
    columns: list[str]  # in file order
    sheet: _Sheet
    errors: list[RosterError] = field(default_factory=list)
    phones: dict[str, int] = field(default_factory=dict)
    cells: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RosterError(self.path, line, column, message))

    def check(self, line: int, fields: list[str]) -> RosterRow | None:
        width = len(self.columns)
        if self.sheet.padded:
            fields = fields + [""] * (width - len(fields))
        if len(fields) != width:
            column = (
                self.columns[len(fields)] if len(fields) < width else self.sheet.label(width + 1)
            )
            self.error(line, column, strings.ROSTER_FIELD_COUNT.format(found=len(fields), expected=width))
            return None
        before = len(self.errors)
        raw = {name: _clean(value) for name, value in zip(self.columns, fields)}
        for name in self.columns:
            limit = MAX_LENGTH.get(name)
            if not raw[name]:
                self.error(line, name, strings.ROSTER_EMPTY_FIELD)
            elif limit is not None and len(raw[name]) > limit:
                self.error(line, name, strings.ROSTER_TOO_LONG.format(length=len(raw[name]), limit=limit))
        phone = normalize_phone(raw["phone"]) if raw["phone"] else None
        if raw["phone"] and phone is None:
            self.error(line, "phone", strings.ROSTER_BAD_PHONE.format(value=raw["phone"]))
        elif phone is not None and phone in self.phones:
            self.error(
                line, "phone", strings.ROSTER_REPEATED_PHONE.format(phone=phone, line=self.phones[phone])
            )
        elif phone is not None:
            self.phones[phone] = line
        role = ROLE_NAMES.get(fold(raw["role"]))
        if raw["role"] and role is None:
            self.error(line, "role", strings.ROSTER_BAD_ROLE.format(value=raw["role"]))
        self._check_cell(line, raw["cell_code"], raw["cell_name"], raw["organization"])
        if len(self.errors) > before or phone is None or role is None:
            return None
        return RosterRow(
            line,
            raw["cell_code"],
            raw["cell_name"],
            raw["organization"],
            raw["full_name"],
            phone,
            role,
        )

    def _check_cell(self, line: int, code: str, name: str, organization: str) -> None:
        if not (code and name and organization):
            return
        if code not in self.cells:
            self.cells[code] = (name, organization, line)
            return
        first_name, first_organization, first_line = self.cells[code]
        if name != first_name:
            message = strings.ROSTER_CELL_NAME_CONFLICT.format(code=code, other=first_name, line=first_line)
            self.error(line, "cell_name", message)
        if organization != first_organization:
            message = strings.ROSTER_CELL_ORG_CONFLICT.format(
                code=code, other=first_organization, line=first_line
            )
            self.error(line, "organization", message)


def _header(path: Path, line: int, fields: list[str], sheet: _Sheet) -> list[str]:
    """The column names in file order; any case or spacing, BOM stripped."""
    names = [" ".join(f.replace("\ufeff", "").split()).lower() for f in fields]
    problems: list[tuple[str, str]] = []
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append((sheet.label(position), strings.ROSTER_UNNAMED_COLUMN))
        elif name not in COLUMNS:
            problems.append((name, strings.ROSTER_UNKNOWN_COLUMN.format(columns=",".join(COLUMNS))))
        elif name in names[: position - 1]:
            problems.append((name, strings.ROSTER_REPEATED_COLUMN))
    problems += [(column, strings.ROSTER_MISSING_COLUMN) for column in COLUMNS if column not in names]
    if problems:
        raise RosterErrors([RosterError(str(path), line, c, m) for c, m in problems])
    return names


def read_roster(path: Path) -> list[RosterRow]:
    """Read and check a whole roster file without a database; raises RosterErrors."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _fail(path, 0, strings.ROSTER_OLD_XLS)
    sheet = _read_xlsx(path) if suffix in (".xlsx", ".xlsm") else _read_csv(path)
    rows = [(line, fields) for line, fields in sheet.rows if any(f.strip() for f in fields)]
    if not rows:
        raise _fail(path, 1, strings.ROSTER_EMPTY_FILE.format(columns=",".join(COLUMNS)))
    (header_line, header), *body = rows
    checker = _Checker(str(path), _header(path, header_line, header, sheet), sheet)
    checked = [checker.check(line, fields) for line, fields in body]
    if checker.errors:
        raise RosterErrors(checker.errors)
    if not body:
        raise _fail(path, header_line + 1, strings.ROSTER_NO_MEMBERS)
    return [row for row in checked if row is not None]


# ---- Writing --------------------------------------------------------------


def _new_code(taken: set[str]) -> str:
    """8 digits, never starting with 0 so a spreadsheet cannot shorten it."""
    while True:
        code = str(10_000_000 + secrets.randbelow(90_000_000))
        if code not in taken:
            taken.add(code)
            return code


async def preview_roster(session: AsyncSession, path: Path) -> ImportReport:
    """What import_roster would change, computed by the same rules and writing nothing."""
    rows = read_roster(path)
    async with session.begin_nested() as savepoint:
        report = await _apply(session, rows)
        await savepoint.rollback()
    return report


async def import_roster(
    session: AsyncSession, path: Path, *, now: datetime | None = None, by: Member | None = None
) -> ImportReport:
    """Check the file, then upsert it in the caller's transaction (the caller commits);
    recorded in the audit log."""
    report = await _apply(session, read_roster(path))
    audit.record(session, AuditAction.ROSTER_IMPORTED, now or datetime.now(UTC), by=by,
                 detail={"file": path.name, **asdict(report)})
    return report


async def _apply(session: AsyncSession, rows: list[RosterRow]) -> ImportReport:
    """Upsert checked rows: cells by code, members by phone; flushed, not committed."""
    cells, counts = await _upsert_cells(session, rows)
    members = {m.phone: m for m in await session.scalars(select(Member))}
    taken = {m.access_code for m in members.values()}
    new: list[dict[str, Any]] = []
    updated = 0
    for row in rows:
        cell_id = cells[row.cell_code].id
        member = members.get(row.phone)
        if member is None:
            values = {"full_name": row.full_name, "phone": row.phone, "role": row.role}
            new.append(values | {"cell_id": cell_id, "access_code": _new_code(taken)})
        elif (member.full_name, member.cell_id, member.role) != (row.full_name, cell_id, row.role):
            member.full_name, member.cell_id, member.role = row.full_name, cell_id, row.role
            updated += 1
    if new:
        # A bulk INSERT: one executemany instead of one statement per new member.
        await session.execute(insert(Member), new)
    await session.flush()
    return ImportReport(
        **counts,
        members_added=len(new),
        members_updated=updated,
        members_unchanged=len(rows) - len(new) - updated,
        members_not_in_file=len(members.keys() - {row.phone for row in rows}),
    )


async def _upsert_cells(
    session: AsyncSession, rows: list[RosterRow]
) -> tuple[dict[str, Cell], dict[str, int]]:
    """Organizations by name, cells by code; flushed so members can point at them."""
    organizations = {o.name: o for o in await session.scalars(select(Organization))}
    cells = {c.code: c for c in await session.scalars(select(Cell))}
    counts = dict.fromkeys(("organizations_added", "cells_added", "cells_updated"), 0)
    seen: set[str] = set()
    for row in rows:
        organization = organizations.get(row.organization)
        if organization is None:
            organization = organizations[row.organization] = Organization(name=row.organization)
            session.add(organization)
            counts["organizations_added"] += 1
        if row.cell_code in seen:
            continue
        seen.add(row.cell_code)
        cell = cells.get(row.cell_code)
        if cell is None:
            cell = Cell(code=row.cell_code, name=row.cell_name, organization=organization)
            cells[row.cell_code] = cell
            session.add(cell)
            counts["cells_added"] += 1
        elif cell.name != row.cell_name or cell.organization_id != organization.id:
            cell.name, cell.organization = row.cell_name, organization
            counts["cells_updated"] += 1
    await session.flush()
    return cells, counts


async def _cell_by_code(session: AsyncSession, code: str) -> Cell:
    cell = await session.scalar(select(Cell).where(Cell.code == code))
    if cell is None:
        raise LookupError(strings.ROSTER_UNKNOWN_CELL.format(code=code))
    return cell


async def access_codes(session: AsyncSession, cell_code: str | None = None) -> list[CodeRow]:
    """Everyone's code, for the Office to hand out; ordered by organization, cell, name."""
    query = (
        select(
            Organization.name,
            Cell.code,
            Cell.name,
            Member.full_name,
            Member.phone,
            Member.role,
            Member.access_code,
        )
        .join_from(Member, Cell, Member.cell_id == Cell.id)
        .join(Organization, Cell.organization_id == Organization.id)
    )
    if cell_code is not None:
        query = query.where(Member.cell_id == (await _cell_by_code(session, cell_code)).id)
    rows = [CodeRow(*row) for row in await session.execute(query)]
    # Folded keys so "Đặng" sorts among the D's, not after "Z".
    return sorted(
        rows, key=lambda r: (fold(r.organization), r.cell_code, fold(r.full_name), r.phone)
    )


async def renew_codes(session: AsyncSession, cell_code: str | None = None) -> int:
    """New codes for a cell (or everyone) when codes have leaked; old codes stop working."""
    query = select(Member)
    if cell_code is not None:
        query = query.where(Member.cell_id == (await _cell_by_code(session, cell_code)).id)
    targets = list(await session.scalars(query))
    taken = set(await session.scalars(select(Member.access_code)))
    for member in targets:
        member.access_code = _new_code(taken)
    await session.flush()
    return len(targets)
