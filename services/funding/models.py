"""The funding service's tables: money in integer pence, every figure with its sources."""

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.funding.domain.packages import PackageState
from shared.db import TYPE_ANNOTATION_MAP, Versioned, new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class FrameworkVersion(Base):
    """Projection of the governance service's Framework versions (R29): decisions record one."""

    __tablename__ = "framework_versions"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    effective_from: Mapped[date]


class Rate(Base):
    """A commissioner's hourly rate for a provider from a date: what it pays that provider."""

    __tablename__ = "rates"
    __table_args__ = (
        UniqueConstraint("commissioner", "provider_organisation", "effective_from"),
        Index("ix_rates_listed", "provider_organisation", "commissioner", "effective_from", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    commissioner: Mapped[str] = mapped_column(String(200))
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    hourly_rate_pence: Mapped[int]
    effective_from: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class FundedDelegation(Versioned, Base):
    """The live delegations the service pays for: a projection of delegation's events."""

    __tablename__ = "funded_delegations"
    # The worklist's funding gaps: the delegations still funded without prejudice.
    __table_args__ = (
        Index("ix_funded_delegations_pending", "funding_pending", "accountable_organisation"),
    )

    delegation_id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID] = mapped_column(index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(50))
    accountable_organisation: Mapped[str] = mapped_column(String(200))
    local_authority: Mapped[str] = mapped_column(String(200))
    provider_organisation: Mapped[str] = mapped_column(String(200))
    minutes_per_week: Mapped[int]
    start_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20))
    payer: Mapped[str] = mapped_column(String(200))
    funding_pending: Mapped[bool]
    decided_on: Mapped[date | None]
    # R11: the s.22 test as the MDT recorded it (None: it does not apply).
    section_22_met: Mapped[bool | None] = mapped_column(default=None)
    # Why the payer is not the one the event named (R11), if it is not.
    payer_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    framework_version: Mapped[int | None] = mapped_column(default=None)  # R29, of the decision


class HealthCover(Versioned, Base):
    """R18, R20: Health covers a delegated task social care stopped carrying out, without
    prejudice from the stop date, until it resumes, is delegated again, or a decision settles it."""

    __tablename__ = "health_covers"
    __table_args__ = (Index("ix_health_covers_funding", "funding", "delegation_id"),)

    handback_id: Mapped[UUID] = mapped_column(primary_key=True)
    delegation_id: Mapped[UUID] = mapped_column(
        ForeignKey("funded_delegations.delegation_id"), index=True
    )
    person_id: Mapped[UUID]
    reason: Mapped[str] = mapped_column(String(50))
    oversight_owner: Mapped[str] = mapped_column(String(200))
    stopped_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(20))
    funding: Mapped[str] = mapped_column(String(20))
    payer: Mapped[str] = mapped_column(String(200))
    closure: Mapped[str | None] = mapped_column(String(20))
    closed_on: Mapped[date | None]
    decided_on: Mapped[date | None]
    framework_version: Mapped[int | None]
    opened_at: Mapped[datetime]


