"""The standalone platform's SQLite: a locking read queues writers as PostgreSQL's row lock does."""

import asyncio
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Versioned, create_engine


class Base(DeclarativeBase):
    pass


class Counter(Versioned, Base):
    __tablename__ = "counter"
    id: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


async def test_locking_reads_queue_on_sqlite_so_no_change_is_lost(tmp_path: Path) -> None:
    """Ten transactions read one row FOR UPDATE (after another read), pause, and change it: each
    waits for the one before and reads what it wrote; none loses its compare-and-set."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'lock.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await connection.execute(text("INSERT INTO counter (id, count, version) VALUES (1, 0, 1)"))
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def add_one() -> None:
        async with sessions() as session:
            await session.scalar(select(Counter).where(Counter.id == 2))  # a read before the lock
            counter = await session.scalar(select(Counter).where(Counter.id == 1).with_for_update())
            assert counter is not None
            await asyncio.sleep(0.02)  # others try meanwhile
            counter.count += 1
            await session.commit()

    outcomes = await asyncio.gather(*(add_one() for _ in range(10)), return_exceptions=True)
    assert [o for o in outcomes if o is not None] == []
    async with sessions() as session:
        counter = await session.get(Counter, 1)
        assert counter is not None
        assert (counter.count, counter.version) == (10, 11)
    await engine.dispose()
