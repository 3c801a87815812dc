"""Each named worker's standing on the day (R16, R24): competent and in date and on the
delegation's training plan, or instructed in a task needing no specific training (A 5.13); and
the provider changing its named workers while the delegation runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.delegation.domain.delegations.lifecycle import (
    RUNNING,
    Delegation,
)
from shared.errors import Conflict, RuleViolation
from shared.events.delegation import NamedWorkerAdded, NamedWorkerRemoved, WorkerRemovalCause
from shared.events.training import in_date


class WorkerStanding(StrEnum):
    """R16: whether a named worker may carry out the task today."""

    IN_DATE = "in_date"
    INSTRUCTED = "instructed"  # A 5.13: a task needing no specific training; no expiry
    NOT_ON_TRAINING_PLAN = "not_on_training_plan"  # R24: competent, but not on the plan yet
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
    records: list[CompetenceRecord],
    left: bool,
    on: date,
    instructed: bool = False,
    on_plan: bool = True,
) -> WorkerStanding:
    """R16: per worker, per task, on the day: the same in-date boundary training uses; an
    instruction in a task needing no specific training stands instead (A 5.13). R24: a
    competent worker carries out a task that needs specific training only once on its plan."""
    if left:
        return WorkerStanding.LEFT
    if any(r.competent and in_date(r.valid_until, on) for r in records):
        return WorkerStanding.IN_DATE if on_plan else WorkerStanding.NOT_ON_TRAINING_PLAN
    if instructed:
        return WorkerStanding.INSTRUCTED
    if any(r.competent for r in records):
        return WorkerStanding.LAPSED
    return WorkerStanding.NOT_COMPETENT if records else WorkerStanding.NOT_ASSESSED


def check_departure(delegation: Delegation, worker_id: UUID) -> None:
    """R16: only a named worker can leave a delegation."""
    if worker_id not in delegation.worker_ids:
        raise RuleViolation(
            "R16",
            f"worker {worker_id} is not named on this delegation",
            errors=[{"field": "worker_id", "reason": "not named on this delegation"}],
        )


@dataclass(frozen=True)
class ProviderWorker:
    """Training's worker, as this service knows it: whose, and whether they have left."""

    worker_id: UUID
    provider_organisation: str
    left_on: date | None


def check_running(delegation: Delegation) -> None:
    """Named workers change while the delegation runs (live or suspended); before, the
    provider names them by accepting; after, there is nothing to carry out."""
    if delegation.state not in RUNNING:
        raise Conflict(
            f"the delegation is {delegation.state}: named workers change only while it runs"
        )


def add_worker(
    delegation: Delegation, worker: ProviderWorker | None, worker_id: UUID, field: str, on: date
) -> NamedWorkerAdded | None:
    """R16: the provider names another of its own working staff; they carry the task out only
    once competent and in date and on the training plan (R24). Named already: no effect."""
    check_running(delegation)
    if worker is None or worker.provider_organisation != delegation.provider_organisation:
        raise RuleViolation(
            "R16",
            f"worker {worker_id} is not a worker of {delegation.provider_organisation}",
            errors=[{"field": field, "reason": "not a registered worker of the provider"}],
        )
    if worker.left_on is not None:
        raise RuleViolation(
            "R16",
            f"worker {worker_id} left the provider on {worker.left_on}",
            errors=[{"field": field, "reason": f"left the provider on {worker.left_on}"}],
        )
    if worker_id in delegation.worker_ids:
        return None
    return NamedWorkerAdded(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        worker_id=worker_id,
        task_code=delegation.task_code,
        provider_organisation=delegation.provider_organisation,
        added_on=on,
    )


def remove_worker(
    delegation: Delegation, worker_id: UUID, on: date, cause: WorkerRemovalCause
) -> NamedWorkerRemoved:
    """R16: a named worker comes off the delegation; the others carry on, and only with
    nobody competent left does it suspend (the handler reassesses)."""
    check_departure(delegation, worker_id)
    return NamedWorkerRemoved(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        worker_id=worker_id,
        provider_organisation=delegation.provider_organisation,
        removed_on=on,
        cause=cause,
    )
