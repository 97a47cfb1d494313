"""Updates already handled: platforms deliver at least once, so each is recorded by key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import insert_for
from storage.models import HandledUpdate


async def first_time(session: AsyncSession, key: str, now: datetime) -> bool:
    """Record the update as handled, in one statement; False if it already was.

    On PostgreSQL a second worker handling the same update waits here for the first
    one's transaction, then finds the key and drops its copy."""
    result = await session.execute(
        insert_for(session, HandledUpdate)
        .values(key=key, handled_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return bool(getattr(result, "rowcount", 0))
