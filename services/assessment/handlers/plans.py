"""Support plan versions, consent recorded on them (R7), and delegated tasks added or removed."""

import uuid
from dataclasses import replace
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain import plans
from services.assessment.handlers.people import locked_person
from services.assessment.models import Consent, ProviderAccess, SupportPlanVersion
from services.assessment.schemas.plans import ConsentCreate, ConsentWithdrawal, SupportPlanCreate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.errors import Conflict, NotFound
from shared.events.assessment import ConsentRecorded, ConsentWithdrawn, SupportPlanVersioned
from shared.events.delegation import DelegationEnded, TaskDelegated
from shared.outbox import publish, session_clock


async def latest_version(session: AsyncSession, person_id: UUID) -> SupportPlanVersion | None:
    return await session.scalar(
        select(SupportPlanVersion)
        .where(SupportPlanVersion.person_id == person_id)
        .order_by(SupportPlanVersion.version.desc())
        .limit(1)
    )


def as_plan(row: SupportPlanVersion | None) -> plans.Plan:
    if row is None:
        return plans.Plan()
    visits = None
    if row.visits_per_day is not None:
        visits = plans.Visits(
            row.visits_per_day, row.minutes_per_visit or 0, row.days_per_week or 0
        )
    return plans.Plan(
        version=row.version,
        visits=visits,
        provider_organisation=row.provider_organisation,
        tasks=tuple(
            plans.PlanTask(UUID(t["delegation_id"]), t["task_code"], t["provider_organisation"])
            for t in row.tasks
        ),
        consent_ids=tuple(UUID(c) for c in row.consent_ids),
    )


async def save_version(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    plan: plans.Plan,
    *,
    effective_from: date,
    reason: str,
    idempotency_key: str | None = None,
) -> SupportPlanVersion:
    """Add the version (never overwrite) and publish it."""
    previous = await latest_version(session, person_id)
    row = SupportPlanVersion(
        id=uuid.uuid4(),
        plan_id=previous.plan_id if previous else uuid.uuid4(),
        person_id=person_id,
        version=plan.version,
        visits_per_day=plan.visits and plan.visits.visits_per_day,
        minutes_per_visit=plan.visits and plan.visits.minutes_per_visit,
        days_per_week=plan.visits and plan.visits.days_per_week,
        provider_organisation=plan.provider_organisation,
        tasks=[
            {
                "delegation_id": str(t.delegation_id),
                "task_code": t.task_code,
                "provider_organisation": t.provider_organisation,
            }
            for t in plan.tasks
        ],
        consent_ids=[str(c) for c in plan.consent_ids],
        effective_from=effective_from,
        reason=reason,
        created_at=session_clock(session).now(),
        created_by=actor.user_id,
        idempotency_key=idempotency_key,
    )
    session.add(row)
    await session.flush()
    await publish(
        session,
        SupportPlanVersioned(
            person_id=person_id,
            plan_id=row.plan_id,
            version=row.version,
            task_codes=plan.task_codes,
            effective_from=effective_from,
        ),
    )
    await audit(session, actor, "support_plan.version", person_id, f"v{row.version}: {reason}")
    return row


async def version_support_plan(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    body: SupportPlanCreate,
    idempotency_key: str | None = None,
) -> tuple[SupportPlanVersion, bool]:
    """A new version with the commissioned visits and provider; True unless a repeat."""
    if idempotency_key is not None:
        repeated = await session.scalar(
            select(SupportPlanVersion).where(SupportPlanVersion.idempotency_key == idempotency_key)
        )
        if repeated is not None:
            if repeated.person_id != person_id:
                raise Conflict("this Idempotency-Key was used for another person")
            return repeated, False
    await locked_person(session, person_id)
    plan = as_plan(await latest_version(session, person_id))
    new = replace(
        plan,
        version=plans.next_version(plan, body.based_on_version),
        visits=plans.Visits(body.visits_per_day, body.minutes_per_visit, body.days_per_week),
        provider_organisation=body.provider_organisation,
    )
    today = session_clock(session).now().date()
    row = await save_version(
        session,
        actor,
        person_id,
        new,
        effective_from=body.effective_from or today,
        reason=body.reason,
        idempotency_key=idempotency_key,
    )
    return row, True


