"""Consent to a delegated task (R7), recorded and withdrawn on new versions of the plan."""

import uuid
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from services.assessment.domain import consents, plans
from services.assessment.handlers import plans as plan_handlers
from services.assessment.handlers.people import locked_person
from services.assessment.handlers.plans import as_plan, latest_version, save_version
from services.assessment.models import Consent
from services.assessment.schemas.consents import ConsentCreate, ConsentWithdrawal
from shared.access import may_act_on
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import Conflict, NotFound
from shared.events.delegation import DelegationResumed, TaskDelegated
from shared.outbox import publish


def fact(consent: Consent) -> consents.ConsentFact:
    return consents.ConsentFact(
        consent.id,
        consent.task_code,
        consent.delegation_id,
        consent.withdrawn_on is not None,
        provider_organisation=consent.provider_organisation,
        linked_delegation_id=consent.linked_delegation_id,
    )


async def _repeated(
    session: AsyncSession,
    person_id: UUID,
    key: str | None,
    column: InstrumentedAttribute[str | None],
) -> Consent | None:
    if key is None:
        return None
    repeated = await session.scalar(select(Consent).where(column == key))
    if repeated is not None and repeated.person_id != person_id:
        raise Conflict("this Idempotency-Key was used for another person")
    return repeated


async def record_consent(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    body: ConsentCreate,
    idempotency_key: str | None = None,
) -> tuple[Consent, bool]:
    """R7: consent to one delegated task, recorded on a new version of the support plan; True
    unless a repeated Idempotency-Key."""
    await may_act_on(session, actor, person_id)
    repeated = await _repeated(session, person_id, idempotency_key, Consent.idempotency_key)
    if repeated is not None:
        return repeated, False
    await locked_person(session, person_id)
    existing = (await session.scalars(select(Consent).where(Consent.person_id == person_id))).all()
    previous = await latest_version(session, person_id)
    asked = consents.Given(person_id=person_id, consent_id=uuid.uuid4(), **body.model_dump())
    _, events = consents.give(asked, today(session), [fact(c) for c in existing])
    new = plans.with_consent(as_plan(previous), asked.consent_id)
    consent = Consent(
        id=asked.consent_id,
        person_id=person_id,
        **body.model_dump(),
        recorded_at=now(session),
        recorded_by=actor.user_id,
        idempotency_key=idempotency_key,
    )
    session.add(consent)
    await session.flush()
    reason = f"consent to {body.task_code} given by {body.given_by.value}"
    await save_version(
        session, actor, person_id, previous, new, effective_from=body.given_on, reason=reason
    )
    for event in events:
        await publish(session, event)
    await audit(session, actor, "consent.record", consent.id, reason)
    return consent, True


async def withdraw_consent(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    consent_id: UUID,
    body: ConsentWithdrawal,
    idempotency_key: str | None = None,
) -> tuple[Consent, bool]:
    """R7: withdrawal stops the delegation; the consent and its withdrawal both stay on record.
    True unless a repeated Idempotency-Key."""
    await may_act_on(session, actor, person_id)
    key_column = Consent.withdrawal_idempotency_key
    repeated = await _repeated(session, person_id, idempotency_key, key_column)
    if repeated is not None:
        return repeated, False
    await locked_person(session, person_id)
    consent = await session.get(Consent, consent_id)
    if consent is None or consent.person_id != person_id:
        raise NotFound(f"no consent {consent_id} for this person")
    previous = await latest_version(session, person_id)
    _, events = consents.withdraw(
        person_id, fact(consent), consent.given_on, body.withdrawn_on, today(session)
    )
    new = plans.without_consent(as_plan(previous), fact(consent))
    consent.withdrawn_on, consent.withdrawal_reason = body.withdrawn_on, body.reason
    consent.withdrawn_at, consent.withdrawn_by = now(session), actor.user_id
    consent.withdrawal_idempotency_key = idempotency_key
    stopped = len(as_plan(previous).tasks) - len(new.tasks)
    reason = f"consent to {consent.task_code} withdrawn ({stopped} task(s) stop): {body.reason}"
    await save_version(
        session, actor, person_id, previous, new, effective_from=body.withdrawn_on, reason=reason
    )
    for event in events:
        await publish(session, event)
    await audit(session, actor, "consent.withdraw", consent.id, body.reason)
    return consent, True


async def on_task_delegated(session: AsyncSession, event: TaskDelegated) -> None:
    """The live task joins the plan; the consents open to it are linked to it alone (R7)."""
    await plan_handlers.on_task_delegated(session, event)
    await _link(
        session,
        consents.WentLive(
            event.person_id,
            event.delegation_id,
            event.task_code,
            event.provider_organisation,
            event.start_date,
        ),
    )


async def on_delegation_resumed(session: AsyncSession, event: DelegationResumed) -> None:
    """A resumed delegation is back on the plan (withdrawn consent took it off), and the consent
    that let it resume is linked to it alone (R7)."""
    await locked_person(session, event.person_id)
    task = await plan_handlers.task_in_history(session, event.person_id, event.delegation_id)
    if task is None:
        return
    reason = f"task {task.task_code} resumed with {task.provider_organisation}"
    await plan_handlers.add_task(session, event.person_id, task, event.effective_date, reason)
    await _link(
        session,
        consents.WentLive(
            event.person_id,
            event.delegation_id,
            task.task_code,
            task.provider_organisation,
            event.effective_date,
        ),
    )


async def _link(session: AsyncSession, went_live: consents.WentLive) -> None:
    given = await session.scalars(
        select(Consent).where(
            Consent.person_id == went_live.person_id, Consent.task_code == went_live.task_code
        )
    )
    by_id = {c.id: c for c in given}
    for linked in consents.link(went_live, [fact(c) for c in by_id.values()]):
        consent = by_id[linked.consent_id]
        consent.linked_delegation_id, consent.linked_on = linked.delegation_id, linked.linked_on
        await session.flush()
        await publish(session, linked)
        await audit(session, SYSTEM, "consent.link", consent.id, str(linked.delegation_id))
