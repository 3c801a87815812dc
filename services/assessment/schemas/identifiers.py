"""Bodies for a person's local system identifiers (LAS, Mosaic, SystmOne, RiO)."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.assessment.domain.identifiers import IdentifierSystem
from shared.pages import Page


class IdentifierCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system: IdentifierSystem
    value: str = Field(min_length=1, max_length=40, examples=["1234567"])


class IdentifierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    person_id: UUID
    system: IdentifierSystem
    value: str
    added_at: datetime


class IdentifierPage(Page[IdentifierRead]):
    """A person's local identifiers, by system, oldest first."""
