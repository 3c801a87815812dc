"""R16, R25: a worker's competence in a task: assessed after training, lapsing on its expiry."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.training.domain.dates import check_due
from services.training.domain.plans import is_blank
from services.training.domain.refreshers import Intervals, check_within_reassessment
from shared.errors import Forbidden, InvalidInput, RuleViolation
from shared.events.training import (
    CompetenceAssessed,
    CompetenceFailureEscalated,
    CompetenceOutcome,
    in_date,
)
from shared.lifecycle import Lifecycle


class CompetenceState(StrEnum):
    """A worker's competence in one task (for one person, if specific)."""

    UNASSESSED = "unassessed"
    COMPETENT = "competent"
    NOT_YET_COMPETENT = "not_yet_competent"  # the R25 failure process runs
    LAPSED = "lapsed"  # the expiry date passed without a reassessment


class CompetenceCommand(StrEnum):
    ASSESS_COMPETENT = "assessed competent"
    ASSESS_NOT_YET_COMPETENT = "assessed not yet competent"
    LAPSE = "lapsed"


_ASSESSABLE = (
    CompetenceState.UNASSESSED,
    CompetenceState.COMPETENT,
    CompetenceState.NOT_YET_COMPETENT,
    CompetenceState.LAPSED,
)
COMPETENCE: Lifecycle[CompetenceState, CompetenceCommand] = Lifecycle(
    "competence",
    {
        **{
            (state, CompetenceCommand.ASSESS_COMPETENT): CompetenceState.COMPETENT
            for state in _ASSESSABLE
        },
        **{
            (state, CompetenceCommand.ASSESS_NOT_YET_COMPETENT): CompetenceState.NOT_YET_COMPETENT
            for state in _ASSESSABLE
        },
        (CompetenceState.COMPETENT, CompetenceCommand.LAPSE): CompetenceState.LAPSED,
    },
)
_BY_OUTCOME = {
    CompetenceOutcome.COMPETENT: CompetenceCommand.ASSESS_COMPETENT,
    CompetenceOutcome.NOT_YET_COMPETENT: CompetenceCommand.ASSESS_NOT_YET_COMPETENT,
}


class TrainingKind(StrEnum):
    KNOWLEDGE = "knowledge"
    SKILLS = "skills"
    REFRESHER = "refresher"  # R25: keeps a competence going between reassessments


BEFORE_ASSESSMENT = (TrainingKind.KNOWLEDGE, TrainingKind.SKILLS)


def competence_state(outcome: CompetenceOutcome | None, lapsed: bool) -> CompetenceState:
    """The state of a competence from its current assessment (None: never assessed)."""
    if outcome is None:
        return CompetenceState.UNASSESSED
    if lapsed:
        return CompetenceState.LAPSED
    if outcome is CompetenceOutcome.COMPETENT:
        return CompetenceState.COMPETENT
    return CompetenceState.NOT_YET_COMPETENT


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
    lapsed: bool = False


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
    framework_version: int | None = None  # R29: the version in force on `assessed_on`
    plan_intervals: Intervals | None = None  # R25: the strictest of the plans in force


@dataclass(frozen=True)
class AssessmentDecision:
    state: CompetenceState
    assessed: CompetenceAssessed
    escalated: CompetenceFailureEscalated | None
    failures: int


def _check_outcome_details(request: AssessmentRequest) -> None:
    """R16, R25: a competent outcome lasts until a date within the policy's maximum and the
    training plans' reassessment interval; a failed one sets a reassessment within the policy's
    maximum and the further training."""
    if request.outcome is CompetenceOutcome.COMPETENT:
        if request.valid_until is None:
            raise InvalidInput("valid_until", "a competent outcome needs a later expiry date")
        check_due("valid_until", request.valid_until, request.assessed_on)
        check_within_reassessment(request.valid_until, request.assessed_on, request.plan_intervals)
        if request.framework_version is None:
            raise RuleViolation(
                "R29", f"no Framework version was in force on {request.assessed_on}"
            )
        return
    if request.reassessment_on is None or request.reassessment_on <= request.assessed_on:
        raise RuleViolation(
            "R25",
            "not yet competent starts the failure process: set a later reassessment date",
            errors=[{"field": "reassessment_on", "reason": "required, after today"}],
        )
    if is_blank(request.further_training):
        raise RuleViolation(
            "R25",
            "not yet competent starts the failure process: record the further training",
            errors=[{"field": "further_training", "reason": "required"}],
        )
    check_due("reassessment_on", request.reassessment_on, request.assessed_on)


def _check_trained(
    request: AssessmentRequest, training: Collection[TrainingDone], since: date | None
) -> None:
    relevant = [
        t
        for t in training
        if t.person_id in (None, request.person_id) and t.completed_on <= request.assessed_on
    ]
    for kind in BEFORE_ASSESSMENT:
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


def _escalation(request: AssessmentRequest, failures: int) -> CompetenceFailureEscalated:
    return CompetenceFailureEscalated(
        worker_id=request.worker_id,
        task_code=request.task_code,
        provider_organisation=request.provider_organisation,
        failures=failures,
        escalated_on=request.assessed_on,
    )


def assess_competence(
    request: AssessmentRequest,
    training: Collection[TrainingDone],
    history: Sequence[PastAssessment],
    failures_before_escalation: int,
) -> AssessmentDecision:
    """R16: trained first, then assessed; a failure starts the R25 process and may escalate.

    R29: the sign-off records the Framework version in force; a competent outcome needs one.
    """
    last = history[-1] if history else None
    current = competence_state(last.outcome if last else None, bool(last and last.lapsed))
    state = COMPETENCE.next(current, _BY_OUTCOME[request.outcome])
    _check_outcome_details(request)
    failed = last is not None and current is CompetenceState.NOT_YET_COMPETENT
    failed_on = last.assessed_on if failed and last is not None else None
    _check_trained(request, training, failed_on)
    failures = failures_in_a_row([*history, PastAssessment(request.outcome, request.assessed_on)])
    competent = state is CompetenceState.COMPETENT
    assessed = CompetenceAssessed(
        worker_id=request.worker_id,
        assessment_id=request.assessment_id,
        task_code=request.task_code,
        person_id=request.person_id,
        provider_organisation=request.provider_organisation,
        outcome=request.outcome,
        assessed_on=request.assessed_on,
        valid_until=request.valid_until if competent else None,
        framework_version=request.framework_version,
    )
    escalated = _escalation(request, failures) if failures == failures_before_escalation else None
    return AssessmentDecision(state, assessed, escalated, failures)


def is_competent(
    outcome: CompetenceOutcome, valid_until: date | None, lapsed: bool, today: date
) -> bool:
    """R16: counted competent only on a current competent outcome still in date (`in_date`)."""
    return (
        competence_state(outcome, lapsed) is CompetenceState.COMPETENT
        and valid_until is not None
        and in_date(valid_until, today)
    )
