"""`gopy draft load --add`: a second document in the running round, from the terminal."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from tests.bot.test_startup import SAMPLE_DRAFT, SAMPLE_ROSTER, gopy, ok

REVIEW = SAMPLE_DRAFT.with_name("du-thao-bao-cao-kiem-diem.txt")


def test_a_document_added_to_the_running_round_and_exported_alone(tmp_path: Path) -> None:
    deadline = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%d 17:00")
    alone = gopy(["draft", "load", str(REVIEW), "--add", "--name", "Báo cáo kiểm điểm"],
                 tmp_path)
    assert alone.returncode == 1 and "Chưa có dự thảo nào" in alone.stderr
    ok(gopy(["draft", "load", str(SAMPLE_DRAFT), "--deadline", deadline,
             "--name", "Báo cáo chính trị"], tmp_path))
    ok(gopy(["roster", "import", str(SAMPLE_ROSTER)], tmp_path))
    both = gopy(["draft", "load", str(REVIEW), "--add", "--deadline", deadline], tmp_path)
    assert both.returncode == 1 and "dùng chung hạn chót" in both.stderr
    added = gopy(["draft", "load", str(REVIEW), "--add", "--name", "Báo cáo kiểm điểm"],
                 tmp_path)
    ok(added)
    assert "Đã thêm văn bản #2 vào đợt lấy ý kiến #1" in added.stdout
    assert f"Hạn chót: 17:00 {deadline[8:10]}/{deadline[5:7]}/{deadline[:4]} · 6 mục" in added.stdout
    progress = gopy(["progress"], tmp_path)
    ok(progress)
    assert "📄 Báo cáo kiểm điểm: 0/30 đã hoàn thành" in progress.stdout
    assert "Cả đợt (2 văn bản)" in progress.stdout
    # The cells' table that follows is one document's, and says so.
    assert "Số liệu theo chi bộ dưới đây là của văn bản «Báo cáo chính trị»" in progress.stdout
    missing = gopy(["export", "--out", "x.csv", "--document", "3"], tmp_path)
    assert missing.returncode == 1
    assert "1. Báo cáo chính trị; 2. Báo cáo kiểm điểm" in missing.stderr
    ok(gopy(["export", "--out", "x.csv", "--document", "2"], tmp_path))
    assert not (tmp_path / "x.csv.part").exists()
