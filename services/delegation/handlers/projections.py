"""Event reactions that keep the facts the gates need (R7, R13, R16, R17, R24) and reassess the
delegations those facts concern; the health needs a proposal may cite (R4)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.delegations import ACTIVE, RUNNING, Oversight, oversight_for
from services.delegation.handlers.delegations import reassess_all, transfer_oversight
from services.delegation.models import (
    Competence,
    Consent,
    Delegation,
    HealthNeed,
    Instruction,
    Person,
    TrainingPlan,
)
from services.delegation.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM
from shared.events.assessment import (
    CommunityHealthServicesStatusChanged,
    ConsentLinked,
    ConsentRecorded,
    ConsentWithdrawn,
    GpPracticeChanged,
    NeedsAssessed,
    PersonRegistered,
)
from shared.events.training import (
    CompetenceAssessed,
    CompetenceLapsed,
    CompetenceOutcome,
    InstructionRecorded,
    TrainingPlanAgreed,
)
from shared.events.vocabulary import OversightKind


async def delegations_where(session: AsyncSession, *conditions: object) -> Sequence[Delegation]:
    """The delegations a fact may change, locked in a stable order."""
    rows = await session.scalars(
        select(Delegation)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(Delegation.id)
        .with_for_update()
    )
    return rows.all()


async def on_person_registered(session: AsyncSession, event: PersonRegistered) -> None:
    """R13, R17: where the person's services are; a waiting delegation may now go live."""
    await session.merge(
        Person(
            person_id=event.person_id,
            local_authority=event.local_authority,
            gp_practice=event.gp_practice,
            setting=event.setting,
            open_to_chs=event.open_to_community_health_services,
        )
    )
    await audit(session, SYSTEM, "person.register", event.person_id, event.local_authority)
    await session.flush()
    await reassess_all(
        session,
        await delegations_where(
            session, Delegation.person_id == event.person_id, Delegation.status.in_(ACTIVE)
        ),
    )


async def on_chs_status_changed(
    session: AsyncSession, event: CommunityHealthServicesStatusChanged
) -> None:
    """R17: leaving Community Health Services transfers oversight to the GP practice."""
    person = await session.get(Person, event.person_id, with_for_update=True)
    if person is None:
        return
    await audit(session, SYSTEM, "person.chs_status", event.person_id, event.gp_practice)
    person.open_to_chs, person.gp_practice = (
        event.open_to_community_health_services,
        event.gp_practice,
    )
    chs = Settings.of(session).chs_organisation
    running = await delegations_where(
        session, Delegation.person_id == event.person_id, Delegation.status.in_(RUNNING)
    )
    for delegation in running:
        to = oversight_for(
            person.open_to_chs, person.gp_practice, chs, delegation.needs_specific_training
        )
        await transfer_oversight(session, delegation, to, event.effective_date)


async def on_gp_practice_changed(session: AsyncSession, event: GpPracticeChanged) -> None:
    """R17: primary care oversight of the person's running tasks moves to their new practice;
    a task overseen by Community Health Services stays with them."""
    person = await session.get(Person, event.person_id, with_for_update=True)
    if person is None:
        return
    await audit(session, SYSTEM, "person.gp_practice", event.person_id, event.gp_practice)
    person.gp_practice = event.gp_practice
    overseen = await delegations_where(
        session,
        Delegation.person_id == event.person_id,
        Delegation.status.in_(RUNNING),
        Delegation.oversight_kind == OversightKind.PRIMARY_CARE,
    )
    to = Oversight(OversightKind.PRIMARY_CARE, event.gp_practice)
    for delegation in overseen:
        await transfer_oversight(session, delegation, to, event.effective_date)


async def _consent_changed(
    session: AsyncSession,
    person_id: UUID,
    task_code: str,
    covers: UUID | None = None,
    provider_organisation: str | None = None,
) -> None:
    """R7: reassess the delegations a consent covers: the one it names or is linked to, else
    those of its task (to its provider, when it names one)."""
    conditions = [
        Delegation.person_id == person_id,
        Delegation.task_code == task_code,
        Delegation.status.in_(ACTIVE),
    ]
    if covers is not None:
        conditions.append(Delegation.id == covers)
    elif provider_organisation is not None:
        conditions.append(Delegation.provider_organisation == provider_organisation)
    await reassess_all(session, await delegations_where(session, *conditions))


async def on_consent_recorded(session: AsyncSession, event: ConsentRecorded) -> None:
    """R7: consent to this task (for one delegation, one provider or any) lets a delegation go
    live, or resume."""
    await session.merge(
        Consent(
            consent_id=event.consent_id,
            person_id=event.person_id,
            task_code=event.task_code,
            delegation_id=event.delegation_id,
            provider_organisation=event.provider_organisation,
            withdrawn=False,
        )
    )
    await audit(session, SYSTEM, "consent.record", event.consent_id, event.task_code)
    await session.flush()
    await _consent_changed(
        session, event.person_id, event.task_code, event.delegation_id, event.provider_organisation
    )


