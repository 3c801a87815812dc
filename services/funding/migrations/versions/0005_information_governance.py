"""Information governance: a rate is a commissioner's (one commissioner's rate never blocks
another's), a funding gap is one organisation's word, and a dispute keeps a reason code and the
party's own note (the note never leaves this service).

Revision ID: 0005
Revises: p003
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0005"
down_revision = "p003"
branch_labels = None
depends_on = None

# A rate recorded before this revision is the commissioner's whose officer recorded it: the
# audit row written in the same transaction names the organisation.
RATE_COMMISSIONER = """
UPDATE rates SET commissioner = COALESCE((
    SELECT a.organisation FROM audit_log a
    WHERE a.action = 'rate.record' AND a.subject = rates.provider_organisation
      AND a.reason = CAST(rates.hourly_rate_pence AS VARCHAR) || 'p an hour from '
                     || CAST(rates.effective_from AS VARCHAR)
    ORDER BY a.id LIMIT 1
), 'unknown')
"""

# Before this revision a delegation had one gap: a downgrade keeps the first one declared.
KEEP_THE_FIRST_GAP = """
DELETE FROM funding_gaps WHERE EXISTS (
    SELECT 1 FROM funding_gaps g
    WHERE g.delegation_id = funding_gaps.delegation_id AND g.declared_at < funding_gaps.declared_at
)
"""


def upgrade() -> None:
    op.add_column("rates", sa.Column("commissioner", sa.String(200), nullable=True))
    op.execute(RATE_COMMISSIONER)
    with op.batch_alter_table("rates") as batch:
        batch.alter_column("commissioner", existing_type=sa.String(200), nullable=False)
        batch.drop_constraint("uq_rates_provider_organisation", type_="unique")
        batch.create_unique_constraint(
            "uq_rates_commissioner", ["commissioner", "provider_organisation", "effective_from"]
        )
    _primary_key("funding_gaps", ["delegation_id", "organisation"])
    op.add_column(
        "disputes",
        sa.Column("reason_code", sa.String(30), nullable=False, server_default="other"),
    )
    op.add_column("disputes", sa.Column("note", sa.Text, nullable=True))
    op.execute("UPDATE disputes SET note = summary")
    with op.batch_alter_table("disputes") as batch:
        batch.drop_column("summary")


def downgrade() -> None:
    op.add_column(
        "disputes",
        sa.Column("summary", sa.Text, nullable=False, server_default="a party disputes the case"),
    )
    op.execute("UPDATE disputes SET summary = note WHERE note IS NOT NULL")
    with op.batch_alter_table("disputes") as batch:
        batch.drop_column("note")
        batch.drop_column("reason_code")
    op.execute(KEEP_THE_FIRST_GAP)
    _primary_key("funding_gaps", ["delegation_id"])
    with op.batch_alter_table("rates") as batch:
        batch.drop_constraint("uq_rates_commissioner", type_="unique")
        batch.create_unique_constraint(
            "uq_rates_provider_organisation", ["provider_organisation", "effective_from"]
        )
        batch.drop_column("commissioner")


def _primary_key(table: str, columns: list[str]) -> None:
    """Replace the funding gaps' primary key: SQLite recreates the table in its new shape;
    PostgreSQL drops the key it named itself (or this revision named) and makes the new one."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table(table, copy_from=_funding_gaps(columns), recreate="always"):
            pass
        return
    name = sa.inspect(bind).get_pk_constraint(table)["name"] or f"{table}_pkey"
    op.drop_constraint(name, table, type_="primary")
    op.create_primary_key(f"pk_{table}", table, columns)


def _funding_gaps(primary: list[str]) -> sa.Table:
    def key(name: str) -> bool:
        return name in primary

    return sa.Table(
        "funding_gaps",
        sa.MetaData(),
        sa.Column("delegation_id", sa.Uuid, primary_key=key("delegation_id"), nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("declared_by", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), primary_key=key("organisation"), nullable=False),
        sa.Column("declared_at", UTCDateTime, nullable=False),
    )
