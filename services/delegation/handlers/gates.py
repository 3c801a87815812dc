"""The facts the readiness gates look at (R7, R15-R17, R24), loaded once per delegation."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import gates as rules
from services.delegation.models import Competence, Consent, Delegation, Person, TrainingPlan
from shared.db import today


def workers_of(delegation: Delegation) -> tuple[UUID, ...]:
    return tuple(UUID(w) for w in delegation.worker_ids)


async def readiness(session: AsyncSession, delegation: Delegation) -> rules.Readiness:
    """The facts each gate looks at, from this service's projections."""
    planned = await session.scalars(
        select(TrainingPlan.worker_id).where(TrainingPlan.delegation_id == delegation.id)
    )
    return rules.Readiness(
        accepted=delegation.accepted_on is not None,
        consent=await has_consent(session, delegation),
        workers=workers_of(delegation),
        competent_workers=await competent_workers(session, delegation),
        planned_workers=frozenset(planned),
        person_known=await session.get(Person, delegation.person_id) is not None,
        contact_arrangements=delegation.contact_arrangements,
    )


async def gate_states(session: AsyncSession, delegation: Delegation) -> list[rules.GateState]:
    """Each gate of the delegation, green or what it is waiting for."""
    return rules.gates(await readiness(session, delegation))


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


async def competent_workers(session: AsyncSession, delegation: Delegation) -> frozenset[UUID]:
    """R16: named workers competent in this task, in date; person-specific only for that person."""
    rows = await session.scalars(
        select(Competence).where(
            Competence.worker_id.in_(workers_of(delegation)),
            Competence.task_code == delegation.task_code,
            Competence.scope.in_(("*", str(delegation.person_id))),
        )
    )
    on = today(session)
    return frozenset(
        c.worker_id for c in rows if rules.competence_in_date(c.competent, c.valid_until, on)
    )
