"""What the governance service's bodies share: the two base models and free text."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.dates import EARLIEST, LATEST

Text = Annotated[str, Field(min_length=1, max_length=5000)]
# A day something takes effect (a ruling, a version, a resolution, an entry): the sanity range of
# shared.dates; past facts are `shared.dates.PastDate`, refused after today by the handler.
EffectiveDate = Annotated[date, Field(ge=EARLIEST, le=LATEST)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)
