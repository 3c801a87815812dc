"""What the training service's bodies share: field types and the two base models."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.training.domain.dates import EARLIEST, LATEST

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
TaskCode = Annotated[str, Field(min_length=1, max_length=100)]
# A day in the sanity range; the handler checks it against today (domain/dates.py).
Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)
