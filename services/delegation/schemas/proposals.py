"""Proposals to the MDT and its decisions (R1, R9-R14, R29)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from services.delegation.domain.accountability import CompetenceBasis, ProfessionalBody
from services.delegation.domain.decisions import Complexity, Discipline, FundingBasis, Stability
from services.delegation.domain.mdt import NotInvolvedReason
from services.delegation.schemas import Input, Output
from shared.events.delegation import DecisionOutcome, SharedCareQuestion, Stance
from shared.events.vocabulary import Direction, Setting, TaskCategory


class Practitioner(Input):
    professional_body: ProfessionalBody = Field(
        description="R13: NMC, HCPC and GMC/GPhC registrants delegate healthcare tasks; Social "
        "Work England and HCPC registrants social care tasks"
    )
    registration_number: str = Field(
        min_length=3,
        max_length=40,
        pattern=r"^[A-Za-z0-9-]+$",
        description="R13: in the register's form: NMC 12A3456E, HCPC PA123456, GMC and GPhC "
        "seven digits, Social Work England SW123456",
    )
    competent_in_task: bool
    competence_basis: CompetenceBasis = Field(
        description="R13: how the practitioner's occupational competence in the task is evidenced"
    )


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
    competence_basis: str | None = Field(
        default=None, description="R13: how the practitioner's competence in the task is evidenced"
    )


class Member(Input):
    staff_id: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="R9: the member's staff identifier (never a name); each member once",
    )
    discipline: Discipline
    organisation: str = Field(min_length=1, max_length=200)
    present: bool = Field(
        description="R9: at the meeting; the disciplines the MDT needs count members present"
    )
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
    oversight_interval_days: int | None = Field(
        default=None,
        ge=1,
        le=365,
        description="R12, A 5.12: how often the oversight owner reviews the task; at most 7 "
        "days, and required, when the condition is fluctuating or unstable",
    )


class SupportPlan(Input):
    """R19: the version of the person's support plan the MDT agreed."""

    plan_id: UUID
    version: int = Field(ge=1)


class Section22(Input):
    """R11: the Care Act s.22 test for a health to social delegation."""

    merely_incidental_or_ancillary: bool
    of_a_nature_a_local_authority_could_provide: bool


class DecisionCreate(Input):
    outcome: DecisionOutcome
    members: list[Member] = Field(min_length=1, max_length=30)
    person_involved: bool
    family_or_carers_involved: bool
    person_not_involved_reason: NotInvolvedReason | None = Field(
        default=None, description="R9: required, and only allowed, when the person was not involved"
    )
    family_not_involved_reason: NotInvolvedReason | None = Field(
        default=None,
        description="R9: required, and only allowed, when family or carers were not involved",
    )
    risk: Risk
    best_interests: bool
    section_22: Section22 | None = None
    clinical_justification: str | None = Field(default=None, max_length=4000)
    section_22_funding: FundingBasis | None = Field(
        default=None,
        description="R11: when the s.22 test fails, how the task is funded instead of by the "
        "council (NHS-funded when not said)",
    )
    new_support_plan: SupportPlan | None = Field(
        default=None,
        description="R19, A 5.9: the new support plan the MDT agreed; required to approve a task "
        "with additional minutes a week",
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
