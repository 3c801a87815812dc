"""Events the delegation service publishes on `delegation.delegation`, keyed by person id."""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from shared.events import Event, EventPart
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory


class DelegationEvent(Event):
    topic: ClassVar[str] = "delegation.delegation"
    key: ClassVar[str] = "person_id"
    abstract: ClassVar[bool] = True

    person_id: UUID


class ProposalSubmitted(DelegationEvent):
    """Emitted when a registered practitioner proposes a delegation to the MDT (R9)."""

    proposal_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    provider_organisation: str
    additional_minutes_per_week: int
    submitted_on: date
    # Who may see the person because of it (assessment decides relationships from these).
    proposed_by_organisation: str | None = None


class DecisionOutcome(StrEnum):
    APPROVED = "approved"
    REFUSED = "refused"
    NO_CONSENSUS = "no_consensus"


class DelegationDecided(DelegationEvent):
    """Emitted when the MDT decides a proposal, under the Framework version in force (R9, R29)."""

    proposal_id: UUID
    outcome: DecisionOutcome
    framework_version: int
    decided_on: date
    rule: str | None = None  # the rule that stopped an approval, if any
    mdt_organisations: list[str] = []  # the organisations of the MDT members who decided


class Discipline(StrEnum):
    """R9: the disciplines an MDT member may bring."""

    REGISTERED_NURSE = "registered_nurse"
    DOCTOR = "doctor"
    ALLIED_HEALTH_PROFESSIONAL = "allied_health_professional"
    PHARMACIST = "pharmacist"
    SOCIAL_WORKER = "social_worker"
    SOCIAL_CARE_PRACTITIONER = "social_care_practitioner"
    CARE_PROVIDER = "care_provider"


class SharedCareQuestion(StrEnum):
    """R14: what the MDT asks the Shared Care discussion to decide about the task."""

    MAY_DELEGATE = "may_delegate"
    CONDITIONS = "conditions"
    RISK_ACCEPTABLE = "risk_acceptable"
    FUNDING = "funding"  # R11: who meets the need when s.22 is in doubt
    DIRECTION = "direction"  # R1: a health task or a social care task


class Stance(StrEnum):
    """R14: where an MDT member stood on delegating the task."""

    DELEGATE = "delegate"
    DELEGATE_WITH_CONDITIONS = "delegate_with_conditions"
    DO_NOT_DELEGATE = "do_not_delegate"


class MdtPosition(EventPart):
    """R14: one MDT member's position, as codes: their discipline, organisation and stance."""

    discipline: Discipline
    organisation: str
    stance: Stance


class SharedCareRequested(DelegationEvent):
    """Emitted when the MDT cannot reach consensus: a Shared Care discussion is needed (R14).
    `question` and `positions` are text generated from the codes (never what a user typed)."""

    proposal_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    question: str
    positions: list[str]
    question_code: SharedCareQuestion | None = None
    stances: list[MdtPosition] = []


class DelegationAccepted(DelegationEvent):
    """Emitted when the provider accepts the task (R15): its workers need a training plan (R24)."""

    delegation_id: UUID
    task_code: str
    provider_organisation: str
    worker_ids: list[UUID]
    accepted_on: date
    # A 5.13: tasks such as medication prompts need an instruction record, not a training plan.
    needs_specific_training: bool = True


class DeclineReason(StrEnum):
    """R15, R18: why a provider declines a task, or gives it back once it carries it."""

    NO_CAPACITY = "no_capacity"
    CANNOT_TRAIN_IN_TIME = "cannot_train_in_time"
    CANNOT_SUPERVISE = "cannot_supervise"
    NOT_SAFE_TO_DELIVER = "not_safe_to_deliver"
    INSURANCE_OR_INDEMNITY = "insurance_or_indemnity"
    OUTSIDE_REGISTRATION = "outside_registration"
    FUNDING_NOT_AGREED = "funding_not_agreed"
    PACKAGE_ENDING = "package_ending"
    OTHER = "other"


class DelegationDeclined(DelegationEvent):
    """Emitted when the provider declines the task (R15). `reason` is the code's fixed wording."""

    delegation_id: UUID
    provider_organisation: str
    reason: str
    declined_on: date
    reason_code: DeclineReason | None = None
    proposal_id: UUID | None = None  # the proposal approved for this provider


class TaskDelegated(DelegationEvent):
    """Emitted when every gate is green and the delegation goes live (R7, R13, R15-R17, R19)."""

    delegation_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    accountable_organisation: str
    provider_organisation: str
    local_authority: str
    additional_minutes_per_week: int
    start_date: date
    oversight_kind: OversightKind
    oversight_owner: str
    worker_ids: list[UUID]
    # R11: a health-to-social delegation records the s.22 test; when it fails the council is
    # never charged (NHS-funded or a joint package). None when the test does not apply.
    section_22_met: bool | None = None
    needs_specific_training: bool = True
    proposal_id: UUID | None = None  # the proposal the MDT approved


