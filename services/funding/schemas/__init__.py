"""The funding service's request and response bodies (money in integer pence), by sub-topic."""

from typing import Annotated

from pydantic import StringConstraints

from shared.dates import PastDate

Organisation = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
# A day a request names (terms take effect, a decision is made): within the platform's plausible
# bounds, so no calculation on it can overflow; a rate or terms may take effect after today.
PlausibleDate = PastDate