class FundingSegment(Versioned, Base):
    """A run of funded minutes: who pays for the days [effective_from, effective_to)."""

    __tablename__ = "funding_segments"
    # The worklist's runs waiting for their payer's rate.
    __table_args__ = (Index("ix_funding_segments_awaiting", "awaiting_rate", "payer"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    delegation_id: Mapped[UUID] = mapped_column(
        ForeignKey("funded_delegations.delegation_id"), index=True
    )
    person_id: Mapped[UUID]
    payer: Mapped[str] = mapped_column(String(200), index=True)
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    minutes_per_week: Mapped[int]
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    without_prejudice: Mapped[bool]
    accrues_from: Mapped[date]
    awaiting_rate: Mapped[bool]
    cause: Mapped[str] = mapped_column(String(50))
    recorded_at: Mapped[datetime]
    # R20: the Health cover this run belongs to (None: the delegation's own apportionment).
    cover_id: Mapped[UUID | None] = mapped_column(index=True, default=None)


class FundingGap(Base):
    """R20: a commissioner's word that a healthcare task has no funding decision yet; it counts
    only when the commissioner is the delegation's accountable organisation and the person is the
    delegation's, so one organisation's word never stands in for, or blocks, another's."""

    __tablename__ = "funding_gaps"

    delegation_id: Mapped[UUID] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[UUID]
    reason: Mapped[str] = mapped_column(Text)  # free text: kept here, never on an event
    declared_by: Mapped[str] = mapped_column(String(200))
    declared_at: Mapped[datetime]


class JointPackage(Versioned, Base):
    """R21: a package funded by the NHS and the local authority together, in any setting."""

    __tablename__ = "joint_packages"
    __table_args__ = (Index("ix_joint_packages_review_listed", "review_due", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    person_id: Mapped[UUID] = mapped_column(index=True)
    setting: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default=PackageState.AGREED)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # R11: the delegation whose task the package funds, when it names one.
    delegation_id: Mapped[UUID | None] = mapped_column(default=None)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # R21: the NHS Continuing Healthcare outcome (None only on packages agreed before it was
    # recorded), the next review (A 5.14), and the end with its coded reason.
    chc_outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    chc_decided_on: Mapped[date | None] = mapped_column(default=None)
    review_due: Mapped[date | None] = mapped_column(default=None, index=True)
    ends_on: Mapped[date | None] = mapped_column(default=None)
    end_reason: Mapped[str | None] = mapped_column(String(30), default=None)  # PackageEndReason


class PackageReview(Base):
    """R21, A 5.14: a review of a joint package, and when the next falls due."""

    __tablename__ = "package_reviews"
    __table_args__ = (
        Index("ix_package_reviews_listed", "package_id", "reviewed_on", "recorded_at", "id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    package_id: Mapped[UUID] = mapped_column(ForeignKey("joint_packages.id"), index=True)
    reviewed_on: Mapped[date]
    next_review_due: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)  # the reviewers' own words: never on an event
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class PackageTerms(Base):
    """R21: a package's weekly cost and shares from a date."""

    __tablename__ = "package_terms"
    __table_args__ = (UniqueConstraint("package_id", "effective_from"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    package_id: Mapped[UUID] = mapped_column(ForeignKey("joint_packages.id"), index=True)
    effective_from: Mapped[date]
    weekly_cost_pence: Mapped[int]
    shares: Mapped[dict[str, Any]]
    cause: Mapped[str] = mapped_column(String(50))
    recorded_at: Mapped[datetime]


class Dispute(Versioned, Base):
    """R22: a party disputes a joint-funded case (a joint package, an apportionment or a
    without-prejudice decision); the CSU resolves it."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_listed", "raised_on", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    subject_kind: Mapped[str] = mapped_column(String(30))  # DisputeSubject
    subject_id: Mapped[UUID] = mapped_column(index=True)  # the package's or the delegation's
    package_id: Mapped[UUID | None] = mapped_column(ForeignKey("joint_packages.id"), index=True)
    person_id: Mapped[UUID]
    raised_by: Mapped[str] = mapped_column(String(200))
    raised_by_user: Mapped[str] = mapped_column(String(200))
    parties: Mapped[dict[str, Any]]
    reason_code: Mapped[str] = mapped_column(String(30))  # DisputeReason
    note: Mapped[str | None] = mapped_column(Text)  # the party's own words: never on an event
    raised_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[dict[str, Any] | None]
    effective_from: Mapped[date | None]
    resolved_on: Mapped[date | None]
    framework_version: Mapped[int | None] = mapped_column(default=None)  # R29


class Settlement(Base):
    """One organisation owes another for days already paid (R20, R22), with the lines behind it."""

    __tablename__ = "settlements"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    kind: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[UUID] = mapped_column(index=True)
    person_id: Mapped[UUID]
    payer: Mapped[str] = mapped_column(String(200), index=True)
    payee: Mapped[str] = mapped_column(String(200), index=True)
    amount_pence: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    settled_on: Mapped[date]
    lines: Mapped[dict[str, Any]]
    framework_version: Mapped[int | None] = mapped_column(default=None)  # R29


class RechargeStatement(Base):
    """An organisation's recharge statement for a period, issued: frozen, its lines as issued
    and the finance codes they carried then."""

    __tablename__ = "recharge_statements"
    __table_args__ = (UniqueConstraint("organisation", "period_start"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    cadence: Mapped[str] = mapped_column(String(20))  # Cadence
    period_start: Mapped[date]
    period_end: Mapped[date]  # excluded
    # {"lines": [...], "codes": {"provider": {...}, "service_element": {...}}}
    document: Mapped[dict[str, Any]]
    total_pence: Mapped[int]
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime]
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class FinanceCode(Base):
    """An organisation's own code in its finance system: its reference for a provider, or its
    cost code for a service element."""

    __tablename__ = "finance_codes"

    organisation: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # FinanceCodeKind
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    code: Mapped[str] = mapped_column(String(50))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