class SuspensionReason(StrEnum):
    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_COMPETENT_WORKER = "no_competent_worker"


class DelegationSuspended(DelegationEvent):
    """Emitted when a live delegation stops until its gate is green again (R7, R16)."""

    delegation_id: UUID
    reason: SuspensionReason
    effective_date: date


class DelegationResumed(DelegationEvent):
    """Emitted when a suspended delegation's gates are green again."""

    delegation_id: UUID
    effective_date: date


class EndReason(StrEnum):
    """Why a delegation ends."""

    NEED_MET = "need_met"
    NEED_CHANGED = "need_changed"
    TASK_NO_LONGER_SUITABLE = "task_no_longer_suitable"
    HEALTH_RESUMED_TASK = "health_resumed_task"
    PERSON_MOVED = "person_moved"
    SETTING_CHANGED = "setting_changed"
    PERSON_DECLINED = "person_declined"
    PROVIDER_CHANGED = "provider_changed"
    PERSON_DIED = "person_died"
    ENDED_AT_REVIEW = "ended_at_review"  # R26: the review's outcome ended it
    OTHER = "other"


class DelegationEnded(DelegationEvent):
    """Emitted when a delegation ends. `reason` is the code's fixed wording."""

    delegation_id: UUID
    task_code: str
    reason: str
    effective_date: date
    reason_code: EndReason | None = None
    proposal_id: UUID | None = None  # the proposal the MDT approved


class OversightTransferred(DelegationEvent):
    """Emitted when clinical oversight moves, e.g. from CHS to the GP practice (R17)."""

    delegation_id: UUID
    from_kind: OversightKind
    from_owner: str
    to_kind: OversightKind
    to_owner: str
    effective_date: date


class CarePlanReevaluationFlagged(DelegationEvent):
    """Emitted when ad hoc occurrences of a task have become regular (R23)."""

    delegation_id: UUID
    task_code: str
    occurrences: int
    period_days: int
    flagged_on: date


class ReviewReason(StrEnum):
    THREE_MONTHS = "three_months_after_start"
    TWELVE_MONTHS = "twelve_monthly"
    CHANGE_IN_NEED = "change_in_need"
    CATALOGUE_RULING = "catalogue_ruling"  # R10: the IPCB changed whether the task may be delegated


class ReviewDue(DelegationEvent):
    """Emitted by the scheduler when a review falls due (R26)."""

    delegation_id: UUID
    review_id: UUID
    due_date: date
    reason: ReviewReason
    mdt_reassessment: bool


class ReviewOutcome(StrEnum):
    CONTINUE = "continue"
    CHANGE_MINUTES = "change_minutes"
    END = "end"


class ReviewCompleted(DelegationEvent):
    """Emitted when a review is completed; changed minutes re-apportion funding (R19, R26)."""

    delegation_id: UUID
    review_id: UUID
    outcome: ReviewOutcome
    additional_minutes_per_week: int
    effective_date: date
    framework_version: int | None = None  # R29: the version the outcome was decided under


class StopReason(StrEnum):
    """R18: every way social care can stop carrying out a delegated health task."""

    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_COMPETENT_WORKER = "no_competent_worker"
    DECLINED_AFTER_ACCEPTANCE = "declined_after_acceptance"
    HANDED_BACK = "handed_back"
    ENDED = "ended"
    CLINICAL_SUSPENSION = "clinical_suspension"


class HandbackOpened(DelegationEvent):
    """Emitted with any stop of a delegated task: it returns to its clinical oversight owner,
    who must acknowledge it; Health covers it without prejudice from `stopped_on` (R18, R20)."""

    handback_id: UUID
    delegation_id: UUID
    task_code: str
    direction: Direction
    oversight_kind: OversightKind
    oversight_owner: str
    provider_organisation: str
    reason: StopReason
    stopped_on: date
    acknowledge_by: date


class CoverArrangement(StrEnum):
    """What the oversight owner has put in place when it acknowledges a handback (R18)."""

    DISTRICT_NURSING = "district_nursing"
    COMMUNITY_HEALTH_SERVICES = "community_health_services"
    GP_PRACTICE = "gp_practice"
    OTHER_NHS_SERVICE = "other_nhs_service"
    FAMILY_OR_CARER_WITH_SUPPORT = "family_or_carer_with_support"


class HandbackAcknowledged(DelegationEvent):
    """Emitted when the oversight owner acknowledges a handback and names the cover (R18)."""

    handback_id: UUID
    delegation_id: UUID
    oversight_owner: str
    cover: CoverArrangement
    acknowledged_on: date


class HandbackOverdue(DelegationEvent):
    """Emitted by the scheduler, once, when a handback is not acknowledged in time (R18)."""

    handback_id: UUID
    delegation_id: UUID
    oversight_owner: str
    acknowledge_by: date
    flagged_on: date


class HandbackClosure(StrEnum):
    RESUMED = "resumed"
    REDELEGATED = "redelegated"
    ENDED = "ended"


