"""The read side of the delegation service's FHIR views: the same people, organisations and
audit as the JSON API (`queries.delegations`): a person's records only within a legitimate
relationship (or with the glass broken), provider staff only what was delegated to their
organisation, every read audited before it is answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.fhir import TaskStatus, states_for
from services.delegation.models import Decision, Delegation, Instruction, Proposal, Review
from services.delegation.models import Task as CatalogueEntry
from services.delegation.queries.delegations import PROVIDER_ROLES, delegation, people_filter

__all__ = ["delegation"]  # the JSON API's own read of one, reused by the views
from shared import fhir
from shared.access import listed
from shared.auth import CurrentUser
from shared.errors import NotFound


@dataclass(frozen=True)
class TaskSearch:
    """`Task?patient=&status=&owner=&_lastUpdated=` as parsed by the route."""

    patient: UUID | None = None
    statuses: list[TaskStatus] | None = None
    owner: str | None = None
    last_updated: list[str] = field(default_factory=list)


def _status_condition(statuses: list[TaskStatus]) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    for status in statuses:
        for state, started in states_for(status):
            condition = Delegation.status == state.value
            if started is True:
                condition = and_(condition, Delegation.start_date.is_not(None))
            elif started is False:
                condition = and_(condition, Delegation.start_date.is_(None))
            conditions.append(condition)
    return or_(*conditions) if conditions else false()


def visible(
    session: AsyncSession, user: CurrentUser, query: Select[Delegation]
) -> Select[Delegation]:
    """The delegations a list may show the caller: of the people they may see; provider staff
    only their own organisation's."""
    if (people := people_filter(session, user)) is not None:
        query = query.where(Delegation.person_id.in_(people))
    if user.role in PROVIDER_ROLES:
        query = query.where(Delegation.provider_organisation == user.organisation)
    return query


async def tasks(
    session: AsyncSession,
    user: CurrentUser,
    search: TaskSearch,
    offset: int,
    count: int,
    record: str,
) -> tuple[Sequence[Delegation], int]:
    """A page of the delegations the search matches and the caller may see, and how many match
    in all; each person on the page audited."""
    query = visible(
        session, user, select(Delegation).order_by(Delegation.created_at, Delegation.id)
    )
    if search.patient is not None:
        query = query.where(Delegation.person_id == search.patient)
    if search.statuses is not None:
        query = query.where(_status_condition(search.statuses))
    if search.owner is not None:
        query = query.where(Delegation.provider_organisation == search.owner)
    for condition in fhir.last_updated(Delegation.updated_at, search.last_updated):
        query = query.where(condition)
    rows, total = await fhir.page_of(session, query, offset, count)
    await listed(session, user, record, [d.person_id for d in rows])
    return rows, total


async def task_name(session: AsyncSession, code: str) -> str | None:
    return await session.scalar(select(CatalogueEntry.name).where(CatalogueEntry.code == code))


async def instructions(session: AsyncSession, delegation_id: UUID) -> list[tuple[UUID, date]]:
    rows = await session.execute(
        select(Instruction.worker_id, Instruction.instructed_on)
        .where(Instruction.delegation_id == delegation_id)
        .order_by(Instruction.worker_id)
    )
    return [(worker, on) for worker, on in rows]


async def mdt_decision(session: AsyncSession, proposal_id: UUID) -> Decision | None:
    return await session.scalar(
        select(Decision).where(Decision.proposal_id == proposal_id, Decision.source == "mdt")
    )


async def decisions(session: AsyncSession, proposal_id: UUID) -> Sequence[Decision]:
    rows = await session.scalars(
        select(Decision).where(Decision.proposal_id == proposal_id).order_by(Decision.decided_on)
    )
    return rows.all()


async def completed_reviews(session: AsyncSession, delegation_id: UUID) -> Sequence[Review]:
    rows = await session.scalars(
        select(Review)
        .where(
            Review.delegation_id == delegation_id,
            Review.completed_on.is_not(None),
            Review.framework_version.is_not(None),
        )
        .order_by(Review.completed_on, Review.id)
    )
    return rows.all()


async def decided(
    session: AsyncSession, user: CurrentUser, provenance_id: UUID, record: str
) -> tuple[Decision | Review, Delegation]:
    """A decision or a completed review, with its delegation as the caller may read it."""
    found: Decision | Review | None = await session.get(Decision, provenance_id)
    delegation_id: UUID | None = None
    if isinstance(found, Decision):
        delegation_id = await session.scalar(
            select(Delegation.id).where(Delegation.proposal_id == found.proposal_id)
        )
    else:
        found = await session.get(Review, provenance_id)
        if found is not None and found.completed_on is not None:
            delegation_id = found.delegation_id
    if found is None or delegation_id is None:
        raise NotFound(f"no Provenance {provenance_id}")
    try:
        return found, await delegation(session, user, delegation_id, record=record)
    except NotFound:
        raise NotFound(f"no Provenance {provenance_id}") from None


async def proposal(session: AsyncSession, proposal_id: UUID) -> Proposal:
    found = await session.get(Proposal, proposal_id)
    if found is None:
        raise NotFound(f"no PractitionerRole {proposal_id}")
    return found


async def registration(session: AsyncSession, practitioner_id: str) -> tuple[str, str]:
    """The register and number of a practitioner who has delegated here (`NMC-12A3456E`)."""
    body, _, number = practitioner_id.partition("-")
    found = await session.scalar(
        select(Proposal.id)
        .where(Proposal.professional_body == body, Proposal.registration_number == number)
        .limit(1)
    )
    if found is None:
        raise NotFound(f"no Practitioner {practitioner_id}")
    return body, number


async def targets(
    session: AsyncSession, user: CurrentUser, patient: UUID | None, task_id: UUID | None
) -> Sequence[Delegation]:
    """The delegations whose decisions a Provenance search shows: the patient's, or one, as the
    caller may see them (each person audited)."""
    query = visible(
        session, user, select(Delegation).order_by(Delegation.created_at, Delegation.id)
    )
    if patient is not None:
        query = query.where(Delegation.person_id == patient)
    if task_id is not None:
        query = query.where(Delegation.id == task_id)
    rows = (await session.scalars(query)).all()
    await listed(session, user, "fhir.Provenance", [d.person_id for d in rows])
    return rows


async def provenance_sources(
    session: AsyncSession, delegation: Delegation
) -> list[Decision | Review]:
    """R29: the decisions that made the delegation, then its completed reviews."""
    made: list[Decision | Review] = list(await decisions(session, delegation.proposal_id))
    return made + list(await completed_reviews(session, delegation.id))
