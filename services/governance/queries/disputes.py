"""The read side of CSU dispute cases (R22)."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import disputes
from services.governance.models import DisputeCase, DisputeEvidence
from shared.access import listed
from shared.auth import CurrentUser
from shared.errors import NotFound

CASE = "dispute_case"


def sees(user: CurrentUser, case: DisputeCase) -> bool:
    return disputes.sees_case(user.role.value, user.organisation, case.held_by, case.parties)


async def visible_case(session: AsyncSession, user: CurrentUser, case_id: UUID) -> DisputeCase:
    """The case if the caller's organisation holds it (the CSU) or is a party to it; else 404."""
    case = await session.get(DisputeCase, case_id)
    if case is None or not sees(user, case):
        raise NotFound(f"no dispute case {case_id}")
    return case


async def dispute_cases(
    session: AsyncSession, user: CurrentUser, stage: str | None
) -> Sequence[DisputeCase]:
    """The cases the caller's organisation holds or is a party to (each read audited)."""
    query = select(DisputeCase).order_by(DisputeCase.raised_on)
    if stage is not None:
        query = query.where(DisputeCase.stage == stage)
    cases = [c for c in (await session.scalars(query)).all() if sees(user, c)]
    await listed(session, user, CASE, [c.person_id for c in cases])
    return cases


async def dispute_case(
    session: AsyncSession, user: CurrentUser, case_id: UUID
) -> tuple[DisputeCase, Sequence[DisputeEvidence]]:
    """One case with its evidence (the read audited); to anyone else it does not exist."""
    case = await visible_case(session, user, case_id)
    await listed(session, user, CASE, [case.person_id])
    evidence = await session.scalars(
        select(DisputeEvidence)
        .where(DisputeEvidence.case_id == case_id)
        .order_by(DisputeEvidence.recorded_at)
    )
    return case, evidence.all()


async def open_too_long(
    session: AsyncSession, user: CurrentUser, today: date, days: int
) -> list[DisputeCase]:
    """R22: the caller's unresolved cases raised more than `days` days ago, oldest first."""
    query = select(DisputeCase).where(DisputeCase.stage != disputes.Stage.RESOLVED)
    cases = (await session.scalars(query.order_by(DisputeCase.raised_on))).all()
    found = [
        c
        for c in cases
        if sees(user, c)
        and disputes.open_too_long(disputes.Stage(c.stage), c.raised_on, today, days)
    ]
    await listed(session, user, CASE, [c.person_id for c in found])
    return found
