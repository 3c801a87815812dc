"""Joint packages and their shares over time (R21)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.funding.domain.packages import PackageState
from services.funding.schemas import Organisation, PlausibleDate
from shared.events.funding import ChcOutcome, PackageEndReason
from shared.events.vocabulary import Setting
from shared.pages import Page


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: Organisation
    percent: int | None = Field(default=None, ge=0, le=100)
    weekly_pence: int | None = Field(default=None, ge=0, le=100_000_000)


class JointPackageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID
    setting: Setting
    weekly_cost_pence: int = Field(ge=0, le=100_000_000)
    shares: list[ShareIn] = Field(min_length=2, max_length=10)
    effective_from: PlausibleDate
    # R11: the delegation whose task the package funds, if it funds one.
    delegation_id: UUID | None = None
    # R21: the person's NHS Continuing Healthcare outcome (not_eligible) and the day it was
    # decided; the domain refuses a package without them, naming the field.
    chc_outcome: ChcOutcome | None = None
    chc_decided_on: PlausibleDate | None = None


class PackageEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends_on: PlausibleDate  # the package pays nothing from this day
    reason_code: PackageEndReason


class PackageReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reviewed_on: PlausibleDate
    # The reviewers' own words: kept in this service, never published.
    note: str | None = Field(default=None, min_length=1, max_length=2000)


class PackageReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    package_id: UUID
    reviewed_on: date
    next_review_due: date
    note: str | None


class TermsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekly_cost_pence: int = Field(ge=0, le=100_000_000)
    shares: list[ShareIn] = Field(min_length=2, max_length=10)
    effective_from: PlausibleDate


class TermsRead(BaseModel):
    id: UUID
    effective_from: date
    weekly_cost_pence: int
    shares: list[ShareIn]
    cause: str


class JointPackageRead(BaseModel):
    id: UUID
    person_id: UUID
    setting: Setting
    terms: list[TermsRead]
    delegation_id: UUID | None = None
    status: PackageState = PackageState.AGREED
    chc_outcome: ChcOutcome | None = None
    chc_decided_on: date | None = None
    review_due: date | None = None
    review_overdue: bool = False  # A 5.14: the review is past due and the package running
    ends_on: date | None = None
    end_reason: PackageEndReason | None = None


class PackageReviewPage(Page[PackageReviewRead]):
    """A joint package's reviews, oldest first."""


class JointPackagePage(Page[JointPackageRead]):
    """Joint packages, the longest overdue review first."""
