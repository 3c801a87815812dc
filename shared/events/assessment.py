"""Events the assessment service publishes on `assessment.person` (and who may see a person on
`assessment.relationships`), keyed by person id.

People are known here only by their pseudonymous id: never a name, address or NHS number.
"""

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from shared.events import Event, EventPart
from shared.events.vocabulary import RelationshipBasis, Setting


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


class GpPracticeChanged(PersonEvent):
    """Emitted when the person's GP practice changes (R17): the primary care oversight of their
    delegated tasks moves to the new practice."""

    gp_practice: str  # ODS code of the new practice
    effective_date: date


class ConsentGivenBy(StrEnum):
    PERSON = "person"
    LASTING_POWER_OF_ATTORNEY = "lasting_power_of_attorney"
    COURT_DEPUTY = "court_deputy"
    BEST_INTERESTS_DECISION = "best_interests_decision"


class ConsentRecorded(PersonEvent):
    """Emitted when consent to a specific delegated task is recorded on the support plan (R7).

    It is given for `delegation_id`, or for any delegation of the task to
    `provider_organisation`, or (both None) task-wide until a delegation of the task goes live
    and `ConsentLinked` binds it to that delegation.
    """

    consent_id: UUID
    task_code: str
    delegation_id: UUID | None = None
    given_by: ConsentGivenBy
    given_on: date
    provider_organisation: str | None = None


class ConsentLinked(PersonEvent):
    """Emitted when a delegation goes live under a consent not given for one delegation (R7):
    from now on the consent covers `delegation_id` only, never a later delegation of the task."""

    consent_id: UUID
    task_code: str
    delegation_id: UUID
    provider_organisation: str
    linked_on: date


class ConsentWithdrawn(PersonEvent):
    """Emitted when consent to a delegated task is withdrawn: the delegation stops (R7).

    `delegation_id` and `provider_organisation` are what the consent was given for;
    `linked_delegation_id` the delegation it was linked to (`ConsentLinked`), if any.
    """

    consent_id: UUID
    task_code: str
    delegation_id: UUID | None = None
    withdrawn_on: date
    provider_organisation: str | None = None
    linked_delegation_id: UUID | None = None


class NeedChanged(PersonEvent):
    """Emitted when a change in need is recorded; a significant one calls for an MDT (R8)."""

    change_id: UUID
    significant: bool
    recorded_on: date


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


class AssessedHealthNeed(EventPart):
    """R4: one assessed health need, by id, with the delegable tasks that meet it; no free text."""

    need_id: UUID
    purpose: HealthPurpose
    relates_to: HealthCondition
    requires_health_professional: bool
    task_codes: list[str]


class NeedsAssessed(PersonEvent):
    """Emitted when a needs assessment is recorded (R4, R6): its kind, who assessed for which
    organisation and when, and each health need a delegation can cite by `need_id`.

    The assessment it supersedes (R8), if any, is no longer current: its needs are replaced.
    """

    assessment_id: UUID
    kind: str  # AssessmentKind in the assessment API: care_act_needs, health_needs, ...
    partner_organisation: str
    assessed_on: date
    health_needs: list[AssessedHealthNeed]
    supersedes_assessment_id: UUID | None = None


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


class RelationshipChanged(Event):
    """Emitted when an organisation's legitimate relationship with a person starts or ends; every
    service that holds the person's records keeps the same view of who may see them."""

    topic: ClassVar[str] = "assessment.relationships"
    key: ClassVar[str] = "person_id"

    person_id: UUID
    organisation: str
    basis: RelationshipBasis
    source_id: str  # the assessment, proposal, delegation, package or dispute that makes it
    since: datetime
    until: datetime | None  # None: open; else the end, a grace period after its cause stopped


PUBLISHED: Sequence[type[Event]] = (
    PersonRegistered,
    CommunityHealthServicesStatusChanged,
    GpPracticeChanged,
    ConsentRecorded,
    ConsentLinked,
    ConsentWithdrawn,
    NeedChanged,
    NeedsAssessed,
    SupportPlanVersioned,
    EqualityReportCompiled,
    RelationshipChanged,
)
