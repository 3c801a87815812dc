"""The delegation service's read side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import gates as rules
from services.delegation.models import (
    Competence,
    Consent,
    Delegation,
    FrameworkVersion,
    Person,
    Proposal,
    Review,
    Task,
    TrainingPlan,
)
from shared.auth import CurrentUser, Role
from shared.errors import NotFound
from shared.outbox import session_clock

PROVIDER_ROLES = (Role.PROVIDER_MANAGER, Role.CARE_WORKER)


async def framework_version_in_force(session: AsyncSession, on: date) -> FrameworkVersion:
    """R29: the version a decision made on `on` records."""
    version = await session.scalar(
        select(FrameworkVersion)
        .where(FrameworkVersion.effective_from <= on)
        .order_by(FrameworkVersion.effective_from.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound(f"no Framework version was in force on {on}")
    return version


async def tasks(session: AsyncSession) -> Sequence[Task]:
    """R10: the catalogue as governance has ruled it."""
    rows = await session.scalars(select(Task).where(Task.active.is_(True)).order_by(Task.code))
    return rows.all()


async def proposal(session: AsyncSession, proposal_id: UUID) -> tuple[Proposal, UUID | None]:
    found = await session.get(Proposal, proposal_id)
    if found is None:
        raise NotFound(f"no proposal {proposal_id}")
    delegation_id = await session.scalar(
        select(Delegation.id).where(Delegation.proposal_id == proposal_id)
    )
    return found, delegation_id


def _organisation_of(user: CurrentUser, organisation: str | None) -> str | None:
    """Provider staff are held to their own organisation whatever they ask for."""
    return user.organisation if user.role in PROVIDER_ROLES else organisation


async def delegation(session: AsyncSession, user: CurrentUser, delegation_id: UUID) -> Delegation:
    found = await session.get(Delegation, delegation_id)
    if found is None or (
        user.role in PROVIDER_ROLES and found.provider_organisation != user.organisation
    ):
        raise NotFound(f"no delegation {delegation_id}")
    return found


async def delegations(
    session: AsyncSession, user: CurrentUser, organisation: str | None, person_id: UUID | None
) -> Sequence[Delegation]:
    query = select(Delegation).order_by(Delegation.created_at, Delegation.id)
    if (org := _organisation_of(user, organisation)) is not None:
        query = query.where(
            or_(
                Delegation.provider_organisation == org,
                Delegation.accountable_organisation == org,
            )
        )
    if person_id is not None:
        query = query.where(Delegation.person_id == person_id)
    return (await session.scalars(query)).all()


async def reviews_of(session: AsyncSession, delegation_id: UUID) -> Sequence[Review]:
    rows = await session.scalars(
        select(Review).where(Review.delegation_id == delegation_id).order_by(Review.due_date)
    )
    return rows.all()


async def overdue_reviews(
    session: AsyncSession, user: CurrentUser, organisation: str | None
) -> Sequence[Review]:
    """R26: reviews past their due date and not completed, for an organisation's delegations."""
    on = session_clock(session).now().date()
    query = (
        select(Review)
        .join(Delegation, Delegation.id == Review.delegation_id)
        .where(Review.completed_on.is_(None), Review.due_date < on)
        .order_by(Review.due_date, Review.id)
    )
    if (org := _organisation_of(user, organisation)) is not None:
        query = query.where(
            or_(
                Delegation.provider_organisation == org,
                Delegation.accountable_organisation == org,
            )
        )
    return (await session.scalars(query)).all()


def workers_of(delegation: Delegation) -> tuple[UUID, ...]:
    return tuple(UUID(w) for w in delegation.worker_ids)


async def has_consent(session: AsyncSession, delegation: Delegation) -> bool:
    """R7: consent to this task for this person, or to this delegation, not withdrawn."""
    found = await session.scalar(
        select(Consent.consent_id)
        .where(
            Consent.person_id == delegation.person_id,
            Consent.task_code == delegation.task_code,
            Consent.withdrawn.is_(False),
            or_(Consent.delegation_id.is_(None), Consent.delegation_id == delegation.id),
        )
        .limit(1)
    )
    return found is not None


async def competent_workers(
    session: AsyncSession, delegation: Delegation, on: date
) -> frozenset[UUID]:
    """R16: named workers competent in this task, in date; person-specific only for that person."""
    rows = await session.scalars(
        select(Competence).where(
            Competence.worker_id.in_(workers_of(delegation)),
            Competence.task_code == delegation.task_code,
            Competence.scope.in_(("*", str(delegation.person_id))),
        )
    )
    return frozenset(
        c.worker_id for c in rows if rules.competence_in_date(c.competent, c.valid_until, on)
    )


async def readiness(session: AsyncSession, delegation: Delegation) -> rules.Readiness:
    """The facts each gate looks at, from this service's projections."""
    planned = await session.scalars(
        select(TrainingPlan.worker_id).where(TrainingPlan.delegation_id == delegation.id)
    )
    return rules.Readiness(
        accepted=delegation.accepted_on is not None,
        consent=await has_consent(session, delegation),
        workers=workers_of(delegation),
        competent_workers=await competent_workers(
            session, delegation, session_clock(session).now().date()
        ),
        planned_workers=frozenset(planned),
        person_known=await session.get(Person, delegation.person_id) is not None,
        contact_arrangements=delegation.contact_arrangements,
    )


async def gate_states(session: AsyncSession, delegation: Delegation) -> list[rules.GateState]:
    return rules.gates(await readiness(session, delegation))
