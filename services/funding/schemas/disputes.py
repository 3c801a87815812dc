"""Disputes of joint-funded cases (R22)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.funding.domain.disputes import DisputeState
from services.funding.schemas.packages import ShareIn
from shared.events.funding import DisputeReason, DisputeSubject
from shared.pages import Page


class DisputeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: DisputeReason
    # The party's own words: kept in this service for the parties and the CSU, never published.
    note: str | None = Field(default=None, min_length=1, max_length=2000)


class DelegationDisputeCreate(DisputeCreate):
    """About a delegation's apportionment (R19) or its without-prejudice decision (R20)."""

    subject_kind: DisputeSubject


class DisputeRead(BaseModel):
    id: UUID
    subject_kind: DisputeSubject = DisputeSubject.JOINT_PACKAGE
    subject_id: UUID | None = None  # the package's or the delegation's
    package_id: UUID | None
    person_id: UUID
    raised_by: str
    parties: list[str]
    reason_code: DisputeReason
    summary: str  # fixed words for the reason code, as published
    note: str | None
    raised_on: date
    status: DisputeState
    outcome: list[ShareIn] | None
    effective_from: date | None
    resolved_on: date | None
    framework_version: int | None = None  # R29: the version the outcome was settled under


class DisputePage(Page[DisputeRead]):
    """Funding disputes, oldest raised first."""
