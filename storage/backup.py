"""A consistent copy of the SQLite database while the bot keeps writing to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def backup_sqlite(source: Path, target: Path, *, pages_per_step: int = 1024) -> int:
    """Copy with SQLite's online backup API; returns the size in bytes.

    The copy is a snapshot of one moment: writers are not stopped for long (the copy
    advances in steps and restarts itself if the source changed under it), and the
    result never holds half a transaction, unlike copying the file (and its -wal).
    """
    if not source.exists():
        raise FileNotFoundError(source)
    if target.resolve() == source.resolve():
        raise ValueError("the backup must not overwrite the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=pages_per_step)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise RuntimeError("the copy failed SQLite's integrity check")
    finally:
        dst.close()
        src.close()
    partial.replace(target)  # only a complete copy ever carries the target's name
    return target.stat().st_size
