"""The delegation service's tables; the states in `status` columns are declared in `domain`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event, text, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session

from services.delegation.domain.delegations import RUNNING
from services.delegation.domain.delivery import schedule_from_frequency
from services.delegation.domain.oversight_visits import next_due
from shared.db import TYPE_ANNOTATION_MAP, JSONDocument, Versioned, new_metadata, now


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class FrameworkVersion(Base):
    """Projection of the governance service's Framework versions (R29): decisions record one."""

    __tablename__ = "framework_versions"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    effective_from: Mapped[date]


class Task(Base):
    """R10: the task catalogue, changed only by governance rulings."""

    __tablename__ = "tasks"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60))
    delegability: Mapped[str] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(default=True)
    # A 5.13: medication prompts, eye drops need an instruction record, not a training plan.
    needs_specific_training: Mapped[bool] = mapped_column(default=True, server_default=true())
    ruled_from: Mapped[date | None]  # the effective date of the ruling that shaped the entry
    # The SNOMED CT concept the IPCB chose for the task (data from its ruling, never code's).
    snomed_concept_id: Mapped[str | None] = mapped_column(String(18), default=None)
    snomed_display: Mapped[str | None] = mapped_column(String(255), default=None)


class Person(Base):
    """Projection of assessment's people: where their services are (R13, R17)."""

    __tablename__ = "people"

    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    local_authority: Mapped[str] = mapped_column(String(200))
    gp_practice: Mapped[str] = mapped_column(String(50))
    setting: Mapped[str] = mapped_column(String(40))
    open_to_chs: Mapped[bool]


class Consent(Base):
    """Projection of consent to a delegated task (R7)."""

    __tablename__ = "consents"

    consent_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    # the delegation it was given for or linked to (ConsentLinked): it covers that one alone
    delegation_id: Mapped[uuid.UUID | None]
    withdrawn: Mapped[bool] = mapped_column(default=False)
    # given for delegations of the task to this provider only (None: any provider)
    provider_organisation: Mapped[str | None] = mapped_column(String(200))


class Competence(Base):
    """Projection of a worker's competence in a task (R16); scope is a person id or '*'."""

    __tablename__ = "competences"

    worker_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    task_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    competent: Mapped[bool]
    valid_until: Mapped[date | None]


class TrainingPlan(Base):
    """Projection of training plans agreed for a delegation's workers (R24)."""

    __tablename__ = "training_plans"

    delegation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[uuid.UUID]


class HealthNeed(Base):
    """Projection of assessment's current health needs (R4): a proposal may cite one."""

    __tablename__ = "health_needs"

    need_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    assessment_id: Mapped[uuid.UUID] = mapped_column(index=True)
    task_codes: Mapped[list[str]] = mapped_column(JSONDocument)


class Instruction(Base):
    """Projection of training's instruction records (R16, A 5.13): for a task needing no
    specific training it stands for the worker's training plan and competence; no expiry."""

    __tablename__ = "instructions"

    delegation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    task_code: Mapped[str] = mapped_column(String(100))
    instructed_on: Mapped[date]


class Proposal(Versioned, Base):
    """A registered practitioner's proposal to the MDT (R1, R3, R9, R13, R19)."""

    __tablename__ = "proposals"
    __table_args__ = (  # the MDT's queue, by day submitted (0015)
        Index("ix_proposals_submitted_on_id", "submitted_on", "id"),
        Index("ix_proposals_status_submitted_on_id", "status", "submitted_on", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(60))
    direction: Mapped[str] = mapped_column(String(30))
    setting: Mapped[str] = mapped_column(String(40))
    practitioner_id: Mapped[str] = mapped_column(String(200))
    professional_body: Mapped[str] = mapped_column(String(20))
    registration_number: Mapped[str] = mapped_column(String(40))
    provider_organisation: Mapped[str] = mapped_column(String(200))
    frequency: Mapped[str] = mapped_column(String(200))
    additional_minutes_per_week: Mapped[int]
    contact_arrangements: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30))
    submitted_on: Mapped[date]
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    shared_care_conditions: Mapped[list[str] | None] = mapped_column(JSONDocument)
    refused_rule: Mapped[str | None] = mapped_column(String(10))  # R10-R12 stopped a 'delegate'
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    health_need_id: Mapped[uuid.UUID | None]  # R4: the assessed need it meets, when cited
    proposed_by_organisation: Mapped[str | None] = mapped_column(String(200))
    competence_basis: Mapped[str | None] = mapped_column(String(40))  # R13 (None: before 0010)


