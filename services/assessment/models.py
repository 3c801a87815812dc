"""The assessment service's tables."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import TYPE_ANNOTATION_MAP, JSONDocument, Versioned, new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class Person(Versioned, Base):
    """The only place the NHS number is kept; everywhere else the person is `id`."""

    __tablename__ = "people"
    __table_args__ = (Index("ix_people_registered_at_id", "registered_at", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    nhs_number: Mapped[str] = mapped_column(String(10), unique=True)
    local_authority: Mapped[str] = mapped_column(String(200))
    gp_practice: Mapped[str] = mapped_column(String(20))
    setting: Mapped[str] = mapped_column(String(50))
    open_to_community_health_services: Mapped[bool]
    registered_at: Mapped[datetime]
    registered_by: Mapped[str] = mapped_column(String(200))


class EqualityProfile(Base):
    """R28: self-declared; never leaves the service except in aggregate."""

    __tablename__ = "equality_profiles"

    person_id: Mapped[UUID] = mapped_column(ForeignKey("people.id"), primary_key=True)
    characteristics: Mapped[dict[str, Any]]
    declared_at: Mapped[datetime]


class Assessment(Versioned, Base):
    """A needs assessment (R4, R5) made by one partner and trusted by the others (R6)."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index(
            "uq_assessments_current_kind",
            "person_id",
            "kind",
            unique=True,
            postgresql_where="superseded_by IS NULL",
            sqlite_where="superseded_by IS NULL",
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    assessed_by: Mapped[str] = mapped_column(String(200))
    assessor_role: Mapped[str] = mapped_column(String(50))
    partner_organisation: Mapped[str] = mapped_column(String(200))
    assessed_on: Mapped[date]
    recorded_at: Mapped[datetime]
    health_needs: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    social_care_needs: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    eligibility: Mapped[dict[str, Any] | None]
    follows_change_id: Mapped[UUID | None] = mapped_column(ForeignKey("need_changes.id"))
    superseded_by: Mapped[UUID | None]


class NeedChange(Base):
    """R8: a change in need, significant or not."""

    __tablename__ = "need_changes"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID] = mapped_column(ForeignKey("people.id"), index=True)
    significant: Mapped[bool]
    description: Mapped[str] = mapped_column(Text)
    recorded_on: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class Consent(Versioned, Base):
    """R7: consent to one delegated task; withdrawal is recorded beside it, never erasing it.

    Given for `delegation_id`, or for delegations to `provider_organisation`, or task-wide; the
    latter two are linked to the delegation that goes live under them (`linked_delegation_id`).
    """

    __tablename__ = "consents"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID] = mapped_column(ForeignKey("people.id"), index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    delegation_id: Mapped[UUID | None]
    provider_organisation: Mapped[str | None] = mapped_column(String(200))
    linked_delegation_id: Mapped[UUID | None]
    linked_on: Mapped[date | None]
    given_by: Mapped[str] = mapped_column(String(50))
    authority_reference: Mapped[str | None] = mapped_column(String(200))
    capacity_assessed_on: Mapped[date | None]
    given_on: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
    withdrawn_on: Mapped[date | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), index=True, unique=True)
    withdrawal_idempotency_key: Mapped[str | None] = mapped_column(
        String(200), index=True, unique=True
    )


class SupportPlanVersion(Base):
    """One version of a person's support plan; versions are only ever added.

    Not `Versioned`: its own `version` (unique per person) is the plan's compare-and-set.
    """

    __tablename__ = "support_plan_versions"
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[UUID]
    person_id: Mapped[UUID] = mapped_column(ForeignKey("people.id"), index=True)
    version: Mapped[int]
    visits_per_day: Mapped[int | None]
    minutes_per_visit: Mapped[int | None]
    days_per_week: Mapped[int | None]
    provider_organisation: Mapped[str | None] = mapped_column(String(200))
    tasks: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    consent_ids: Mapped[list[str]] = mapped_column(JSONDocument)
    effective_from: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)


class FrameworkUse(Base):
    """R28: one use of the Framework for a person, projected from others' events."""

    __tablename__ = "framework_uses"
    __table_args__ = (UniqueConstraint("measure", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    person_id: Mapped[UUID] = mapped_column(index=True)
    measure: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[UUID]
    occurred_on: Mapped[date]


class EqualityReport(Base):
    """R28: the reports compiled, so that a request repeated has no second effect."""

    __tablename__ = "equality_reports"

    report_id: Mapped[UUID] = mapped_column(primary_key=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    compiled_at: Mapped[datetime]


class PersonIdentifier(Base):
    """A local system's identifier for a person (LAS, Mosaic, SystmOne, RiO): one person per
    value in each system. Kept here only, like the NHS number."""

    __tablename__ = "person_identifiers"
    __table_args__ = (UniqueConstraint("system", "value"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID] = mapped_column(ForeignKey("people.id"), index=True)
    system: Mapped[str] = mapped_column(String(20))  # IdentifierSystem
    value: Mapped[str] = mapped_column(String(20))
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]
