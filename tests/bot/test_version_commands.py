"""`gopy draft load --next-version` and `gopy draft diff`, as the Office types them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import bootstrap
from bot.cli import app
from tests.conftest import ROOT, START, Bloc
from tests.support.clock import FakeClock

LAN5 = ROOT / "content" / "drafts" / "du-thao-bao-cao-chinh-tri-lan-5.txt"


@pytest.fixture
def shell(bloc: Bloc, database_url: str, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    clock = FakeClock(START)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.setattr(bootstrap, "SystemClock", lambda: clock)
    return clock


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_the_fifth_draft_loads_and_diff_lists_exactly_the_three_changes(shell: FakeClock) -> None:
    code, out = _run("draft", "diff")
    assert code == 1 and "mới có một phiên bản" in out
    code, out = _run("draft", "load", str(LAN5), "--next-version")
    assert code == 0, out
    assert out.startswith("Đã nạp Dự thảo lần 5 của «Dự thảo Báo cáo chính trị (lần 5)» "
                          "(phiên bản 2, 23 mục).")
    code, out = _run("draft", "diff")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == ("Dự thảo lần 4 → Dự thảo lần 5: 3 mục sửa, 0 mục thêm, 0 mục bỏ, "
                        "20 mục giữ nguyên.")
    assert [line for line in lines if line.startswith(("~", "+", "-"))] == [
        "~ Mục 4. 2. Khó khăn: đã sửa",
        "~ Mục 18. 2. Các chỉ tiêu chủ yếu: đã sửa",
        "~ Mục 20. 2. Lãnh đạo công tác chính trị, tư tưởng: đã sửa",
    ]
    assert "    … vụ chính trị: - [-90%-] {+95%+} trở lên tổ chức …" in lines
    assert any("{+Đẩy mạnh ứng dụng công nghệ thông tin" in line for line in lines)
    assert _run("draft", "diff", "--from", "1", "--to", "2")[1] == out


def test_bad_input_is_refused_and_changes_nothing(shell: FakeClock, tmp_path: Path) -> None:
    empty = tmp_path / "trong.txt"
    empty.write_text("\n\n", encoding="utf-8")
    code, out = _run("draft", "load", str(empty), "--next-version")
    assert code == 1 and "dự thảo trống" in out
    code, out = _run("draft", "load", str(LAN5), "--next-version", "--document", "99")
    assert code == 1 and "Đợt hiện tại không có văn bản số 99." in out
    code, out = _run("draft", "load", str(LAN5))
    assert code == 1 and "--deadline" in out
    shell.advance(timedelta(days=30))  # past the round's deadline
    code, out = _run("draft", "load", str(LAN5), "--next-version")
    assert code == 1 and "đã kết thúc" in out and "Không có gì thay đổi" in out
    code, out = _run("draft", "diff", "--from", "1", "--to", "2")
    assert code == 1 and "phiên bản 1 đến 1" in out
