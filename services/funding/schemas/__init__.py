"""The funding service's request and response bodies (money in integer pence), by sub-topic."""

from typing import Annotated

from pydantic import StringConstraints

Organisation = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
