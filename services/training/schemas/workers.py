"""Care workers and their training records."""

from datetime import date
from uuid import UUID

from pydantic import Field

from services.training.domain.competence import TrainingKind
from services.training.schemas.common import Input, Name, Output, TaskCode
from shared.dates import PastDate


class WorkerCreate(Input):
    role: Name


class WorkerRead(Output):
    id: UUID
    organisation: str
    role: str


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
