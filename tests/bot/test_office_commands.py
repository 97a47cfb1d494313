"""`gopy progress` and `gopy export` on a real database file."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.engine import ConversationEngine
from tests.conftest import Bloc
from tests.handlers.test_secretary import seed
from tests.support.clock import FakeClock


@pytest.fixture
async def seeded(
    engine: ConversationEngine,
    bloc: Bloc,
    clock: FakeClock,
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    await seed(engine, bloc, clock)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return tmp_path


def test_progress_prints_the_overview_table(seeded: Path) -> None:
    result = CliRunner().invoke(app, ["progress"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "Tổ",
        "chức",
        "cơ",
        "sở",
        "Mã",
        "Chi",
        "bộ",
        "Hoàn",
        "thành",
        "Đang",
        "góp",
        "ý",
        "Đã",
        "chốt",
    ]
    assert [line.split("  ")[0] for line in lines[2:5]] == [
        "Cơ quan Đảng ủy Khối",
        "Đảng bộ Sở Giáo dục",
        "Đảng bộ Sở Giáo dục",
    ]
    assert "1/2" in lines[4] and "GD1" in lines[4]
    assert "Toàn Khối: 1/5 đảng viên hoàn thành (20%)" in result.output
    assert ("Ý kiến chung về toàn văn dự thảo: Tán thành 0 · Tán thành một phần 0 · "
            "Không tán thành 0 · Chưa cho ý kiến 5") in result.output

    one = CliRunner().invoke(app, ["progress", "--cell", "GD1"])
    assert one.exit_code == 0 and "GD2" not in one.output
    assert "✅ Đã hoàn thành (1): Nguyễn Văn An" in one.output
    assert "Không tán thành 0 · Chưa cho ý kiến 2" in one.output  # the cell's two members
    missing = CliRunner().invoke(app, ["progress", "--cell", "NOPE"])
    assert missing.exit_code == 1 and "NOPE" in missing.output


def test_export_writes_csv_and_xlsx(seeded: Path) -> None:
    target = seeded / "out" / "gop-y.csv"
    target.parent.mkdir()
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "Đã xuất 3 dòng" in result.output
    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 4 and rows[1][8] == "Nguyễn Văn An"

    anonymous = seeded / "an.csv"
    result = CliRunner().invoke(
        app, ["export", "--out", str(anonymous), "--cell", "GD1", "--anonymous"]
    )
    assert result.exit_code == 0, result.output
    text = anonymous.read_bytes().decode("utf-8-sig")
    assert "Nguyễn Văn An" not in text and "GD2" not in text and text.count("\r\n") == 3

    book = seeded / "gop-y.xlsx"
    result = CliRunner().invoke(app, ["export", "--format", "xlsx", "--out", str(book)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(book).worksheets[0].max_row == 4

    bad = CliRunner().invoke(app, ["export", "--out", str(seeded / "x.csv"), "--cell", "NOPE"])
    assert bad.exit_code == 1 and not (seeded / "x.csv").exists()
    assert not list(seeded.glob("*.part"))
