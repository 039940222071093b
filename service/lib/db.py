"""Database engine, sessions and the unit of work shared by API, jobs and CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs (as Docker and managed services print them)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def async_url(url: str) -> str:
    """The same database for the asyncio engine: asyncpg, with the same host/socket and user."""
    parsed = make_url(normalise_url(url))
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


class DatabaseUnavailableError(RuntimeError):
    """The connection to Postgres was lost mid-request; nothing was committed by it."""


def is_disconnect(exc: BaseException) -> bool:
    """A lost connection (Postgres restarted, connection terminated), not a bad statement."""
    import asyncpg

    lost = (
        asyncpg.PostgresConnectionError
        | asyncpg.InterfaceError
        | asyncpg.exceptions.OperatorInterventionError
        | ConnectionError
        | TimeoutError
    )
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        # SQLAlchemy wraps the driver's error (and the adapter wraps asyncpg's): a connection
        # left mid-operation by a terminated backend says "cannot switch to state …", which is
        # the connection being gone, not the statement being wrong.
        inner = exc.orig
        return isinstance(inner, lost) or isinstance(getattr(inner, "__cause__", None), lost)
    return isinstance(exc, lost)


@dataclass
class Database:
    """One engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 5) -> Database:
        # Vectors travel as pgvector's text form through the Vector column type and
        # explicit casts, so no per-connection type registration is needed.
        # hide_parameters: an error's message would otherwise carry the bound values (a
        # partner's words in a search query) into logs and the failed-job registry in Redis.
        engine = create_engine(
            normalise_url(url),
            pool_size=pool_size,
            max_overflow=10,
            pool_pre_ping=True,
            hide_parameters=True,
        )
        return cls(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


@dataclass
class AsyncDatabase:
    """The API's engine: SQLAlchemy asyncio on asyncpg, so a request never holds a thread while
    it waits for Postgres. Workers and the CLI stay on :class:`Database` (same models)."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 16, max_overflow: int = 0) -> AsyncDatabase:
        # No pre-ping: it would add a round trip to every request. A connection that died
        # (Postgres restarted) fails its statement, is dropped, and the client may retry;
        # recycling keeps long-idle connections from being cut by proxies.
        engine = create_async_engine(
            async_url(url),
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_recycle=1800,
            pool_timeout=10,
            hide_parameters=True,  # as above: no bound values in error messages
        )
        return cls(engine=engine, sessions=async_sessionmaker(engine, expire_on_commit=False))

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session that commits on success and rolls back on any error."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run domain code written for a sync ``Session`` in one transaction, on this engine.

        SQLAlchemy drives the sync code on the event loop's greenlet: its queries are awaited
        asyncpg calls, so no thread is held while Postgres works.
        """
        async with self.unit_of_work() as session:
            return await session.run_sync(work)

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A connection without BEGIN/COMMIT round trips, for single atomic statements."""
        async with self.engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def driver(self) -> AsyncIterator[Any]:
        """The pooled asyncpg connection itself (autocommit), for the few hot single statements
        where SQLAlchemy's execution layer would cost more than the round trip.

        Used raw, a connection that Postgres dropped (a restart, ``pg_terminate_backend``)
        would go back to the pool and fail every later request: SQLAlchemy only notices
        disconnects in its own execution layer. So such an error invalidates the connection
        here (the pool opens a fresh one next time) and becomes a 503 the client may retry.
        """
        async with self.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            try:
                yield raw.driver_connection
            except Exception as exc:
                if not is_disconnect(exc):
                    raise
                await conn.invalidate(exc)
                raise DatabaseUnavailableError from exc

    async def ping(self) -> None:
        async with self.autocommit() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