async def record_consent(
    session: AsyncSession, actor: CurrentUser, person_id: UUID, body: ConsentCreate
) -> Consent:
    """R7: consent to one delegated task, recorded on a new version of the support plan."""
    await locked_person(session, person_id)
    existing = (await session.scalars(select(Consent).where(Consent.person_id == person_id))).all()
    today = session_clock(session).now().date()
    plans.lawful_basis(
        body.given_by, body.authority_reference, body.capacity_assessed_on, body.given_on
    )
    plans.may_record_consent(
        person_id,
        body.task_code,
        body.delegation_id,
        body.given_on,
        today,
        [fact(c) for c in existing],
    )
    consent = Consent(
        id=uuid.uuid4(),
        person_id=person_id,
        **body.model_dump(),
        recorded_at=session_clock(session).now(),
        recorded_by=actor.user_id,
    )
    session.add(consent)
    await session.flush()
    plan = as_plan(await latest_version(session, person_id))
    new = replace(
        plan, version=plans.next_version(plan), consent_ids=(*plan.consent_ids, consent.id)
    )
    reason = f"consent to {body.task_code} given by {body.given_by.value}"
    await save_version(session, actor, person_id, new, effective_from=body.given_on, reason=reason)
    await publish(
        session,
        ConsentRecorded(
            person_id=person_id,
            consent_id=consent.id,
            task_code=consent.task_code,
            delegation_id=consent.delegation_id,
            given_by=body.given_by,
            given_on=consent.given_on,
        ),
    )
    await audit(session, actor, "consent.record", consent.id, reason)
    return consent


async def withdraw_consent(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    consent_id: UUID,
    body: ConsentWithdrawal,
) -> Consent:
    """R7: withdrawal stops the delegation; the consent and its withdrawal both stay on record."""
    await locked_person(session, person_id)
    consent = await session.get(Consent, consent_id)
    if consent is None or consent.person_id != person_id:
        raise NotFound(f"no consent {consent_id} for this person")
    today = session_clock(session).now().date()
    plans.may_withdraw(fact(consent), consent.given_on, body.withdrawn_on, today)
    consent.withdrawn_on, consent.withdrawal_reason = body.withdrawn_on, body.reason
    consent.withdrawn_at, consent.withdrawn_by = session_clock(session).now(), actor.user_id
    plan = as_plan(await latest_version(session, person_id))
    kept = tuple(c for c in plan.consent_ids if c != consent.id)
    new = replace(plan, version=plans.next_version(plan), consent_ids=kept)
    reason = f"consent to {consent.task_code} withdrawn: {body.reason}"
    await save_version(
        session, actor, person_id, new, effective_from=body.withdrawn_on, reason=reason
    )
    await publish(
        session,
        ConsentWithdrawn(
            person_id=person_id,
            consent_id=consent.id,
            task_code=consent.task_code,
            delegation_id=consent.delegation_id,
            withdrawn_on=body.withdrawn_on,
        ),
    )
    await audit(session, actor, "consent.withdraw", consent.id, body.reason)
    return consent


def fact(consent: Consent) -> plans.ConsentFact:
    return plans.ConsentFact(
        consent.id, consent.task_code, consent.delegation_id, consent.withdrawn_on is not None
    )


async def on_task_delegated(session: AsyncSession, event: TaskDelegated) -> None:
    """The live task joins the person's plan as a new version; its provider may now read them."""
    await locked_person(session, event.person_id)
    await session.merge(
        ProviderAccess(person_id=event.person_id, organisation=event.provider_organisation)
    )
    task = plans.PlanTask(event.delegation_id, event.task_code, event.provider_organisation)
    new = plans.with_task(as_plan(await latest_version(session, event.person_id)), task)
    if new is not None:
        reason = f"task {event.task_code} delegated to {event.provider_organisation}"
        await save_version(
            session, SYSTEM, event.person_id, new, effective_from=event.start_date, reason=reason
        )


async def on_delegation_ended(session: AsyncSession, event: DelegationEnded) -> None:
    """The ended task leaves the person's plan as a new version."""
    await locked_person(session, event.person_id)
    new = plans.without_task(
        as_plan(await latest_version(session, event.person_id)), event.delegation_id
    )
    if new is not None:
        reason = f"task {event.task_code} ended: {event.reason}"
        await save_version(
            session,
            SYSTEM,
            event.person_id,
            new,
            effective_from=event.effective_date,
            reason=reason,
        )