class Decision(Base):
    """A decision on a proposal (R9-R12, R14, R29): one by the MDT, one by Shared Care."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("proposal_id", "source", name="uq_decisions_proposal_id_source"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"))
    source: Mapped[str] = mapped_column(String(20))  # mdt or shared_care
    outcome: Mapped[str] = mapped_column(String(20))
    record: Mapped[dict[str, Any]]
    framework_version: Mapped[int]
    decided_on: Mapped[date]
    decided_by: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str | None] = mapped_column(String(10))  # the rule that refused a 'delegate'
    section_22_met: Mapped[bool | None]
    funding_basis: Mapped[str | None] = mapped_column(String(30))
    # the organisations of the MDT members who decided (and of the member who recorded it)
    organisations: Mapped[list[str] | None] = mapped_column(JSONDocument)


class Delegation(Versioned, Base):
    """An approved delegation from provider acceptance to its end (R13, R15-R18, R26)."""

    __tablename__ = "delegations"
    __table_args__ = (  # the lists, in their order, by organisation (0015)
        Index("ix_delegations_created_at_id", "created_at", "id"),
        Index(
            "ix_delegations_provider_organisation_created_at_id",
            "provider_organisation",
            "created_at",
            "id",
        ),
        Index("ix_delegations_accountable_organisation", "accountable_organisation"),
        Index("ix_delegations_oversight_owner_status", "oversight_owner", "status"),
        # R17: the oversight visits due, by due day, an owner's and everyone's (0016)
        Index(
            "ix_delegations_oversight_owner_next_visit_due_id",
            "oversight_owner",
            "next_visit_due",
            "id",
            postgresql_where=text("next_visit_due IS NOT NULL"),
            sqlite_where=text("next_visit_due IS NOT NULL"),
        ),
        Index(
            "ix_delegations_next_visit_due_id",
            "next_visit_due",
            "id",
            postgresql_where=text("next_visit_due IS NOT NULL"),
            sqlite_where=text("next_visit_due IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), unique=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(60))
    direction: Mapped[str] = mapped_column(String(30))
    setting: Mapped[str] = mapped_column(String(40))
    provider_organisation: Mapped[str] = mapped_column(
        String(200)
    )  # indexed with the list order (0015)
    practitioner_id: Mapped[str] = mapped_column(String(200))
    professional_body: Mapped[str] = mapped_column(String(20))
    registration_number: Mapped[str] = mapped_column(String(40))
    additional_minutes_per_week: Mapped[int]
    frequency: Mapped[str] = mapped_column(String(200))
    contact_arrangements: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30))
    framework_version: Mapped[int]
    nhs_duty_of_care_retained: Mapped[bool]
    worker_ids: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    accepted_on: Mapped[date | None]
    declined_reason: Mapped[str | None] = mapped_column(Text)  # the provider's own words
    declined_reason_code: Mapped[str | None] = mapped_column(String(40))
    accountable_organisation: Mapped[str | None] = mapped_column(String(200))
    local_authority: Mapped[str | None] = mapped_column(String(200))
    oversight_kind: Mapped[str | None] = mapped_column(String(40))
    oversight_owner: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None]
    suspension_reason: Mapped[str | None] = mapped_column(String(40))
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(Text)  # the ender's own words, kept here
    end_reason_code: Mapped[str | None] = mapped_column(String(40))
    regular_reviews_raised: Mapped[int] = mapped_column(default=0)
    next_review_due: Mapped[date | None] = mapped_column(index=True)
    reevaluation_flagged_on: Mapped[date | None]
    created_at: Mapped[datetime]
    # R11: the s.22 test (None: not applicable); when it failed, NHS-funded or a joint package.
    section_22_met: Mapped[bool | None]
    funding_basis: Mapped[str | None] = mapped_column(String(30))
    needs_specific_training: Mapped[bool] = mapped_column(default=True, server_default=true())
    # R18: the oversight owner's clinical suspension (its reason stays here, not in events)
    clinical_suspension_reason: Mapped[str | None] = mapped_column(Text)
    clinically_suspended_by: Mapped[str | None] = mapped_column(String(200))
    clinically_suspended_on: Mapped[date | None]
    # R18: the provider hands the task back from this date
    handback_notice_on: Mapped[date | None] = mapped_column(index=True)
    handback_notice_reason: Mapped[str | None] = mapped_column(Text)
    # R16: the day the scheduler last judged its workers' competence (in-date boundary)
    competence_checked_on: Mapped[date | None]
    # R13, R26: the organisations of the MDT that decided it: they end it and review it
    mdt_organisations: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    competence_basis: Mapped[str | None] = mapped_column(String(40))  # R13
    # R12, A 5.12: how often the oversight owner reviews the task (a changing condition)
    oversight_interval_days: Mapped[int | None]
    # R19: the new support plan the MDT agreed when the task does not fit the one it had
    support_plan_id: Mapped[uuid.UUID | None]
    support_plan_version: Mapped[int | None]
    # when it last changed (FHIR meta.lastUpdated, _lastUpdated search); stamped on every update
    updated_at: Mapped[datetime | None] = mapped_column(index=True)
    # R26: the day a review completed restarted the twelve-monthly clock (None: from the start)
    review_clock_from: Mapped[date | None] = mapped_column(default=None)
    # R17, A 5.12: the day of the last oversight visit, and the day the next one is due while
    # the task runs (None: not running, or no interval set); kept by every flush (below)
    last_visited_on: Mapped[date | None] = mapped_column(default=None)
    next_visit_due: Mapped[date | None] = mapped_column(default=None)
    # R16: how many times a day `frequency` says in the usual words (None: it says no number);
    # a support plan's schedule overrides it. Kept by every flush, for missed applications.
    frequency_times: Mapped[int | None] = mapped_column(default=None)


@event.listens_for(Delegation, "before_insert")
@event.listens_for(Delegation, "before_update")
def _stamp_update(_mapper: Any, _connection: Any, delegation: Delegation) -> None:
    """Every change to a delegation is a versioned update: the same flush records when, on
    the service's clock, so no handler can forget it (a column, not a handler's duty); and
    the next oversight visit's due day follows what it is computed from the same way."""
    session = object_session(delegation)
    if session is not None:
        delegation.updated_at = now(session)
    keep_derived(delegation)


