"""Alembic plumbing shared by the five services: env.py is three lines, upgrades run in-process."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import Connection, MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared import audit, inbox, outbox  # noqa: F401  (their tables must be on the metadata)
from shared.db import create_engine, plumbing_metadata


def config(migrations_dir: Path, url: str = "") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py."""
    targets = [plumbing_metadata, target_metadata]
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection, targets)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    asyncio.run(_run_async(engine, targets))


async def _run_async(engine: AsyncEngine, targets: list[MetaData]) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_run, targets)
    await engine.dispose()


def _run(connection: Connection, targets: list[MetaData]) -> None:
    context.configure(connection=connection, target_metadata=targets, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


# Alembic keeps its migration context in module globals, and the async driver yields to the event
# loop mid-migration: two upgrades in one process must take turns.
_one_at_a_time = asyncio.Lock()


async def upgrade(engine: AsyncEngine, migrations_dir: Path, revision: str = "head") -> None:
    """Migrate a database from inside a running event loop."""
    cfg = config(migrations_dir)

    def _upgrade(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with _one_at_a_time, engine.begin() as connection:
        await connection.run_sync(_upgrade)


def create_plumbing() -> None:
    """In a service's first revision: the outbox, inbox, dead letters and the append-only audit."""
    bind = op.get_bind()
    plumbing_metadata.create_all(bind)
    for statement in audit.APPEND_ONLY_DDL.get(bind.dialect.name, []):
        bind.execute(text(statement))


def drop_plumbing() -> None:
    plumbing_metadata.drop_all(op.get_bind())
