"""Delegations: provider acceptance (R15), their gates (R7, R16, R17, R24) and their end."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from services.delegation.domain.delegations import WorkerStanding
from services.delegation.schemas import Input, Output
from shared.dates import ExpiryDate
from shared.events.delegation import DeclineReason, EndReason
from shared.events.vocabulary import Direction, Setting, TaskCategory
from shared.pages import Page

DETAIL = "In the caller's own words: kept in delegation's record, never published in an event"
OLD_REASON = (
    "Deprecated: the words-only reason of earlier clients, kept as `reason_detail` (never "
    "published); without `reason_code` the reason is coded `other`"
)


class AcceptanceCreate(Input):
    """R15: the provider names its workers and confirms it can deliver safely."""

    worker_ids: list[UUID] = Field(min_length=1, max_length=100)
    training_confirmed: bool
    supervision_confirmed: bool
    insurance_and_indemnity_confirmed: bool


class CodedReason(Input):
    reason_detail: str | None = Field(
        default=None, min_length=1, max_length=2000, description=DETAIL
    )
    reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        json_schema_extra={"deprecated": True},
        description=OLD_REASON,
    )

    @property
    def detail(self) -> str | None:
        return self.reason_detail or self.reason


class DeclineCreate(CodedReason):
    """R15, R18: why the provider declines, as a code events carry; its words stay here."""

    reason_code: DeclineReason | None = Field(
        default=None, description="Required unless the deprecated `reason` is given"
    )


class EndCreate(CodedReason):
    """Why the delegation ends, as a code events carry; the words stay here."""

    reason_code: EndReason | None = Field(
        default=None, description="Required unless the deprecated `reason` is given"
    )


class ClinicalSuspensionCreate(Input):
    """The clinical grounds: kept in the delegation's record, never in events."""

    reason: str = Field(min_length=1, max_length=2000)


class HandbackNoticeCreate(Input):
    """R18: the provider hands the task back from this date (today stops it at once)."""

    notice_date: ExpiryDate = Field(description="today or later, within a year")
    reason: str = Field(min_length=1, max_length=2000)


class WorkerRead(Output):
    """R16: a named worker's standing today; lapsed or departed workers may not do the task."""

    worker_id: UUID
    standing: WorkerStanding
    valid_until: date | None = None
    left_on: date | None = None


class GateRead(Output):
    gate: str
    rule: str
    green: bool
    waiting_for: str | None


class AccountablePractitioner(Output):
    practitioner_id: str
    professional_body: str
    registration_number: str
    competence_basis: str | None = Field(
        default=None, description="R13: how their competence in the task is evidenced"
    )


class DelegationRead(Output):
    id: UUID
    proposal_id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    status: str
    provider_organisation: str
    accountable_practitioner: AccountablePractitioner
    accountable_organisation: str | None
    local_authority: str | None
    nhs_duty_of_care_retained: bool
    framework_version: int
    frequency: str
    additional_minutes_per_week: int
    contact_arrangements: str
    worker_ids: list[UUID]
    accepted_on: date | None
    oversight_kind: str | None
    oversight_owner: str | None
    start_date: date | None
    suspension_reason: str | None
    ended_on: date | None
    end_reason: str | None = Field(description="The ender's words, else the code's wording")
    end_reason_code: EndReason | None = None
    waiting_for: list[GateRead]
    workers: list[WorkerRead] = []
    clinical_suspension_reason: str | None = None
    clinically_suspended_on: date | None = None
    handback_notice_on: date | None = None
    handback_notice_reason: str | None = None
    declined_reason: str | None = Field(
        default=None, description="The provider's words, else the code's wording"
    )
    declined_reason_code: DeclineReason | None = None
    mdt_organisations: list[str] = Field(
        default=[], description="R13, R26: the organisations of the MDT that decided it"
    )
    oversight_interval_days: int | None = Field(
        default=None,
        description="R12, A 5.12: how often the oversight owner reviews the task (a changing "
        "or fluctuating condition)",
    )
    support_plan_id: UUID | None = Field(
        default=None, description="R19: the new support plan the MDT agreed for extra minutes"
    )
    support_plan_version: int | None = None
    conditions: list[str] = Field(
        default=[],
        description="R14: the conditions of the Shared Care decision that bind the provider",
    )


class DelegationPage(Page[DelegationRead]):
    """Delegations, oldest first."""
