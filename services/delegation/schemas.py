"""The delegation service's request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.delegation.domain.decision import Complexity, Discipline, Stability
from shared.events.delegation import DecisionOutcome, ReviewOutcome
from shared.events.vocabulary import Delegability, Direction, Setting, TaskCategory


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FrameworkVersionRead(Output):
    version: int
    effective_from: date


class TaskRead(Output):
    code: str
    name: str
    category: TaskCategory
    delegability: Delegability


class ProfessionalBody(StrEnum):
    """R13: the register the delegating practitioner is on."""

    NMC = "NMC"
    HCPC = "HCPC"
    GMC = "GMC"
    GPHC = "GPhC"
    SWE = "SWE"


class Practitioner(Input):
    professional_body: ProfessionalBody
    registration_number: str = Field(min_length=3, max_length=40, pattern=r"^[A-Za-z0-9-]+$")
    competent_in_task: bool


class ProposalCreate(Input):
    person_id: UUID
    task_code: str = Field(min_length=1, max_length=100)
    direction: Direction
    setting: Setting
    practitioner: Practitioner
    provider_organisation: str = Field(min_length=1, max_length=200)
    frequency: str = Field(min_length=1, max_length=200, examples=["twice a day"])
    additional_minutes_per_week: int = Field(ge=0, le=7 * 24 * 60)
    contact_arrangements: str = Field(
        min_length=1, max_length=2000, description="R17: how workers reach the oversight owner"
    )


class ProposalRead(Output):
    id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    provider_organisation: str
    frequency: str
    additional_minutes_per_week: int
    status: str
    submitted_on: date
    shared_care_conditions: list[str] | None = None
    delegation_id: UUID | None = None


class Member(Input):
    discipline: Discipline
    organisation: str = Field(min_length=1, max_length=200)


class Risk(Input):
    """R12: the risk and benefit assessment."""

    stability: Stability
    complexity: Complexity
    expected_outcome: str = Field(min_length=1, max_length=2000)
    mitigations: list[str] = Field(default_factory=list, max_length=50)


class Section22(Input):
    """R11: the Care Act s.22 test for a health to social delegation."""

    merely_incidental_or_ancillary: bool
    of_a_nature_a_local_authority_could_provide: bool


class DecisionCreate(Input):
    outcome: DecisionOutcome
    members: list[Member] = Field(min_length=1, max_length=30)
    person_involved: bool
    family_or_carers_involved: bool
    risk: Risk
    best_interests: bool
    section_22: Section22 | None = None
    clinical_justification: str | None = Field(default=None, max_length=4000)
    reasons: str | None = Field(default=None, max_length=4000)
    question: str | None = Field(default=None, max_length=2000)
    positions: list[str] = Field(default_factory=list, max_length=20)


class DecisionRead(Output):
    id: UUID
    proposal_id: UUID
    source: str
    outcome: DecisionOutcome
    framework_version: int
    decided_on: date
    delegation_id: UUID | None = None


class AcceptanceCreate(Input):
    """R15: the provider names its workers and confirms it can deliver safely."""

    worker_ids: list[UUID] = Field(min_length=1, max_length=100)
    training_confirmed: bool
    supervision_confirmed: bool
    insurance_and_indemnity_confirmed: bool


class DeclineCreate(Input):
    reason: str = Field(min_length=1, max_length=2000)


class EndCreate(Input):
    reason: str = Field(min_length=1, max_length=2000)


class GateRead(Output):
    gate: str
    rule: str
    green: bool
    waiting_for: str | None


class AccountablePractitioner(Output):
    practitioner_id: str
    professional_body: str
    registration_number: str


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
    end_reason: str | None
    waiting_for: list[GateRead]


class ReviewRead(Output):
    id: UUID
    delegation_id: UUID
    due_date: date
    reason: str
    mdt_reassessment: bool
    completed_on: date | None
    outcome: str | None


class ReviewOutcomeCreate(Input):
    outcome: ReviewOutcome
    additional_minutes_per_week: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    notes: str | None = Field(default=None, max_length=4000)


class OccurrenceCreate(Input):
    occurred_on: date


class OccurrenceRead(Output):
    id: UUID
    delegation_id: UUID
    occurred_on: date
    care_plan_reevaluation_flagged: bool


class RegularUsePolicyUpdate(Input):
    threshold: int = Field(ge=2, le=100)
    period_days: int = Field(ge=1, le=366)


class RegularUsePolicyRead(Output):
    threshold: int
    period_days: int
    updated_at: datetime
    updated_by: str
