"""The governance service's tables."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import TYPE_ANNOTATION_MAP, JSONDocument, Versioned, new_metadata

Json = dict[str, Any]


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class FrameworkVersion(Base):
    __tablename__ = "framework_versions"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    effective_from: Mapped[date] = mapped_column(unique=True)
    summary: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    published_by: Mapped[str] = mapped_column(String(200))


class PartnerOrganisation(Base):
    """R2: the partners are data, seeded by migration 0003."""

    __tablename__ = "partner_organisations"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))


class BoardMember(Versioned, Base):
    __tablename__ = "board_members"

    member_id: Mapped[UUID] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(
        String(100), ForeignKey("partner_organisations.code"), unique=True
    )
    member_ref: Mapped[str] = mapped_column(String(200))
    role_title: Mapped[str] = mapped_column(String(200))
    appointed_on: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))


class ReportedIssue(Versioned, Base):
    __tablename__ = "reported_issues"

    issue_id: Mapped[UUID] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(200))
    reporter_organisation: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    agreed_handling: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    outcome_ruling_id: Mapped[UUID | None]
    updated_at: Mapped[datetime]


class Ruling(Base):
    __tablename__ = "rulings"

    ruling_id: Mapped[UUID] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[date]
    catalogue_changes: Mapped[list[Json]] = mapped_column(JSONDocument)
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(200))


class NewArea(Base):
    """R27: a new area for joint and delegated working the board has identified."""

    __tablename__ = "new_areas"

    area_id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(100))
    identified_on: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))


class SharedCareTheme(Base):
    """R27: a theme the shared care panel brings to the board for shared learning."""

    __tablename__ = "shared_care_themes"

    theme_id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))


class SharedCareDiscussion(Versioned, Base):
    __tablename__ = "shared_care_discussions"

    discussion_id: Mapped[UUID] = mapped_column(primary_key=True)
    proposal_id: Mapped[UUID] = mapped_column(unique=True)
    person_id: Mapped[UUID]
    task_code: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(50))
    setting: Mapped[str] = mapped_column(String(50))
    question: Mapped[str] = mapped_column(Text)
    positions: Mapped[list[str]] = mapped_column(JSONDocument)
    opened_at: Mapped[datetime]
    decision: Mapped[str | None] = mapped_column(String(50))
    conditions: Mapped[list[str] | None] = mapped_column(JSONDocument)
    rationale: Mapped[str | None] = mapped_column(Text)
    circumstances: Mapped[str | None] = mapped_column(Text)
    participants: Mapped[list[Json] | None] = mapped_column(JSONDocument)
    decided_on: Mapped[date | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    case_example_id: Mapped[UUID | None]  # the precedent it became (which carries no ids back)
    # R14, R10-R12: a decision to delegate that the delegation service refused, and the rule.
    refused_on: Mapped[date | None]
    refusal_rule: Mapped[str | None] = mapped_column(String(10))


class CaseExample(Base):
    """R14: a precedent, published to every MDT: structured facts and the summary the panel
    wrote for publication; deliberately no person, proposal or discussion id, and none of the
    MDT's or the panel's other free text (it stays with the discussion)."""

    __tablename__ = "case_examples"

    case_example_id: Mapped[UUID] = mapped_column(primary_key=True)
    task_code: Mapped[str] = mapped_column(String(100), index=True)
    category: Mapped[str] = mapped_column(String(100), index=True)
    direction: Mapped[str] = mapped_column(String(50))
    setting: Mapped[str] = mapped_column(String(50))
    decision: Mapped[str] = mapped_column(String(50))
    disciplines: Mapped[list[str]] = mapped_column(JSONDocument)
    summary: Mapped[str | None] = mapped_column(Text)  # None: published before summaries
    decided_on: Mapped[date]
    refusal_rule: Mapped[str | None] = mapped_column(String(10))  # a rule id only, never text


class DisputeCase(Versioned, Base):
    __tablename__ = "dispute_cases"

    case_id: Mapped[UUID] = mapped_column(primary_key=True)
    dispute_id: Mapped[UUID] = mapped_column(unique=True)
    package_id: Mapped[UUID]
    person_id: Mapped[UUID]
    raised_by: Mapped[str] = mapped_column(String(100))
    parties: Mapped[list[str]] = mapped_column(JSONDocument)
    held_by: Mapped[str | None] = mapped_column(String(100), index=True)  # the CSU (R22)
    raised_on: Mapped[date]
    opened_at: Mapped[datetime]
    stage: Mapped[str] = mapped_column(String(30))
    stage_history: Mapped[list[Json]] = mapped_column(JSONDocument)
    shares: Mapped[list[Json] | None] = mapped_column(JSONDocument)
    effective_from: Mapped[date | None]
    resolved_on: Mapped[date | None]
    outcome_rationale: Mapped[str | None] = mapped_column(Text)
    framework_version: Mapped[int | None]  # R29: the version the resolution was made under


class DisputeEvidence(Base):
    __tablename__ = "dispute_evidence"

    evidence_id: Mapped[UUID] = mapped_column(primary_key=True)
    case_id: Mapped[UUID] = mapped_column(ForeignKey("dispute_cases.case_id"), index=True)
    submitted_by: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(500))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))


class EqualityReport(Versioned, Base):
    """R28: aggregates only, compiled by the assessment service; the profiles never come here."""

    __tablename__ = "equality_reports"

    report_id: Mapped[UUID] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    requested_at: Mapped[datetime | None]
    requested_by: Mapped[str | None] = mapped_column(String(200))
    compiled_at: Mapped[datetime | None]
    rows: Mapped[list[Json] | None] = mapped_column(JSONDocument)
    resuppressed: Mapped[int] = mapped_column(default=0)


class CompetenceSignOff(Base):
    """R27: one competence assessment, as the board needs it to oversee sign-off per provider."""

    __tablename__ = "competence_sign_offs"

    assessment_id: Mapped[UUID] = mapped_column(primary_key=True)
    provider_organisation: Mapped[str] = mapped_column(String(100), index=True)
    task_code: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(30))
    assessed_on: Mapped[date]
    framework_version: Mapped[int | None]  # R29: the version the sign-off was made under


class MonitoringFact(Base):
    """R27/R28: a decision or outcome elsewhere in the Framework, kept for monitoring its use."""

    __tablename__ = "monitoring_facts"

    fact_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)
    occurred_on: Mapped[date]
    framework_version: Mapped[int | None]
    rule: Mapped[str | None] = mapped_column(String(10))
