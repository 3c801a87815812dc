"""Instructions in tasks that need no specific training (R16, A 5.13)."""

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from services.training.domain.instructions import (
    InstructionStatus,
    InstructionTopic,
    InstructorRole,
)
from services.training.schemas.common import Input, Name, Output, Text
from shared.dates import PastDate
from shared.pages import Page


class InstructionCreate(Input):
    worker_id: UUID
    instructed_by: Name = Field(description="staff id of whoever gave the instruction")
    instructor_role: InstructorRole
    instructed_on: PastDate = Field(description="on or before today")
    covered: list[InstructionTopic] = Field(min_length=1, max_length=len(InstructionTopic))
    notes: Text | None = Field(default=None, description="free text; it never leaves training")


class InstructionRead(Output):
    worker_id: UUID
    instructed_by: str
    instructor_role: InstructorRole
    instructed_on: date
    covered: list[InstructionTopic]
    notes: str | None
    recorded_at: datetime


class InstructionRequirementRead(Output):
    id: UUID
    delegation_id: UUID
    person_id: UUID
    task_code: str
    provider_organisation: str
    status: InstructionStatus
    required_on: date
    worker_ids: list[UUID]
    instructions: list[InstructionRead]


class InstructionRequirementPage(Page[InstructionRequirementRead]):
    """Instruction requirements, soonest required first."""