def keep_derived(delegation: Delegation) -> None:
    """The columns worked out from the others (for the lists' indexes): every flush calls this,
    and so must a writer that inserts rows without the ORM (the go-live import)."""
    due = next_visit_due(delegation)
    if delegation.next_visit_due != due:
        delegation.next_visit_due = due
    times = times_a_day(delegation.frequency)
    if delegation.frequency_times != times:
        delegation.frequency_times = times


def times_a_day(frequency: str | None) -> int | None:
    schedule = schedule_from_frequency(frequency) if frequency is not None else None
    return schedule.times_per_day if schedule is not None else None


def next_visit_due(delegation: Delegation) -> date | None:
    """R17: the interval after the last visit (or the start) while the task runs under an
    oversight owner; None otherwise (not listed as due)."""
    if delegation.status not in RUNNING or delegation.oversight_owner is None:
        return None
    return next_due(
        delegation.oversight_interval_days, delegation.start_date, delegation.last_visited_on
    )


class NamedWorker(Base):
    """R16: a worker named on a delegation, one row each (its `worker_ids`, kept with it), so a
    care worker's tasks are found on an index (0016)."""

    __tablename__ = "named_workers"
    __table_args__ = (
        Index("ix_named_workers_worker_id_delegation_id", "worker_id", "delegation_id"),
    )

    delegation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delegations.id"), primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class Review(Versioned, Base):
    """A formal MDT review of a delegation (R26); `trigger` makes each one unique."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("delegation_id", "trigger", name="uq_reviews_delegation_id_trigger"),
        Index("ix_reviews_status_due_date", "status", "due_date"),  # reviews due (0015)
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    delegation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delegations.id"))
    trigger: Mapped[str] = mapped_column(String(80))
    due_date: Mapped[date]
    reason: Mapped[str] = mapped_column(String(40))
    mdt_reassessment: Mapped[bool]
    status: Mapped[str] = mapped_column(String(20), server_default="due")
    completed_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    framework_version: Mapped[int | None]  # R29: the version the outcome was decided under
    reassessment: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # The day ReviewDue was raised for it, in the same transaction: on the MDT's worklist since
    raised_on: Mapped[date | None] = mapped_column(default=None)


class Occurrence(Base):
    """An ad hoc occurrence of a delegated task (R23)."""

    __tablename__ = "occurrences"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    delegation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delegations.id"), index=True)
    occurred_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class RegularUsePolicy(Base):
    """R23: when ad hoc occurrences have become regular; IPCB-governed data, one row."""

    __tablename__ = "regular_use_policy"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    threshold: Mapped[int]
    period_days: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))


class CatalogueRuling(Base):
    """R10: a governance ruling on one catalogue entry; it takes effect from its date, so one
    arriving early waits here (applied_on empty) until the scheduler applies it."""

    __tablename__ = "catalogue_rulings"

    ruling_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    task_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    change: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60))
    delegability: Mapped[str] = mapped_column(String(30))
    needs_specific_training: Mapped[bool | None]
    effective_from: Mapped[date] = mapped_column(index=True)
    received_on: Mapped[date]
    applied_on: Mapped[date | None]
    snomed_concept_id: Mapped[str | None] = mapped_column(String(18), default=None)
    snomed_display: Mapped[str | None] = mapped_column(String(255), default=None)


class Handback(Versioned, Base):
    """R18, R20: a stopped task returned to its owner, until acknowledged and closed; at most
    one not yet closed per delegation."""

    __tablename__ = "handbacks"
    __table_args__ = (
        Index(
            "uq_handbacks_one_unclosed_per_delegation",
            "delegation_id",
            unique=True,
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        Index("ix_handbacks_created_at_id", "created_at", "id"),
        Index("ix_handbacks_delegation_id", "delegation_id"),  # closed ones too (0015)
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    delegation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delegations.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(30))
    oversight_kind: Mapped[str] = mapped_column(String(40))
    oversight_owner: Mapped[str] = mapped_column(String(200), index=True)
    provider_organisation: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(40))
    stopped_on: Mapped[date]
    acknowledge_by: Mapped[date]
    status: Mapped[str] = mapped_column(String(20))
    acknowledged_on: Mapped[date | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    cover: Mapped[str | None] = mapped_column(String(40))
    overdue_flagged_on: Mapped[date | None]
    closure: Mapped[str | None] = mapped_column(String(20))
    closed_on: Mapped[date | None]
    created_at: Mapped[datetime]


class HandbackPolicy(Base):
    """R18: how long the owner has to acknowledge a handback; IPCB-governed data, one row."""

    __tablename__ = "handback_policy"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    acknowledge_within_days: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))


class WorkerDeparture(Base):
    """R16: a named worker who has left the delegation (the provider records it)."""

    __tablename__ = "worker_departures"

    delegation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delegations.id"), primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    left_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(200))
    # removed by the provider, or gone with leaving it (shared.events.delegation.WorkerRemovalCause)
    cause: Mapped[str] = mapped_column(String(20), server_default="removed")


class ProviderWorker(Base):
    """Projection of training's workers: whose worker each is, and whether they have left, so a
    provider names only its own working staff on a delegation (R16)."""

    __tablename__ = "provider_workers"

    worker_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    provider_organisation: Mapped[str] = mapped_column(String(200))
    left_on: Mapped[date | None]


class FundingSettlement(Base):
    """Projection of funding's decisions (R20): an ended task's handback closes once settled."""

    __tablename__ = "funding_settlements"

    delegation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    decided_on: Mapped[date]


class DeliverySchedule(Base):
    """How often a live task is carried out, when the support plan says more than the proposal's
    words do (else `domain.delivery.schedule_from_frequency` reads them)."""

    __tablename__ = "delivery_schedules"

    delegation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delegations.id"), primary_key=True)
    times_per_day: Mapped[int]
    weekdays: Mapped[list[int]] = mapped_column(JSONDocument)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]


class DeliveryVisit(Base):
    """One request that recorded one or more applications at a visit: its Idempotency-Key."""

    __tablename__ = "delivery_visits"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    organisation: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class DeliveryRecord(Base):
    """R16: one application of a delegated task, as recorded; a correction is a new entry that
    names the one it corrects (each corrected at most once), never an update."""

    __tablename__ = "delivery_records"
    __table_args__ = (
        Index("ix_delivery_records_delegation_id_due_on", "delegation_id", "due_on"),
        # one first entry per scheduled application: two visits racing for it, one wins (409)
        Index(
            "uq_delivery_records_one_entry_per_application",
            "delegation_id",
            "due_on",
            "slot",
            unique=True,
            postgresql_where=text("corrects IS NULL"),
            sqlite_where=text("corrects IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delivery_visits.id"), index=True)
    delegation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delegations.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    due_on: Mapped[date]
    slot: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(40))
    worker_id: Mapped[uuid.UUID | None]
    administered_at: Mapped[datetime]
    observations: Mapped[str | None] = mapped_column(Text)  # the worker's words: never published
    change_noticed: Mapped[bool]
    change: Mapped[str | None] = mapped_column(String(40))
    corrects: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("delivery_records.id"), unique=True
    )
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]


class OversightVisit(Base):
    """R17, A 5.12: a visit of the clinical oversight owner to a delegated task: its findings,
    each worker's competence spot check and the actions, as codes; notes stay here."""

    __tablename__ = "oversight_visits"
    __table_args__ = (
        Index("ix_oversight_visits_delegation_id_visited_on", "delegation_id", "visited_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    delegation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("delegations.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    oversight_owner: Mapped[str] = mapped_column(String(200))
    visited_on: Mapped[date]
    findings: Mapped[list[str]] = mapped_column(JSONDocument)
    spot_checks: Mapped[list[dict[str, str]]] = mapped_column(JSONDocument)
    actions: Mapped[list[str]] = mapped_column(JSONDocument)
    notes: Mapped[str | None] = mapped_column(Text)  # the visitor's words: never published
    next_due: Mapped[date | None]
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class CompetenceWarning(Base):
    """CompetenceExpiryWarned as received (issue 16): a worker's competence in a task (for one
    person or any) expires soon; on the provider's worklist while that competence stands."""

    __tablename__ = "competence_warnings"

    worker_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    task_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)  # a person id, or "*"
    provider_organisation: Mapped[str] = mapped_column(String(200), index=True)
    expires_on: Mapped[date]
    days_before: Mapped[int]
    warned_on: Mapped[date]
