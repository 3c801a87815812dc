"""Competence assessments (R16) and the failure process (R25)."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain import competence as domain
from services.training.domain.refreshers import Intervals
from services.training.handlers.workers import claim
from services.training.models import (
    CompetenceAssessment,
    FailureEscalation,
    TrainingRecord,
    Worker,
)
from services.training.queries.assessors import is_approved_assessor
from services.training.queries.plans import plan_intervals
from services.training.queries.versions import framework_version_in_force
from services.training.queries.workers import competence_policy, load_worker
from services.training.schemas.competence import AssessmentCreate
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import today
from shared.errors import Conflict
from shared.events.training import (
    CompetenceAssessed,
    CompetenceFailureEscalated,
    CompetenceOutcome,
)
from shared.outbox import publish


@dataclass(frozen=True)
class Recorded:
    assessment: CompetenceAssessment
    created: bool


def _same_scope(
    worker_id: UUID, task_code: str, person_id: UUID | None
) -> list[ColumnElement[bool]]:
    person = (
        CompetenceAssessment.person_id.is_(None)
        if person_id is None
        else CompetenceAssessment.person_id == person_id
    )
    return [
        CompetenceAssessment.worker_id == worker_id,
        CompetenceAssessment.task_code == task_code,
        person,
    ]


async def _history(
    session: AsyncSession, worker_id: UUID, body: AssessmentCreate
) -> list[CompetenceAssessment]:
    rows = await session.scalars(
        select(CompetenceAssessment)
        .where(*_same_scope(worker_id, body.task_code, body.person_id))
        .order_by(CompetenceAssessment.attempt)
    )
    return list(rows)


async def _training(
    session: AsyncSession, worker_id: UUID, task_code: str
) -> list[domain.TrainingDone]:
    rows = await session.scalars(
        select(TrainingRecord).where(
            TrainingRecord.worker_id == worker_id, TrainingRecord.task_code == task_code
        )
    )
    return [
        domain.TrainingDone(domain.TrainingKind(r.kind), r.completed_on, r.person_id) for r in rows
    ]


def _repeat_of(
    history: list[CompetenceAssessment], body: AssessmentCreate, idempotency_key: str | None
) -> CompetenceAssessment | None:
    """The same assessment recorded before: by its key, or the same outcome on the same day."""
    for past in reversed(history):
        if idempotency_key is not None and past.idempotency_key == idempotency_key:
            return past
        if past.current and past.outcome == body.outcome and past.evidence == body.evidence:
            return past
    return None


async def _by_key(
    session: AsyncSession, worker_id: UUID, key: str | None
) -> CompetenceAssessment | None:
    if key is None:
        return None
    earlier = await session.scalar(
        select(CompetenceAssessment).where(CompetenceAssessment.idempotency_key == key)
    )
    if earlier is not None and earlier.worker_id != worker_id:
        raise Conflict("the Idempotency-Key was used for another assessment")
    return earlier


async def record_assessment(
    session: AsyncSession,
    actor: CurrentUser,
    worker_id: UUID,
    body: AssessmentCreate,
    idempotency_key: str | None = None,
) -> Recorded:
    """R16: a registered practitioner or approved assessor, of the worker's provider or acting
    for it, assesses a trained worker; a repeat has no second effect; failure may escalate (R25);
    a competence lasts no longer than its training plans' reassessment interval (R25)."""
    domain.check_assessor(actor.role, await is_approved_assessor(session, actor))
    worker = await load_worker(session, actor, worker_id, acting=True)
    history = await _history(session, worker.id, body)
    earlier = await _by_key(session, worker.id, idempotency_key) or _repeat_of(
        [h for h in history if h.assessed_on == today(session)], body, idempotency_key
    )
    if earlier is not None:
        return Recorded(earlier, created=False)
    decision = await _decide(session, worker, body, history)
    assessment = _assessment(decision.assessed, actor, body, idempotency_key)
    _apply(session, worker, history, assessment)
    await session.flush()
    await _publish(session, assessment, decision)
    await audit(session, actor, "competence.assess", worker.id, f"{body.task_code} {body.outcome}")
    return Recorded(assessment, created=True)


async def _decide(
    session: AsyncSession,
    worker: Worker,
    body: AssessmentCreate,
    history: list[CompetenceAssessment],
) -> domain.AssessmentDecision:
    policy = await competence_policy(session)
    on = today(session)
    version = await framework_version_in_force(session, on)
    intervals = await plan_intervals(session, worker.id, body.task_code, body.person_id)
    return domain.assess_competence(
        _request(worker, body, on, version, intervals),
        await _training(session, worker.id, body.task_code),
        [_past(h) for h in history],
        policy.failures_before_escalation,
    )


def _apply(
    session: AsyncSession,
    worker: Worker,
    history: list[CompetenceAssessment],
    assessment: CompetenceAssessment,
) -> None:
    """The new assessment becomes the current one, as a compare-and-set on the worker."""
    for past in history:
        if past.current:
            past.current = False
    assessment.attempt = len(history) + 1
    session.add(assessment)
    claim(worker)


async def _publish(
    session: AsyncSession, assessment: CompetenceAssessment, decision: domain.AssessmentDecision
) -> None:
    await publish(session, decision.assessed)
    if decision.escalated is not None:
        await _escalate(session, assessment.id, decision.escalated)


def _past(assessment: CompetenceAssessment) -> domain.PastAssessment:
    outcome = CompetenceOutcome(assessment.outcome)
    return domain.PastAssessment(outcome, assessment.assessed_on, assessment.lapsed_on is not None)


def _request(
    worker: Worker,
    body: AssessmentCreate,
    on: date,
    framework_version: int | None,
    plan_intervals: Intervals | None,
) -> domain.AssessmentRequest:
    return domain.AssessmentRequest(
        assessment_id=uuid4(),
        worker_id=worker.id,
        task_code=body.task_code,
        person_id=body.person_id,
        provider_organisation=worker.organisation,
        outcome=body.outcome,
        assessed_on=on,
        valid_until=body.valid_until,
        reassessment_on=body.reassessment_on,
        further_training=body.further_training,
        framework_version=framework_version,
        plan_intervals=plan_intervals,
    )


def _assessment(
    event: CompetenceAssessed,
    actor: CurrentUser,
    body: AssessmentCreate,
    idempotency_key: str | None,
) -> CompetenceAssessment:
    competent = event.outcome is CompetenceOutcome.COMPETENT
    return CompetenceAssessment(
        id=event.assessment_id,
        worker_id=event.worker_id,
        task_code=event.task_code,
        person_id=event.person_id,
        provider_organisation=event.provider_organisation,
        assessor_id=actor.user_id,
        assessor_role=actor.role.value,
        standard=body.standard,
        evidence=body.evidence,
        outcome=event.outcome.value,
        assessed_on=event.assessed_on,
        valid_until=event.valid_until,
        reassessment_on=None if competent else body.reassessment_on,
        further_training=None if competent else body.further_training,
        current=True,
        lapsed_on=None,
        idempotency_key=idempotency_key,
        framework_version=event.framework_version,
    )


async def _escalate(
    session: AsyncSession, assessment_id: UUID, event: CompetenceFailureEscalated
) -> None:
    session.add(
        FailureEscalation(
            assessment_id=assessment_id,
            worker_id=event.worker_id,
            task_code=event.task_code,
            provider_organisation=event.provider_organisation,
            failures=event.failures,
            escalated_on=event.escalated_on,
        )
    )
    await publish(session, event)
