"""The task catalogue (R10) and the Framework version in force (R29)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from services.delegation.schemas import Output
from shared.events.vocabulary import Delegability, TaskCategory
from shared.pages import Page


class FrameworkVersionRead(Output):
    version: int
    effective_from: date


class TaskRead(Output):
    code: str
    name: str
    category: TaskCategory
    delegability: Delegability
    needs_specific_training: bool = Field(
        description="A 5.13: False when an instruction record suffices (medication prompts)"
    )
    snomed_concept_id: str | None = Field(
        default=None, description="The SNOMED CT concept the IPCB chose for the task"
    )
    snomed_display: str | None = Field(default=None, description="The concept's display term")


class CatalogueRulingRead(Output):
    """R10: a governance ruling on a catalogue entry; `applied_on` is empty while it waits."""

    ruling_id: UUID
    task_code: str
    change: str
    delegability: Delegability
    needs_specific_training: bool | None
    effective_from: date
    received_on: date
    applied_on: date | None
    snomed_concept_id: str | None = None
    snomed_display: str | None = None


class TaskPage(Page[TaskRead]):
    """The catalogue, by task code."""


class CatalogueRulingPage(Page[CatalogueRulingRead]):
    """Catalogue rulings, by the day they take effect."""
