"""One export in a process of its own, so its peak memory is its own:

  python -m bench.export_child DATABASE_URL csv|xlsx OUT_FILE CONSULTATION_ID

Prints one JSON line: rows, seconds, cpu_seconds, rss_before_kb, peak_rss_kb (VmHWM).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from storage.db import create_engine, create_session_factory
from storage.exports import export_csv, export_xlsx
from storage.uow import UnitOfWork


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


async def run(url: str, kind: str, out: Path, consultation_id: int) -> dict[str, float]:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    export = export_xlsx if kind == "xlsx" else export_csv
    before = _status_kb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    with out.open("wb") as file:
        async with UnitOfWork(sessions, write=False) as uow:
            rows = await export(uow.session, file, consultation_id)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    await engine.dispose()
    return {"rows": rows, "seconds": seconds, "cpu_seconds": cpu_seconds,
            "rss_before_kb": before, "peak_rss_kb": _status_kb("VmHWM"),
            "bytes": out.stat().st_size}


if __name__ == "__main__":
    url, kind, out, consultation = sys.argv[1:5]
    print(json.dumps(asyncio.run(run(url, kind, Path(out), int(consultation)))))
