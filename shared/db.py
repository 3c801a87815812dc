"""Database helpers: engines, sessions, naming convention, types for PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, Table, TypeDecorator, event, inspect, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import NullPool

from shared.clock import Clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on both dialects (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")


TYPE_ANNOTATION_MAP: dict[Any, Any] = {datetime: UTCDateTime, dict[str, Any]: JSONDocument}

# The tables every service has (outbox, inbox, dead letters, audit) live here; each service's
# migrations create them in its own database beside its own tables.
plumbing_metadata = new_metadata()


class Versioned:
    """Every change to the aggregate is a compare-and-set on its version.

    The ORM writes `UPDATE ... SET version = :seen + 1 WHERE id = :id AND version = :seen`; when
    another transaction changed the row first, no row matches and the flush raises
    `StaleDataError`, answered 409. This holds on SQLite (which ignores FOR UPDATE) as on
    PostgreSQL: one winner per conflict, and the loser's outbox rows roll back with it.
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


async def claim(session: AsyncSession, aggregate: Versioned) -> None:
    """A compare-and-set on an aggregate root whose own columns do not change, when a change
    to it adds child rows (a consent, a plan version): of two racing changes one commits, the
    other raises `StaleDataError` (409), on SQLite as on PostgreSQL."""
    table = inspect(aggregate).mapper.local_table
    seen = aggregate.version
    claimed = await session.execute(
        update(table)
        .where(table.c.id == inspect(aggregate).identity[0], table.c.version == seen)
        .values(version=seen + 1)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDataError(f"{table.name} changed by another request")
    set_committed_value(aggregate, "version", seen + 1)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(url, poolclass=NullPool, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "before_execute", _sqlite_lock_for_update)
        return engine
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # No pre-ping: it costs a round trip per request. A connection found dead raises a
        # disconnect error, which answers 503 and empties the pool, so the next request recovers.
        pool_timeout=5,
        connect_args={"timeout": 5, "command_timeout": 30},
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_lock_for_update(connection: Any, statement: Any, *_args: Any, **_kwargs: Any) -> None:
    """`SELECT ... FOR UPDATE` on SQLite takes the database's write lock first (`BEGIN
    IMMEDIATE`), as PostgreSQL takes the row's: what is read is then current until the commit,
    so a request and an event handler touching one aggregate queue instead of one losing its
    compare-and-set. Outside a transaction only: the driver opens one at the first write, and a
    transaction that has written holds the lock already."""
    if getattr(statement, "_for_update_arg", None) is None:
        return
    driver = connection.connection.dbapi_connection
    if not driver._connection.in_transaction:  # aiosqlite's connection under SQLAlchemy's adapter
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def insert_if_absent(session: AsyncSession, table: Table, row: dict[str, Any]) -> bool:
    """Insert unless the primary key exists; True when this call inserted it."""
    return bool(await insert_absent(session, table, [row]))


async def insert_absent(
    session: AsyncSession, table: Table, rows: list[dict[str, Any]]
) -> set[Any]:
    """Insert, in one statement, the rows whose single-column primary key is not there yet;
    returns the keys this call inserted."""
    dialect_insert = pg_insert if dialect_of(session) == "postgresql" else sqlite_insert
    [key] = table.primary_key.columns
    stmt = dialect_insert(table).values(rows).on_conflict_do_nothing(index_elements=[key.name])
    return set((await session.execute(stmt.returning(key))).scalars())


async def upsert(session: AsyncSession, table: Table, row: dict[str, Any]) -> None:
    """Insert the row, or overwrite the one with its primary key."""
    await upsert_all(session, table, [row])


async def upsert_all(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """`upsert` of each row in turn, in one statement: of rows with the same primary key the last
    is the one kept (one statement may not touch a row twice)."""
    keys = [column.name for column in table.primary_key.columns]
    last = {tuple(row[k] for k in keys): row for row in rows}
    if not last:
        return
    dialect_insert = pg_insert if dialect_of(session) == "postgresql" else sqlite_insert
    stmt = dialect_insert(table).values(list(last.values()))
    changed = {name: stmt.excluded[name] for name in rows[0] if name not in keys}
    await session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changed))


@dataclass(frozen=True)
class SessionContext:
    """What a handler may need of its running service besides the database: read it here."""

    service: str
    clock: Clock
    settings: object


_CONTEXT = "llr.context"


def context_of(session: AsyncSession | Session) -> SessionContext:
    """The one accessor for the service, clock and settings a session was opened with."""
    context: SessionContext = session.info[_CONTEXT]
    return context


def now(session: AsyncSession | Session) -> datetime:
    """The current instant on the service's clock (tests and journeys move it)."""
    return context_of(session).clock.now()


def today(session: AsyncSession) -> date:
    """Today on the service's clock: the one way to say "today" in a handler or query."""
    return now(session).date()


def sessionmaker(
    engine: AsyncEngine, *, service: str, clock: Clock, settings: object = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions carry their service's name, clock and settings, read back with `context_of`."""
    info = {_CONTEXT: SessionContext(service, clock, settings)}
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info)
