"""A tiny service used only by the kernel's tests: things happen, their effects are counted."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from fastapi import APIRouter
from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import TYPE_ANNOTATION_MAP, new_metadata
from shared.events import Event
from shared.service import ServiceSpec


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class Effect(Base):
    __tablename__ = "effects"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    thing_id: Mapped[str] = mapped_column(String(50))
    sequence: Mapped[int]


metadata = Base.metadata
effects = Effect.__table__


class ThingHappened(Event):
    """Emitted by the kernel tests only."""

    topic: ClassVar[str] = "kerneltest.things"
    key: ClassVar[str] = "thing_id"

    thing_id: str
    sequence: int
    poison: bool = False
    padding: str = ""  # the benchmarks make records the size of real events


async def on_thing_happened(session: AsyncSession, event: ThingHappened) -> None:
    if event.poison or event.thing_id in BLOCKED:
        raise ValueError(f"thing {event.thing_id} cannot be applied")
    session.add(Effect(thing_id=event.thing_id, sequence=event.sequence))


SPEC = ServiceSpec(
    name="things",
    title="Things (kernel tests)",
    description="",
    router=APIRouter(),
    metadata=metadata,
    subscriptions={ThingHappened: on_thing_happened},
    migrations_dir=Path(__file__).parent,
    publishes=(ThingHappened,),
)

BLOCKED: set[str] = set()  # things whose handler fails until a test unblocks them


async def create_tables(url: str) -> None:
    """The things service has no Alembic history: its tables are made directly."""
    from sqlalchemy import text

    from shared.audit import APPEND_ONLY_DDL
    from shared.db import create_engine, plumbing_metadata

    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(plumbing_metadata.create_all)
        await connection.run_sync(metadata.create_all)
        for statement in APPEND_ONLY_DDL[connection.dialect.name]:
            await connection.execute(text(statement))
    await engine.dispose()
