"""Delegations: provider acceptance (R15), their gates (R7, R16, R17, R24) and their end."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from services.delegation.schemas import Input, Output
from shared.events.vocabulary import Direction, Setting, TaskCategory


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
