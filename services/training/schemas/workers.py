"""Care workers and their training records."""

from datetime import date
from uuid import UUID

from pydantic import Field

from services.training.domain.competence import TrainingKind
from services.training.schemas.common import Input, Name, Output, TaskCode
from shared.dates import PastDate
from shared.pages import Page


class WorkerCreate(Input):
    role: Name


class WorkerRead(Output):
    id: UUID
    organisation: str
    role: str
    active: bool = Field(description="false once the worker has left the provider")
    left_on: date | None = None


class WorkerPage(Page[WorkerRead]):
    """Care workers, a page at a time, oldest registration first."""


class DepartureCreate(Input):
    left_on: PastDate = Field(description="the day the worker left; on or before today")


class RoleUpdate(Input):
    role: Name


class TrainingRecordCreate(Input):
    task_code: TaskCode
    person_id: UUID | None = None
    kind: TrainingKind
    completed_on: PastDate = Field(description="on or before today")
    delivered_by: Name


class TrainingRecordRead(Output):
    id: UUID
    worker_id: UUID
    task_code: str
    person_id: UUID | None
    kind: TrainingKind
    completed_on: date
    delivered_by: str
