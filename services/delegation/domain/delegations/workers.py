"""Each named worker's standing on the day (R16): competent and in date, or
instructed in a task needing no specific training (A 5.13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.delegation.domain.delegations.lifecycle import (
    Delegation,
)
from shared.errors import RuleViolation
from shared.events.training import in_date


class WorkerStanding(StrEnum):
    """R16: whether a named worker may carry out the task today."""

    IN_DATE = "in_date"
    INSTRUCTED = "instructed"  # A 5.13: a task needing no specific training; no expiry
    LAPSED = "lapsed"
    NOT_COMPETENT = "not_competent"
    NOT_ASSESSED = "not_assessed"
    LEFT = "left"
    NOT_NAMED = "not_named"  # not one of the delegation's named workers


@dataclass(frozen=True)
class CompetenceRecord:
    competent: bool
    valid_until: date | None


def standing(
    records: list[CompetenceRecord], left: bool, on: date, instructed: bool = False
) -> WorkerStanding:
    """R16: per worker, per task, on the day: the same in-date boundary training uses; an
    instruction in a task needing no specific training stands instead (A 5.13)."""
    if left:
        return WorkerStanding.LEFT
    if any(r.competent and in_date(r.valid_until, on) for r in records):
        return WorkerStanding.IN_DATE
    if instructed:
        return WorkerStanding.INSTRUCTED
    if any(r.competent for r in records):
        return WorkerStanding.LAPSED
    return WorkerStanding.NOT_COMPETENT if records else WorkerStanding.NOT_ASSESSED


def check_departure(delegation: Delegation, worker_id: UUID) -> None:
    """R16: only a named worker can leave a delegation."""
    if worker_id not in delegation.worker_ids:
        raise RuleViolation("R16", f"worker {worker_id} is not named on this delegation")
