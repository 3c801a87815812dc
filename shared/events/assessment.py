"""Events the assessment service publishes on `assessment.person`, keyed by person id.

People are known here only by their pseudonymous id: never a name, address or NHS number.
"""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from shared.events import Event, EventPart
from shared.events.vocabulary import Setting


class PersonEvent(Event):
    topic: ClassVar[str] = "assessment.person"
    key: ClassVar[str] = "person_id"
    abstract: ClassVar[bool] = True

    person_id: UUID


class PersonRegistered(PersonEvent):
    """Emitted when a person is registered: where they live (R3) and who their services are."""

    local_authority: str
    gp_practice: str  # ODS code of the practice
    setting: Setting
    open_to_community_health_services: bool


class CommunityHealthServicesStatusChanged(PersonEvent):
    """Emitted when the person is opened to or discharged from Community Health Services (R17)."""

    open_to_community_health_services: bool
    gp_practice: str
    effective_date: date


class ConsentGivenBy(StrEnum):
    PERSON = "person"
    LASTING_POWER_OF_ATTORNEY = "lasting_power_of_attorney"
    COURT_DEPUTY = "court_deputy"
    BEST_INTERESTS_DECISION = "best_interests_decision"


class ConsentRecorded(PersonEvent):
    """Emitted when consent to a specific delegated task is recorded on the support plan (R7)."""

    consent_id: UUID
    task_code: str
    delegation_id: UUID | None = None
    given_by: ConsentGivenBy
    given_on: date


class ConsentWithdrawn(PersonEvent):
    """Emitted when consent to a delegated task is withdrawn: the delegation stops (R7)."""

    consent_id: UUID
    task_code: str
    delegation_id: UUID | None = None
    withdrawn_on: date


class NeedChanged(PersonEvent):
    """Emitted when a change in need is recorded; a significant one calls for an MDT (R8)."""

    change_id: UUID
    significant: bool
    recorded_on: date


class SupportPlanVersioned(PersonEvent):
    """Emitted when a new version of the person's support plan is made."""

    plan_id: UUID
    version: int
    task_codes: list[str]
    effective_from: date


class EqualityCount(EventPart):
    """One cell of the equality report; `count` is None when suppressed (under 5)."""

    characteristic: str
    value: str
    measure: str  # proposals, approvals, refusals, escalations, disputes
    count: int | None


class EqualityReportCompiled(Event):
    """Emitted when an equality report the IPCB asked for is compiled (R28): aggregates only."""

    topic: ClassVar[str] = "assessment.person"
    key: ClassVar[str] = "report_id"

    report_id: UUID
    period_start: date
    period_end: date
    rows: list[EqualityCount]


PUBLISHED: Sequence[type[Event]] = (
    PersonRegistered,
    CommunityHealthServicesStatusChanged,
    ConsentRecorded,
    ConsentWithdrawn,
    NeedChanged,
    SupportPlanVersioned,
    EqualityReportCompiled,
)
