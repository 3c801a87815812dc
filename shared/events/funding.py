"""Events the funding service publishes on `funding.apportionment`, keyed by person id.

Money is integer pence; every figure carries the rate, minutes and dates it came from.
"""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from shared.events import Event, EventPart
from shared.events.delegation import StopReason


class FundingEvent(Event):
    topic: ClassVar[str] = "funding.apportionment"
    key: ClassVar[str] = "person_id"
    abstract: ClassVar[bool] = True

    person_id: UUID


class FundingApportioned(FundingEvent):
    """Emitted when the cost of additional commissioned time is apportioned (R19), or is zero."""

    apportionment_id: UUID
    delegation_id: UUID
    accountable_organisation: str
    provider_organisation: str
    additional_minutes_per_week: int
    hourly_rate_pence: int
    weekly_cost_pence: int
    effective_from: date
    without_prejudice: bool = False  # Health funds while no funding decision is made (R20)


class FundingStopReason(StrEnum):
    """Why a delegation's additional cost stopped."""

    SUSPENDED = "suspended"
    ENDED = "ended"
    HANDED_BACK = "handed_back"  # social care stopped carrying out the task (R18)


class FundingStopped(FundingEvent):
    """Emitted when a delegation's additional cost stops (suspended, ended or handed back)."""

    delegation_id: UUID
    effective_from: date
    reason: str  # fixed words made from the codes below, never free text
    reason_code: FundingStopReason | None = None
    stop_reason: StopReason | None = None  # the suspension's or the handback's reason, if any


class Settlement(EventPart):
    """One organisation owes another this much, to the penny."""

    payer: str
    payee: str
    amount_pence: int


class WithoutPrejudiceSettled(FundingEvent):
    """Emitted when a funding decision settles without-prejudice funding back to the start (R20)."""

    delegation_id: UUID
    accountable_organisation: str
    start_date: date
    decided_on: date
    settlements: list[Settlement]
    framework_version: int | None = None  # R29: the version the decision was made under


class Share(EventPart):
    """An organisation's share of a joint package: a percentage or a fixed weekly amount."""

    organisation: str
    percent: int | None = None
    weekly_pence: int | None = None


class ChcOutcome(StrEnum):
    """The NHS Continuing Healthcare outcome a joint package records (R21)."""

    NOT_ELIGIBLE = "not_eligible"
    ELIGIBLE = "eligible"


class JointPackageAgreed(FundingEvent):
    """Emitted when a joint package's shares are agreed or changed from a date (R21)."""

    package_id: UUID
    weekly_cost_pence: int
    shares: list[Share]
    effective_from: date
    # R21: the day the person was found not eligible for NHS Continuing Healthcare.
    chc_decided_on: date | None = None


class PackageEndReason(StrEnum):
    """Why a joint package ended (R21)."""

    CHC_ELIGIBLE = "chc_eligible"  # now eligible for NHS Continuing Healthcare: the NHS funds all
    NEEDS_CHANGED = "needs_changed"  # the need the package met is gone or met another way
    MOVED_AWAY = "moved_away"  # the person moved out of the partners' area
    DIED = "died"
    OTHER = "other"


class JointPackageEnded(FundingEvent):
    """Emitted when a joint package ends: its parties pay nothing from `ends_on` (R21)."""

    package_id: UUID
    ends_on: date
    reason_code: PackageEndReason
    parties: list[str]


class JointPackageReviewed(FundingEvent):
    """Emitted when a joint package's review is recorded; the next falls due (R21, A 5.14)."""

    package_id: UUID
    reviewed_on: date
    next_review_due: date


class DisputeReason(StrEnum):
    """What a party disputes about a joint-funded case (R22)."""

    SHARES = "shares"  # the split between the organisations
    HEALTH_NEED = "health_need"  # how much of the person's need is a health need
    WEEKLY_COST = "weekly_cost"  # the package's weekly cost
    EFFECTIVE_DATE = "effective_date"  # the date terms apply from
    OTHER = "other"


class DisputeSubject(StrEnum):
    """What a funding dispute is about (R22): a joint package, a delegation's apportioned cost
    (R19), or the funding decision that settled without-prejudice funding (R20)."""

    JOINT_PACKAGE = "joint_package"
    APPORTIONMENT = "apportionment"
    WITHOUT_PREJUDICE = "without_prejudice"


class DisputeRaised(FundingEvent):
    """Emitted when a party disputes a joint-funded case: it goes to the CSU (R22)."""

    dispute_id: UUID
    # The disputed subject's id: the package's, or for another subject_kind the delegation's
    # (kept required for readers that predate subject_kind).
    package_id: UUID
    raised_by: str
    parties: list[str]
    summary: str  # fixed words made from reason_code; the party's own note stays in funding
    raised_on: date
    reason_code: DisputeReason | None = None
    subject_kind: DisputeSubject | None = None  # None: a joint package, raised before subjects
    subject_id: UUID | None = None
    # The subject's weekly cost when raised: an outcome in weekly pence adds up to it (R22).
    weekly_cost_pence: int | None = None
    # R11: parties an outcome may not name to pay (the council, for a task failing the s.22 test)
    may_not_pay: list[str] = []


class DisputeSettled(FundingEvent):
    """Emitted when a dispute's outcome has been applied and settled back to its date (R22)."""

    dispute_id: UUID
    package_id: UUID
    effective_from: date
    settlements: list[Settlement]
    framework_version: int | None = None  # R29: the version the outcome was settled under
    subject_kind: DisputeSubject | None = None  # None: a joint package


PUBLISHED: Sequence[type[Event]] = (
    FundingApportioned,
    FundingStopped,
    WithoutPrejudiceSettled,
    JointPackageAgreed,
    JointPackageEnded,
    JointPackageReviewed,
    DisputeRaised,
    DisputeSettled,
)
