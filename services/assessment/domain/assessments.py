"""R4 health needs and R6 trusted assessment: one current assessment of a kind, reused by all.

An assessment is current until a new one of its kind, following a change in need (R8),
supersedes it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from shared.errors import Conflict, InvalidInput
from shared.events.assessment import NeedChanged
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


class HealthPurpose(StrEnum):
    """R4: what a health need is for."""

    TREATMENT = "treatment"
    CONTROL = "control"
    MANAGEMENT = "management"
    PREVENTION = "prevention"
    CARE = "care"
    AFTERCARE = "aftercare"


class HealthCondition(StrEnum):
    """R4: what a health need relates to."""

    DISEASE = "disease"
    ILLNESS = "illness"
    INJURY = "injury"
    DISABILITY = "disability"


@dataclass(frozen=True)
class HealthNeed:
    """R4: a health need, whether or not a health professional must carry out the task."""

    need: str
    purpose: HealthPurpose
    relates_to: HealthCondition
    requires_health_professional: bool


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


def not_after_today(field: str, day: date, today: date) -> date:
    """What is recorded as done cannot be dated in the future."""
    if day > today:
        raise InvalidInput(field, "cannot be in the future")
    return day


def need_changed(
    person_id: UUID, change_id: UUID, significant: bool, recorded_on: date
) -> NeedChanged:
    """R8: the event that a change in need was recorded; a significant one calls for an MDT."""
    return NeedChanged(
        person_id=person_id, change_id=change_id, significant=significant, recorded_on=recorded_on
    )
