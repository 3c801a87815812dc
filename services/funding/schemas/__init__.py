"""The funding service's request and response bodies (money in integer pence), by sub-topic."""

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from services.funding.domain.dates import EARLIEST, LATEST

Organisation = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
# A date a request names: within plausible years, so no calculation on it can overflow.
PlausibleDate = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
