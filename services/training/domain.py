"""The Framework's rules the training service decides: pure functions."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from shared.events.training import (
    CompetenceAssessed,
    CompetenceExpiryWarned,
    CompetenceFailureEscalated,
    CompetenceLapsed,
    CompetenceOutcome,
    TrainingPlanAgreed,
)

# R24 and R25: every item a training plan must record, by the field that carries it.
PLAN_ITEMS: Mapping[str, str] = {
    "knowledge_and_skills_required": "the knowledge and skills required",
    "training_materials": "the training materials",
    "knowledge_training": "who delivers and assesses knowledge training, and the standard",
    "skills_training": "who delivers skills training, assesses competence, and the standard",
    "competence_recording": "how competence is recorded",
    "refresher_interval_months": "the refresher training interval",
    "reassessment_interval_months": "the reassessment interval",
    "ongoing_support": "the ongoing support to the worker",
    "clinical_review": "the clinical review of the person's needs",
    "risks_and_safe_delivery": "the risks of the task and how to deliver it safely",
    "not_competent_process": "what happens when a worker does not achieve competence",
    "release_for_training": "the release of workers for training",
    "backfill_hourly_rate_pence": "the provider's hourly rate for backfill",
}
WARNING_DAYS: Sequence[int] = (90, 60, 30)


class PlanStatus(StrEnum):
    REQUIRED = "required"
    AGREED = "agreed"
    WITHDRAWN = "withdrawn"


class TrainingKind(StrEnum):
    KNOWLEDGE = "knowledge"
    SKILLS = "skills"


@dataclass(frozen=True)
class PlanFacts:
    plan_id: UUID
    delegation_id: UUID
    task_code: str
    provider_organisation: str
    status: PlanStatus
    worker_ids: Sequence[UUID]


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return any(_is_blank(v) for v in value.values()) or not value
    if isinstance(value, list | tuple):
        return not value or any(_is_blank(v) for v in value)
    return False


def agree_training_plan(
    plan: PlanFacts, content: Mapping[str, object], today: date
) -> list[TrainingPlanAgreed]:
    """R24, R25: a plan is agreed once, only when it records every item; one event per worker."""
    if plan.status is not PlanStatus.REQUIRED:
        raise Conflict(f"the training plan is {plan.status}, not awaiting agreement")
    for field, item in PLAN_ITEMS.items():
        if _is_blank(content.get(field)):
            raise RuleViolation(
                "R25",
                f"the training plan must record {item}",
                errors=[{"field": field, "reason": "required by R25"}],
            )
    return [
        TrainingPlanAgreed(
            worker_id=worker_id,
            plan_id=plan.plan_id,
            delegation_id=plan.delegation_id,
            task_code=plan.task_code,
            provider_organisation=plan.provider_organisation,
            agreed_on=today,
        )
        for worker_id in plan.worker_ids
    ]


def backfill_cost_pence(minutes: int, hourly_rate_pence: int) -> int:
    """Minutes released x hourly rate / 60, rounded half up to a whole penny."""
    if minutes < 0 or hourly_rate_pence < 0:
        raise InvalidInput("minutes", "must not be negative")
    return (2 * minutes * hourly_rate_pence + 60) // 120


def check_assessor(role: str, is_approved_assessor: bool) -> None:
    """R16, R25: only a registered practitioner or an approved assessor signs off competence."""
    if role != "registered_practitioner" and not is_approved_assessor:
        raise Forbidden(
            "competence is assessed by a registered practitioner or an approved assessor"
        )


@dataclass(frozen=True)
class TrainingDone:
    kind: TrainingKind
    completed_on: date
    person_id: UUID | None


@dataclass(frozen=True)
class PastAssessment:
    outcome: CompetenceOutcome
    assessed_on: date


@dataclass(frozen=True)
class AssessmentRequest:
    assessment_id: UUID
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    provider_organisation: str
    outcome: CompetenceOutcome
    assessed_on: date
    valid_until: date | None
    reassessment_on: date | None
    further_training: str | None


@dataclass(frozen=True)
class AssessmentDecision:
    assessed: CompetenceAssessed
    escalated: CompetenceFailureEscalated | None
    failures: int


def _check_outcome_details(request: AssessmentRequest) -> None:
    if request.outcome is CompetenceOutcome.COMPETENT:
        if request.valid_until is None or request.valid_until <= request.assessed_on:
            raise InvalidInput("valid_until", "a competent outcome needs a later expiry date")
        return
    if request.reassessment_on is None or request.reassessment_on <= request.assessed_on:
        raise RuleViolation(
            "R25",
            "not yet competent starts the failure process: set a later reassessment date",
            errors=[{"field": "reassessment_on", "reason": "required, after today"}],
        )
    if _is_blank(request.further_training):
        raise RuleViolation(
            "R25",
            "not yet competent starts the failure process: record the further training",
            errors=[{"field": "further_training", "reason": "required"}],
        )


def _check_trained(
    request: AssessmentRequest, training: Collection[TrainingDone], since: date | None
) -> None:
    relevant = [
        t
        for t in training
        if t.person_id in (None, request.person_id) and t.completed_on <= request.assessed_on
    ]
    for kind in TrainingKind:
        if not any(t.kind is kind for t in relevant):
            raise RuleViolation(
                "R16", f"{kind} training must be recorded before competence is assessed"
            )
    if since is not None and not any(t.completed_on > since for t in relevant):
        raise RuleViolation(
            "R16", f"further training completed after the failed assessment of {since} comes first"
        )


def failures_in_a_row(history: Sequence[PastAssessment]) -> int:
    """Not-yet-competent outcomes since the last competent one (history oldest first)."""
    count = 0
    for past in history:
        count = count + 1 if past.outcome is CompetenceOutcome.NOT_YET_COMPETENT else 0
    return count


def assess_competence(
    request: AssessmentRequest,
    training: Collection[TrainingDone],
    history: Sequence[PastAssessment],
    failures_before_escalation: int,
) -> AssessmentDecision:
    """R16: trained first, then assessed; a failure starts the R25 process and may escalate."""
    _check_outcome_details(request)
    last = history[-1] if history else None
    failed_on = (
        last.assessed_on
        if last is not None and last.outcome is CompetenceOutcome.NOT_YET_COMPETENT
        else None
    )
    _check_trained(request, training, failed_on)
    failures = failures_in_a_row([*history, PastAssessment(request.outcome, request.assessed_on)])
    competent = request.outcome is CompetenceOutcome.COMPETENT
    assessed = CompetenceAssessed(
        worker_id=request.worker_id,
        assessment_id=request.assessment_id,
        task_code=request.task_code,
        person_id=request.person_id,
        provider_organisation=request.provider_organisation,
        outcome=request.outcome,
        assessed_on=request.assessed_on,
        valid_until=request.valid_until if competent else None,
    )
    escalated = None
    if failures == failures_before_escalation:
        escalated = CompetenceFailureEscalated(
            worker_id=request.worker_id,
            task_code=request.task_code,
            provider_organisation=request.provider_organisation,
            failures=failures,
            escalated_on=request.assessed_on,
        )
    return AssessmentDecision(assessed, escalated, failures)


def is_competent(
    outcome: CompetenceOutcome, valid_until: date | None, lapsed: bool, today: date
) -> bool:
    """R16: counted competent only on a current competent outcome before its expiry date."""
    return (
        outcome is CompetenceOutcome.COMPETENT
        and not lapsed
        and valid_until is not None
        and today < valid_until
    )


@dataclass(frozen=True)
class HeldCompetence:
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    provider_organisation: str
    valid_until: date


def expiry_warning_due(
    held: HeldCompetence, today: date, already_warned: Collection[int]
) -> CompetenceExpiryWarned | None:
    """The tightest of 90, 60, 30 days now reached, unless already sent: each warning once."""
    days_left = (held.valid_until - today).days
    if days_left <= 0:
        return None
    reached = [days for days in WARNING_DAYS if days_left <= days]
    if not reached or min(reached) in already_warned:
        return None
    return CompetenceExpiryWarned(
        worker_id=held.worker_id,
        task_code=held.task_code,
        person_id=held.person_id,
        provider_organisation=held.provider_organisation,
        expires_on=held.valid_until,
        days_before=min(reached),
    )


def lapse_due(held: HeldCompetence, today: date) -> CompetenceLapsed | None:
    """R16: on its expiry date a competence not reassessed lapses."""
    if today < held.valid_until:
        return None
    return CompetenceLapsed(
        worker_id=held.worker_id,
        task_code=held.task_code,
        person_id=held.person_id,
        provider_organisation=held.provider_organisation,
        lapsed_on=held.valid_until,
    )
