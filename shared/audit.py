"""The append-only audit trail every service keeps: who, role, organisation, when, what, why."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Insert, Integer, String, Table, Text, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import CurrentUser
from shared.db import UTCDateTime, now, plumbing_metadata

audit_log = Table(
    "audit_log",
    plumbing_metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("role", String(50), nullable=False),
    Column("organisation", String(200), nullable=False),
    Column("action", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("reason", Text, nullable=True),
    # Reads of personal data (revision p003): whose records, and why they were read.
    Column("person_id", String(64), nullable=True, index=True),
    Column("purpose", String(30), nullable=True),
)

APPEND_ONLY_DDL = {
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


async def audit(
    session: AsyncSession,
    actor: CurrentUser,
    action: str,
    subject: object,
    reason: str | None = None,
) -> None:
    """Write the audit row in the same transaction as the change it describes."""
    await session.execute(audit_row(session, actor, action, subject, reason))


def audit_row(
    session: AsyncSession,
    actor: CurrentUser,
    action: str,
    subject: object,
    reason: str | None = None,
) -> Insert:
    """The audit row's INSERT, not yet executed: for a caller that writes it in one statement
    with its other rows (`shared.outbox.publish_all`)."""
    return insert(audit_log).values(
        at=now(session),
        user_id=actor.user_id,
        role=actor.role.value,
        organisation=actor.organisation,
        action=action,
        subject=str(subject),
        reason=reason,
    )


class Purpose(StrEnum):
    """Why personal data was read."""

    DIRECT_CARE = "direct_care"  # within a legitimate relationship
    BREAK_GLASS = "break_glass"  # outside one, with a stated reason: for the Caldicott guardian
    SERVICE = "service"  # a machine-to-machine call of the platform itself
    ONBOARDING = "onboarding"  # `llr import`: an operator brings existing records at go-live


async def audit_reads(
    session: AsyncSession,
    actor: CurrentUser,
    record: str,
    people: Iterable[object],
    purpose: Purpose,
    reason: str | None = None,
) -> None:
    """One row per person whose `record` was read, committed before the data is answered: in a
    transaction of its own, so a read that cannot be audited is not answered."""
    rows = [
        {
            "at": now(session),
            "user_id": actor.user_id,
            "role": actor.role.value,
            "organisation": actor.organisation,
            "action": f"read.{record}",
            "subject": str(person),
            "reason": reason,
            "person_id": str(person),
            "purpose": purpose.value,
        }
        for person in dict.fromkeys(people)
    ]
    if not rows:
        return
    async with AsyncSession(session.bind) as own:
        await own.execute(insert(audit_log), rows)
        await own.commit()
