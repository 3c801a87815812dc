"""The delegation service's request and response bodies."""

from datetime import date

from pydantic import BaseModel, ConfigDict


class FrameworkVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    effective_from: date
