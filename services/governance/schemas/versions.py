"""Bodies for the Framework's versions (R29)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.governance.schemas.common import EffectiveDate
from shared.pages import Page


class FrameworkVersionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    effective_from: EffectiveDate
    summary: str = Field(min_length=1, max_length=2000)


class FrameworkVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    effective_from: date
    summary: str


class FrameworkVersionPage(Page[FrameworkVersionRead]):
    """The Framework's versions, oldest first."""
