"""Proposals to the MDT and its decisions (R1, R9-R14, R29)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from services.delegation.domain.decisions import Complexity, Discipline, FundingBasis, Stability
from services.delegation.schemas import Input, Output
from shared.events.delegation import DecisionOutcome, SharedCareQuestion, Stance
from shared.events.vocabulary import Direction, Setting, TaskCategory


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
    health_need_id: UUID | None = Field(
        default=None,
        description="R4: the person's current assessed health need this task meets (a need_id "
        "from assessment's NeedsAssessed); when given it must list the task",
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
    refused_rule: str | None = Field(
        default=None, description="R10-R13: the rule that stopped a Shared Care 'delegate'"
    )
    refusal_reason: str | None = None
    delegation_id: UUID | None = None
    health_need_id: UUID | None = None


class Member(Input):
    discipline: Discipline
    organisation: str = Field(min_length=1, max_length=200)
    stance: Stance | None = Field(
        default=None,
        description="R14: where the member stood; with no consensus, the positions the Shared "
        "Care discussion receives (as codes)",
    )


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
    section_22_funding: FundingBasis | None = Field(
        default=None,
        description="R11: when the s.22 test fails, how the task is funded instead of by the "
        "council (NHS-funded when not said)",
    )
    reasons: str | None = Field(default=None, max_length=4000)
    question_code: SharedCareQuestion | None = Field(
        default=None,
        description="R14: with no consensus, what Shared Care must decide about the task "
        "(`may_delegate` when not said)",
    )
    question: str | None = Field(
        default=None,
        max_length=2000,
        json_schema_extra={"deprecated": True},
        description="Deprecated: the MDT's own words, kept in its record, never published; "
        "give `question_code`",
    )
    positions: list[str] = Field(
        default_factory=list,
        max_length=20,
        json_schema_extra={"deprecated": True},
        description="Deprecated: the positions in the MDT's own words, kept in its record, "
        "never published; give each member's `stance`",
    )


class DecisionRead(Output):
    id: UUID
    proposal_id: UUID
    source: str
    outcome: DecisionOutcome
    framework_version: int
    decided_on: date
    rule: str | None = None
    section_22_met: bool | None = None
    funding_basis: FundingBasis | None = None
    delegation_id: UUID | None = None
