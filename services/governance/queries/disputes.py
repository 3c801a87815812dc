"""The read side of CSU dispute cases (R22)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import disputes
from services.governance.domain.disputes import Stage
from services.governance.models import DisputeCase, DisputeEvidence
from services.governance.queries.ranges import on_days
from shared import pages
from shared.access import listed
from shared.auth import CurrentUser, Role
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


@dataclass(frozen=True)
class CaseFilter:
    stage: Stage | None = None
    person_id: UUID | None = None
    raised_by: str | None = None
    raised: tuple[date | None, date | None] = (None, None)


ORDER = (pages.Key(DisputeCase.raised_on, date), pages.Key(DisputeCase.case_id, UUID))


def _seen_by(query: Select[Any], user: CurrentUser) -> Select[Any]:
    """A CSU officer's cases are its CSU's: said in the query, so the index serves it; a party's
    (a JSON list) are kept a row at a time by `sees`."""
    if user.role is Role.CSU_OFFICER:
        return query.where(DisputeCase.held_by == user.organisation)
    return query


async def _page(
    session: AsyncSession, user: CurrentUser, query: Select[Any], limit: int, cursor: str | None
) -> tuple[list[DisputeCase], str | None]:
    async def seen(case: DisputeCase) -> bool:
        return sees(user, case)

    found, next_cursor = await pages.keyset_kept(
        session, _seen_by(query, user), ORDER, limit, cursor, seen
    )
    await listed(session, user, CASE, [c.person_id for c in found])
    return found, next_cursor


async def dispute_cases(
    session: AsyncSession, user: CurrentUser, where: CaseFilter, limit: int, cursor: str | None
) -> tuple[list[DisputeCase], str | None]:
    """The cases the caller's organisation holds or is a party to, oldest raised first (each
    read audited)."""
    query = select(DisputeCase)
    for column, value in (
        (DisputeCase.stage, where.stage),
        (DisputeCase.person_id, where.person_id),
        (DisputeCase.raised_by, where.raised_by),
    ):
        if value is not None:
            query = query.where(column == value)
    query = on_days(query, DisputeCase.raised_on, *where.raised)
    return await _page(session, user, query, limit, cursor)


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
    session: AsyncSession,
    user: CurrentUser,
    today: date,
    days: int,
    limit: int,
    cursor: str | None,
) -> tuple[list[DisputeCase], str | None]:
    """R22: the caller's unresolved cases raised more than `days` days ago, oldest first."""
    query = select(DisputeCase).where(
        DisputeCase.stage != disputes.Stage.RESOLVED,
        DisputeCase.raised_on < today - timedelta(days=days),
    )
    return await _page(session, user, query, limit, cursor)
