"""Named workers changing on a running delegation (R16, R24)."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from services.delegation.schemas import Input


class NamedWorkerCreate(Input):
    """Name another of the provider's workers; with `replaces`, take that one off at once."""

    worker_id: UUID = Field(description="a worker of the provider, registered with training")
    replaces: UUID | None = Field(
        default=None, description="a named worker this one replaces: taken off in the same step"
    )
