"""The MDT's work queue: proposals by state, a page at a time, and the decision record read back
(R9-R14, R29), to those who may see the person's records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.proposals import ProposalState
from services.delegation.models import Decision, Delegation, Proposal
from services.delegation.queries.delegations import PROVIDER_ROLES, people_filter, readable
from shared import organisations, pages
from shared.access import listed
from shared.auth import CurrentUser
from shared.errors import NotFound


@dataclass(frozen=True)
class ProposalFilter:
    state: ProposalState | None = None
    person_id: UUID | None = None
    task_code: str | None = None
    provider_organisation: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None


ORDER = (pages.Key(Proposal.submitted_on, date), pages.Key(Proposal.id, UUID))
DECISION_ORDER = (pages.Key(Decision.decided_on, date), pages.Key(Decision.id, UUID))


async def proposals(
    session: AsyncSession, user: CurrentUser, where: ProposalFilter, limit: int, cursor: str | None
) -> tuple[list[tuple[Proposal, UUID | None]], str | None]:
    """By the day submitted (the queue's order), of the people the caller's organisation has a
    legitimate relationship with; provider staff only those naming their organisation. Each
    with the delegation it became; each person shown audited."""
    query = select(Proposal)
    if (people := people_filter(session, user)) is not None:
        query = query.where(Proposal.person_id.in_(people))
    if user.role in PROVIDER_ROLES:
        query = query.where(Proposal.provider_organisation == user.organisation)
    elif where.provider_organisation is not None:
        await organisations.named(session, where.provider_organisation, "provider_organisation")
    for column, value in (
        (Proposal.status, where.state),
        (Proposal.person_id, where.person_id),
        (Proposal.task_code, where.task_code),
        (Proposal.provider_organisation, where.provider_organisation),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.submitted_from is not None:
        query = query.where(Proposal.submitted_on >= where.submitted_from)
    if where.submitted_to is not None:
        query = query.where(Proposal.submitted_on <= where.submitted_to)
    page, next_cursor = await pages.keyset(session, query, ORDER, limit, cursor)
    rows = await session.execute(
        select(Delegation.proposal_id, Delegation.id).where(
            Delegation.proposal_id.in_([p.id for p in page])
        )
    )
    became: dict[UUID, UUID] = {proposal_id: d for proposal_id, d in rows}
    await listed(session, user, "proposal", [p.person_id for p in page])
    return [(p, became.get(p.id)) for p in page], next_cursor


async def decisions(
    session: AsyncSession,
    user: CurrentUser,
    proposal_id: UUID,
    limit: int,
    cursor: str | None,
    break_glass: str | None = None,
) -> tuple[Sequence[Decision], str | None]:
    """R9-R14, R29: the proposal's decisions in full (the MDT's, then Shared Care's), within a
    legitimate relationship with the person (or with the glass broken), audited."""
    found = await session.get(Proposal, proposal_id)
    if found is None:
        raise NotFound(f"no proposal {proposal_id}")
    await readable(
        session, user, found.person_id, "decision", f"proposal {proposal_id}", break_glass
    )
    query = select(Decision).where(Decision.proposal_id == proposal_id)
    return await pages.keyset(session, query, DECISION_ORDER, limit, cursor)
