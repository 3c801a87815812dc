"""Alembic plumbing shared by the five services: env.py is three lines, upgrades run in-process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from shared import (  # noqa: F401  (autogenerate compares their live tables)
    audit,
    idempotency,
    inbox,
    organisations,
    outbox,
    relationships,
)
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


# Revision 0001 of every service, frozen: these are the plumbing tables as they were first made.
# Never edit them to follow a change in shared/outbox.py, inbox.py or audit.py: write a new
# revision in every service (tests/kernel/test_plumbing_migrations.py fails until head matches).
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_AT = sa.DateTime(timezone=True)
_APPEND_ONLY_0001 = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP; END;
           $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
           FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    ],
    "sqlite": [
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END""",
    ],
}


def create_plumbing_0001() -> None:
    """The outbox, inbox, dead letters and the append-only audit log, as revision 0001 made them."""
    op.create_table(
        "outbox",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("headers", _JSON, nullable=False),
        sa.Column("occurred_at", _AT, nullable=False),
        sa.Column("sent_at", _AT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("processed_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_inbox"),
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("headers", _JSON, nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("parked_at", _AT, nullable=False),
        sa.Column("replayed_at", _AT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dead_letters"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", _AT, nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(50), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    for statement in _APPEND_ONLY_0001.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def drop_plumbing_0001() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table in ("audit_log", "dead_letters", "inbox", "outbox"):
        op.drop_table(table)


# Revision p002 of every service (frozen): the relay reads unsent rows by a partial index, the
# retention job deletes the oldest inbox ids by theirs, and a commit that adds outbox rows wakes
# the relay on PostgreSQL (NOTIFY, once per statement) instead of its polling.
_NOTIFY_P002 = (
    "CREATE OR REPLACE FUNCTION llr_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN PERFORM pg_notify('llr_outbox', ''); RETURN NULL; END $$",
    "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox "
    "FOR EACH STATEMENT EXECUTE FUNCTION llr_outbox_notify()",
)


def create_plumbing_p002() -> None:
    unsent = sa.text("sent_at IS NULL")
    op.create_index(
        "ix_outbox_unsent", "outbox", ["id"], postgresql_where=unsent, sqlite_where=unsent
    )
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in _NOTIFY_P002:
            op.execute(statement)


def drop_plumbing_p002() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
        op.execute("DROP FUNCTION IF EXISTS llr_outbox_notify()")
    op.drop_index("ix_inbox_processed_at", table_name="inbox")
    op.drop_index("ix_outbox_unsent", table_name="outbox")


# Revision p003 of every service (frozen): information governance. The partner register (R2), the
# legitimate relationships that decide who sees a person, the scope of each Idempotency-Key, and
# the audit of reads (whose records, and why).
def create_plumbing_p003() -> None:
    op.create_table(
        "organisations",
        sa.Column("ods_code", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("ipcb_member", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("ods_code", name="pk_organisations"),
    )
    op.create_table(
        "relationships",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation", sa.String(100), nullable=False),
        sa.Column("basis", sa.String(30), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("since", _AT, nullable=False),
        sa.Column("until", _AT, nullable=True),
        sa.PrimaryKeyConstraint(
            "person_id", "organisation", "basis", "source_id", name="pk_relationships"
        ),
    )
    op.create_index("ix_relationships_organisation", "relationships", ["organisation"])
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("scope", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        batch.add_column(sa.Column("person_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("purpose", sa.String(30), nullable=True))
    op.create_index("ix_audit_log_person_id", "audit_log", ["person_id"])


def drop_plumbing_p003() -> None:
    op.drop_index("ix_audit_log_person_id", table_name="audit_log")
    with op.batch_alter_table("audit_log", recreate="never") as batch:
        batch.drop_column("purpose")
        batch.drop_column("person_id")
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_relationships_organisation", table_name="relationships")
    op.drop_table("relationships")
    op.drop_table("organisations")


# Revision p004 of every service (frozen): the register's national ODS codes. The platform's own
# code stays the key tokens carry; the national code is a column beside it, filled here for the
# default register's entries (a register seeded from another file fills its own on seeding).
_NATIONAL_ODS_CODES_P004 = {
    "LLR-ICB": "QK1",
    "LEICESTER-CITY-COUNCIL": "E06000016",
    "LEICESTERSHIRE-COUNTY-COUNCIL": "E10000018",
    "RUTLAND-COUNTY-COUNCIL": "E06000017",
    "LPT": "RT5",
    "UHL": "RWE",
    "MLCSU": "0CX",
    "C82001": "C82001",
}


def create_plumbing_p004() -> None:
    with op.batch_alter_table("organisations", recreate="never") as batch:
        batch.add_column(sa.Column("national_ods_code", sa.String(20), nullable=True))
    register = sa.table(
        "organisations", sa.column("ods_code", sa.String), sa.column("national_ods_code", sa.String)
    )
    for code, national in _NATIONAL_ODS_CODES_P004.items():
        op.execute(
            register.update().where(register.c.ods_code == code).values(national_ods_code=national)
        )


def drop_plumbing_p004() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("national_ods_code")
