"""Unit of work: one transaction per incoming event; queries never commit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import WRITE, Turn, write_turn


class UnitOfWork:
    """`async with uow:` opens a session; `commit()` is the only way anything is saved."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *, write: bool = True):
        self._factory = session_factory
        self._write = write
        self._session: AsyncSession | None = None
        self._turn = Turn()

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._factory()
        if self._write:
            self._turn = await write_turn(self._session)
            try:
                await self._session.connection(execution_options=WRITE)
            except BaseException:
                self._turn.release()
                await self._session.close()
                raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        # close() rolls back whatever was not committed, and unlike rollback() it
        # leaves loaded objects readable (detached, not expired) for the caller.
        try:
            await session.close()
        finally:
            if self._write:
                self._turn.release()

    async def commit(self) -> None:
        await self.session.commit()
