"""R4 health needs and R6 trusted assessment: one current assessment of a kind, reused by all.

An assessment is current until a new one of its kind, following a change in need (R8),
supersedes it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from shared.errors import Conflict, RuleViolation
from shared.events.assessment import (
    AssessedHealthNeed,
    HealthCondition,
    HealthPurpose,
    NeedChanged,
    NeedsAssessed,
)
from shared.lifecycle import Lifecycle


class AssessmentState(StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"


class AssessmentCommand(StrEnum):
    SUPERSEDE = "superseded"


ASSESSMENT: Lifecycle[AssessmentState, AssessmentCommand] = Lifecycle(
    "assessment",
    {(AssessmentState.CURRENT, AssessmentCommand.SUPERSEDE): AssessmentState.SUPERSEDED},
)


class AssessmentKind(StrEnum):
    """R6: the kinds of assessment the Framework names; one current of each kind per person.

    Care Act needs (A 4.4) and carers' assessments (Care Act 2014 ss.9-10; families and carers,
    A 3.6, A 5.10); health needs (A 4.3); the NHS Continuing Healthcare Checklist and Decision
    Support Tool (the National Framework for CHC and FNC, A 4.2, A 4.6).
    """

    CARE_ACT_NEEDS = "care_act_needs"
    CARERS = "carers"
    HEALTH_NEEDS = "health_needs"
    CHC_CHECKLIST = "chc_checklist"
    CHC_DECISION_SUPPORT_TOOL = "chc_decision_support_tool"


@dataclass(frozen=True)
class HealthNeed:
    """R4: a health need, whether or not a health professional must carry out the task."""

    need_id: UUID
    purpose: HealthPurpose
    relates_to: HealthCondition
    requires_health_professional: bool
    task_codes: tuple[str, ...]


@dataclass(frozen=True)
class CurrentAssessment:
    assessment_id: UUID
    person_id: UUID
    recorded_at: datetime
    state: AssessmentState = AssessmentState.CURRENT


@dataclass(frozen=True)
class RecordedChange:
    change_id: UUID
    recorded_at: datetime
    already_followed: bool  # an assessment of this kind already followed this change


def assessment_url(person_id: UUID, assessment_id: UUID) -> str:
    return f"/people/{person_id}/assessments/{assessment_id}"


def may_assess(current: CurrentAssessment | None, follows_change: RecordedChange | None) -> None:
    """R6: a second assessment of a kind is a duplicate unless a change in need came since (R8)."""
    if current is None:
        return
    if (
        follows_change is None
        or follows_change.already_followed
        or follows_change.recorded_at < current.recorded_at
    ):
        raise Conflict(
            "an assessment of this kind is current: reuse it (trusted assessment), or record "
            "a change in need first",
            rule="R6",
            existing=assessment_url(current.person_id, current.assessment_id),
        )


def supersede(
    current: CurrentAssessment | None, follows_change: RecordedChange | None
) -> AssessmentState | None:
    """R6/R8: the new assessment may be made; the state the current one moves to (None: none)."""
    may_assess(current, follows_change)
    if current is None:
        return None
    return ASSESSMENT.next(current.state, AssessmentCommand.SUPERSEDE)


def assessing_organisation(token_organisation: str, in_body: str | None) -> str:
    """R6: the record keeps the organisation that assessed: the caller's, never another's."""
    if in_body is not None and in_body != token_organisation:
        why = (
            f"the assessing organisation is the caller's ({token_organisation}); "
            "omit the field or send the same"
        )
        raise RuleViolation("R6", why, errors=[{"field": "partner_organisation", "reason": why}])
    return token_organisation


@dataclass(frozen=True)
class Assessed:
    """What an assessment records that other services may rely on (R4, R6)."""

    person_id: UUID
    assessment_id: UUID
    kind: AssessmentKind
    partner_organisation: str
    assessed_on: date
    health_needs: tuple[HealthNeed, ...]
    supersedes: UUID | None


def needs_assessed(assessed: Assessed) -> NeedsAssessed:
    """R4: the assessed health needs, by id and task, for a delegation to cite."""
    return NeedsAssessed(
        person_id=assessed.person_id,
        assessment_id=assessed.assessment_id,
        kind=assessed.kind.value,
        partner_organisation=assessed.partner_organisation,
        assessed_on=assessed.assessed_on,
        health_needs=[
            AssessedHealthNeed(
                need_id=n.need_id,
                purpose=n.purpose,
                relates_to=n.relates_to,
                requires_health_professional=n.requires_health_professional,
                task_codes=list(n.task_codes),
            )
            for n in assessed.health_needs
        ],
        supersedes_assessment_id=assessed.supersedes,
    )


def need_changed(
    person_id: UUID, change_id: UUID, significant: bool, recorded_on: date
) -> NeedChanged:
    """R8: the event that a change in need was recorded; a significant one calls for an MDT."""
    return NeedChanged(
        person_id=person_id, change_id=change_id, significant=significant, recorded_on=recorded_on
    )
