"""A care worker's working life at their provider (R16): active until they leave; one who has
left is neither trained, assessed nor instructed any more."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.training import WorkerLeft


def check_active(worker_id: UUID, left_on: date | None) -> None:
    """R16: training, competence and instruction are recorded only for an active worker."""
    if left_on is not None:
        raise RuleViolation(
            "R16",
            f"worker {worker_id} left the provider on {left_on}: nothing more is recorded",
            errors=[{"field": "worker_id", "reason": f"left the provider on {left_on}"}],
        )


def leave(
    worker_id: UUID, organisation: str, left_on: date | None, on: date, today: date
) -> WorkerLeft | None:
    """The worker leaves the provider on `on` (not in the future), once: the same departure
    again has no second effect (None); another day is a conflict."""
    if left_on == on:
        return None
    if left_on is not None:
        raise Conflict(f"worker {worker_id} already left the provider on {left_on}")
    if on > today:
        raise InvalidInput("left_on", "a departure is recorded on or after the day it happens")
    return WorkerLeft(worker_id=worker_id, provider_organisation=organisation, left_on=on)


def change_role(worker_id: UUID, left_on: date | None, old: str, new: str) -> bool:
    """A worker's role can change while they work for the provider; False: it is the same."""
    if left_on is not None:
        raise Conflict(f"worker {worker_id} left the provider on {left_on}")
    return old != new
