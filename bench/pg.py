"""A throwaway PostgreSQL for one benchmark run, started the way scripts/with-postgres.sh does."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_PORT = 55480


def pg_bin() -> Path | None:
    """The directory holding initdb/pg_ctl, or None when PostgreSQL is not installed."""
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(Path(directory) / "initdb", os.X_OK):
            return Path(directory)
    return None


def pg_version() -> str | None:
    binary = pg_bin()
    if binary is None:
        return None
    out = subprocess.run([binary / "postgres", "--version"], capture_output=True, text=True,
                         check=False)
    return out.stdout.split()[2] if out.returncode == 0 else None


@contextmanager
def throwaway_postgres(port: int | None = None) -> Iterator[str]:
    """Yields an asyncpg URL to an empty database; the server and its files go on exit.

    Unlike the test script this keeps PostgreSQL's default durability (fsync on,
    synchronous_commit on), to compare fairly with SQLite's synchronous=FULL.
    """
    binary = pg_bin()
    if binary is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    port = port or int(os.environ.get("GOPY_PG_PORT", DEFAULT_PORT))
    data = Path(tempfile.mkdtemp(prefix="gopy-bench-pg."))
    root = os.geteuid() == 0
    if root:
        shutil.chown(data, "postgres")

    def as_owner(*args: str | Path) -> None:
        command = [str(a) for a in args]
        if root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    db = data / "db"
    try:
        as_owner(binary / "initdb", "-D", db, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C.UTF-8")
        as_owner(binary / "pg_ctl", "-D", db, "-l", data / "log", "-w", "-o",
                 f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                 "-c shared_buffers=256MB", "start")
        try:
            as_owner(binary / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                     "gopy_bench")
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/gopy_bench"
        finally:
            as_owner(binary / "pg_ctl", "-D", db, "-m", "immediate", "stop")
    finally:
        shutil.rmtree(data, ignore_errors=True)