class HandbackClosed(DelegationEvent):
    """Emitted when a handback closes: the task resumed, was delegated again or ended (R18, R20)."""

    handback_id: UUID
    delegation_id: UUID
    closure: HandbackClosure
    closed_on: date


class NoticedChange(StrEnum):
    """What a care worker noticed while carrying out a delegated task (R8): a code, never words."""

    SKIN_CONDITION_CHANGED = "skin_condition_changed"
    NEW_BROKEN_SKIN = "new_broken_skin"
    PAIN_OR_DISCOMFORT = "pain_or_discomfort"
    REACTION_TO_TREATMENT = "reaction_to_treatment"
    SWELLING = "swelling"
    MOBILITY_CHANGED = "mobility_changed"
    GENERAL_CONDITION_CHANGED = "general_condition_changed"
    OTHER = "other"


class ChangeNoticed(DelegationEvent):
    """Emitted when a care worker records a change noticed at an application of a delegated
    task: it reaches the clinical oversight owner as a change in need to consider (R8, R17),
    with the review it raised (R26) unless one for a change in need is already due."""

    delegation_id: UUID
    record_id: UUID
    task_code: str
    change: NoticedChange
    noticed_on: date
    oversight_kind: OversightKind
    oversight_owner: str
    review_id: UUID | None = None


class VisitFinding(StrEnum):
    """What the clinical oversight owner found at a visit to a delegated task (R17, A 5.12)."""

    NO_CONCERNS = "no_concerns"
    RECORDS_COMPLETE = "records_complete"
    RECORDS_INCOMPLETE = "records_incomplete"
    APPLICATIONS_MISSED = "applications_missed"
    CONDITION_IMPROVED = "condition_improved"
    CONDITION_UNCHANGED = "condition_unchanged"
    CONDITION_WORSE = "condition_worse"
    TECHNIQUE_CORRECT = "technique_correct"
    TECHNIQUE_NEEDS_SUPPORT = "technique_needs_support"
    SUPPLIES_INSUFFICIENT = "supplies_insufficient"
    PERSON_RAISED_CONCERN = "person_raised_concern"


class SpotCheckOutcome(StrEnum):
    """R16: a named worker's competence as the oversight owner saw it at a visit."""

    COMPETENT = "competent"
    NEEDS_SUPPORT = "needs_support"
    NOT_COMPETENT = "not_competent"


class VisitAction(StrEnum):
    """What the oversight owner set in train at a visit."""

    CONTINUE_AS_PLANNED = "continue_as_planned"
    REFRESHER_TRAINING = "refresher_training"
    REASSESS_COMPETENCE = "reassess_competence"
    UPDATE_SUPPORT_PLAN = "update_support_plan"
    REQUEST_REVIEW = "request_review"
    VISIT_SOONER = "visit_sooner"
    REFER_TO_GP = "refer_to_gp"
    RESTOCK_SUPPLIES = "restock_supplies"


class SpotCheck(EventPart):
    """R16: one worker's competence spot check, as codes."""

    worker_id: UUID
    outcome: SpotCheckOutcome


class OversightVisitRecorded(DelegationEvent):
    """Emitted when the clinical oversight owner records a visit to a delegated task (R17, A
    5.12): findings, spot checks and actions as codes; the next visit is due `next_due`."""

    delegation_id: UUID
    visit_id: UUID
    visited_on: date
    oversight_owner: str
    findings: list[VisitFinding]
    spot_checks: list[SpotCheck]
    actions: list[VisitAction]
    next_due: date | None = None


class NamedWorkerAdded(DelegationEvent):
    """Emitted when the provider names another worker on a delegation it carries (R16, R24):
    training puts them on the delegation's training plan; they carry out the task only once
    competent and in date and on that plan."""

    delegation_id: UUID
    worker_id: UUID
    task_code: str
    provider_organisation: str
    added_on: date


class WorkerRemovalCause(StrEnum):
    REMOVED = "removed"  # the provider took the worker off this delegation
    LEFT_PROVIDER = "left_provider"  # the worker left the provider (training's WorkerLeft)


class NamedWorkerRemoved(DelegationEvent):
    """Emitted when a named worker comes off a delegation (R16): removed or replaced by the
    provider, or gone with their leaving the provider; training takes them off its plan."""

    delegation_id: UUID
    worker_id: UUID
    provider_organisation: str
    removed_on: date
    cause: WorkerRemovalCause


PUBLISHED: Sequence[type[Event]] = (
    ProposalSubmitted,
    DelegationDecided,
    SharedCareRequested,
    DelegationAccepted,
    DelegationDeclined,
    TaskDelegated,
    DelegationSuspended,
    DelegationResumed,
    DelegationEnded,
    OversightTransferred,
    CarePlanReevaluationFlagged,
    ReviewDue,
    ReviewCompleted,
    HandbackOpened,
    HandbackAcknowledged,
    HandbackOverdue,
    HandbackClosed,
    ChangeNoticed,
    OversightVisitRecorded,
    NamedWorkerAdded,
    NamedWorkerRemoved,
)
