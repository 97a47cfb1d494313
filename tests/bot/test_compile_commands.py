"""`gopy compile …` and `gopy report` on a real database file, as the Office types them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from storage.consultations import list_sections
from storage.models import Cell
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.support.clock import FakeClock
from tests.support.compile_bloc import add_comments


@pytest.fixture
async def commented(
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock,
    database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with UnitOfWork(sessions) as uow:
        s = uow.session
        cells = list((await s.execute(select(Cell).order_by(Cell.id))).scalars())
        await add_comments(s, bloc.consultation.id, list(await list_sections(s, bloc.consultation.id)),
                           cells, clock.now())
        await uow.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_office_compiles_from_the_terminal(commented: None, tmp_path: Path) -> None:
    assert "nhóm" in _run("compile", "group")
    listing = _run("compile", "list", "--full")
    groups = [int(g) for g in re.findall(r"^  \[(\d+)\]", listing, re.MULTILINE)]
    items = [int(i) for i in re.findall(r"^      #(\d+) ", listing, re.MULTILINE)]
    assert groups and items
    assert "Đảng viên 0" in listing  # the Office's own listing names who said it
    _run("compile", "move", str(items[0]), "--to", str(groups[1]))
    refused = CliRunner().invoke(app, ["compile", "decide", str(groups[0]), "tiep-thu", " "])
    assert refused.exit_code == 1 and "Cần ghi nội dung" in refused.output
    wrong = CliRunner().invoke(app, ["compile", "decide", str(groups[0]), "dong-y", "x"])
    assert wrong.exit_code == 1 and "giai-trinh" in wrong.output
    member = CliRunner().invoke(app, ["compile", "decide", str(groups[0]), "ghi-nhan", "x",
                                      "--by", "0912345678"])
    assert member.exit_code == 1 and "không thuộc Văn phòng" in member.output
    for group in re.findall(r"^  \[(\d+)\]", _run("compile", "list"), re.MULTILINE):
        _run("compile", "decide", group, "giai-trinh", f"Giữ nguyên dự thảo (nhóm {group}).",
             "--by", "0909000111")
    assert "còn 0." in _run("compile", "progress")
    out = tmp_path / "bao-cao.docx"
    assert "Đã ghi báo cáo" in _run("report", "--format", "docx", "--out", str(out))
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Đề xuất: Giải trình. Giữ nguyên dự thảo" in text
    book = tmp_path / "bao-cao.xlsx"
    _run("report", "--format", "xlsx", "--out", str(book), "--named")
    rows = list(load_workbook(book).active.iter_rows(values_only=True))
    assert rows[1][10] == "Giải trình" and rows[1][12] == "Võ Thị Hoa"