async def on_consent_linked(session: AsyncSession, event: ConsentLinked) -> None:
    """R7: a consent linked to the delegation that went live under it covers that delegation
    alone; a later delegation of the task to another provider needs its own consent."""
    consent = await session.get(Consent, event.consent_id, with_for_update=True)
    if consent is None:  # never recorded here: it grants nothing
        return
    consent.delegation_id = event.delegation_id
    await audit(session, SYSTEM, "consent.link", event.consent_id, str(event.delegation_id))
    await session.flush()
    await _consent_changed(session, event.person_id, event.task_code)


async def on_consent_withdrawn(session: AsyncSession, event: ConsentWithdrawn) -> None:
    """R7: withdrawal stops the delegation the consent covered (the one it was given for or
    linked to), else the delegations of its task it was open to; other consents stand."""
    covers = event.linked_delegation_id or event.delegation_id
    await session.merge(
        Consent(
            consent_id=event.consent_id,
            person_id=event.person_id,
            task_code=event.task_code,
            delegation_id=covers,
            provider_organisation=event.provider_organisation,
            withdrawn=True,
        )
    )
    await audit(session, SYSTEM, "consent.withdraw", event.consent_id, event.task_code)
    await session.flush()
    await _consent_changed(
        session, event.person_id, event.task_code, covers, event.provider_organisation
    )


async def _competence_changed(
    session: AsyncSession, worker_id: UUID, task_code: str, person_id: UUID | None
) -> None:
    conditions = [Delegation.task_code == task_code, Delegation.status.in_(ACTIVE)]
    if person_id is not None:
        conditions.append(Delegation.person_id == person_id)
    named = [
        d for d in await delegations_where(session, *conditions) if str(worker_id) in d.worker_ids
    ]
    await reassess_all(session, named)


async def on_competence_assessed(session: AsyncSession, event: CompetenceAssessed) -> None:
    """R16: a worker assessed competent (or not) in a task, for one person or any."""
    await session.merge(
        Competence(
            worker_id=event.worker_id,
            task_code=event.task_code,
            scope=str(event.person_id) if event.person_id else "*",
            competent=event.outcome is CompetenceOutcome.COMPETENT,
            valid_until=event.valid_until,
        )
    )
    await audit(session, SYSTEM, "competence.assess", event.worker_id, event.outcome)
    await session.flush()
    await _competence_changed(session, event.worker_id, event.task_code, event.person_id)


async def on_competence_lapsed(session: AsyncSession, event: CompetenceLapsed) -> None:
    """R16: a lapsed competence no longer counts from the day it lapsed (the worker is shown
    as lapsed); no competent worker left suspends and hands the task back (R18)."""
    scope = str(event.person_id) if event.person_id else "*"
    competence = await session.get(
        Competence, (event.worker_id, event.task_code, scope), with_for_update=True
    )
    if competence is not None:
        if competence.valid_until is None or competence.valid_until > event.lapsed_on:
            competence.valid_until = event.lapsed_on
        await session.flush()
    await audit(session, SYSTEM, "competence.lapse", event.worker_id, event.task_code)
    await _competence_changed(session, event.worker_id, event.task_code, event.person_id)


async def on_training_plan_agreed(session: AsyncSession, event: TrainingPlanAgreed) -> None:
    """R24: a named worker's training plan for this delegation is agreed."""
    await session.merge(
        TrainingPlan(
            delegation_id=event.delegation_id, worker_id=event.worker_id, plan_id=event.plan_id
        )
    )
    await audit(session, SYSTEM, "training_plan.agree", event.delegation_id, str(event.worker_id))
    await session.flush()
    await reassess_all(
        session,
        await delegations_where(
            session, Delegation.id == event.delegation_id, Delegation.status.in_(ACTIVE)
        ),
    )


async def on_instruction_recorded(session: AsyncSession, event: InstructionRecorded) -> None:
    """R16, A 5.13: a worker instructed for this delegation in a task needing no specific
    training: it stands for their training plan and competence, with no expiry."""
    await session.merge(
        Instruction(
            delegation_id=event.delegation_id,
            worker_id=event.worker_id,
            task_code=event.task_code,
            instructed_on=event.instructed_on,
        )
    )
    await audit(session, SYSTEM, "instruction.record", event.delegation_id, str(event.worker_id))
    await session.flush()
    await reassess_all(
        session,
        await delegations_where(
            session, Delegation.id == event.delegation_id, Delegation.status.in_(ACTIVE)
        ),
    )


async def on_needs_assessed(session: AsyncSession, event: NeedsAssessed) -> None:
    """R4, R8: the assessment's health needs become the ones a proposal may cite; those of the
    assessment it supersedes are no longer current."""
    if event.supersedes_assessment_id is not None:
        await session.execute(
            delete(HealthNeed).where(HealthNeed.assessment_id == event.supersedes_assessment_id)
        )
    for need in event.health_needs:
        await session.merge(
            HealthNeed(
                need_id=need.need_id,
                person_id=event.person_id,
                assessment_id=event.assessment_id,
                task_codes=list(need.task_codes),
            )
        )
    await audit(session, SYSTEM, "health_needs.assess", event.assessment_id, event.kind)
