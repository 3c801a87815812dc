"""The read side of CSU dispute cases (R22)."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import disputes
from services.governance.models import DisputeCase, DisputeEvidence
from shared.errors import NotFound


async def dispute_cases(
    session: AsyncSession, party: str | None, stage: str | None
) -> Sequence[DisputeCase]:
    """The cases, only those `party` is a party to when given."""
    query = select(DisputeCase).order_by(DisputeCase.raised_on)
    if stage is not None:
        query = query.where(DisputeCase.stage == stage)
    cases = (await session.scalars(query)).all()
    return [c for c in cases if party is None or party in c.parties]


async def dispute_case(
    session: AsyncSession, case_id: UUID, party: str | None
) -> tuple[DisputeCase, Sequence[DisputeEvidence]]:
    """One case with its evidence; a non-party is told it does not exist."""
    case = await session.get(DisputeCase, case_id)
    if case is None or (party is not None and party not in case.parties):
        raise NotFound(f"no dispute case {case_id}")
    evidence = await session.scalars(
        select(DisputeEvidence)
        .where(DisputeEvidence.case_id == case_id)
        .order_by(DisputeEvidence.recorded_at)
    )
    return case, evidence.all()


async def open_too_long(session: AsyncSession, today: date, days: int) -> list[DisputeCase]:
    """R22: unresolved cases raised more than `days` days ago, oldest first."""
    query = select(DisputeCase).where(DisputeCase.stage != disputes.Stage.RESOLVED)
    cases = (await session.scalars(query.order_by(DisputeCase.raised_on))).all()
    return [
        c
        for c in cases
        if disputes.open_too_long(disputes.Stage(c.stage), c.raised_on, today, days)
    ]
