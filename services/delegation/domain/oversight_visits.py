"""Oversight visits (R17, A 5.12): the decision sets how often the clinical oversight owner
checks the task (every ten days in the case study); the owner records each visit, its findings,
a competence spot check per worker it saw (R16) and its actions, as codes; a visit not made by
its due day is overdue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from services.delegation.domain.delegations import RUNNING, Delegation
from shared.errors import Conflict, Forbidden, InvalidInput
from shared.events.delegation import (
    OversightVisitRecorded,
    SpotCheck,
    VisitAction,
    VisitFinding,
)


def next_due(interval_days: int | None, start: date | None, last_visit: date | None) -> date | None:
    """The day the next visit is due: the interval after the last visit, or after the start;
    None when the decision set no interval (or the task never started)."""
    since = last_visit or start
    if interval_days is None or since is None:
        return None
    return since + timedelta(days=interval_days)


def is_overdue(due: date | None, today: date) -> bool:
    """A visit is overdue the day after its due day passes unvisited."""
    return due is not None and due < today


@dataclass(frozen=True)
class Visit:
    """A visit as the owner reports it."""

    visit_id: UUID
    visited_on: date
    findings: tuple[VisitFinding, ...]
    spot_checks: tuple[SpotCheck, ...]
    actions: tuple[VisitAction, ...]


def check_visit(
    delegation: Delegation, organisation: str, visit: Visit, start: date | None, today: date
) -> None:
    """R17: only the clinical oversight owner visits, a running task, on a day since it started;
    R16: a spot check is of a named worker, once each."""
    if delegation.oversight is None or delegation.oversight.owner != organisation:
        raise Forbidden("only the clinical oversight owner records its visits to the task")
    if delegation.state not in RUNNING:
        raise Conflict(f"delegation {delegation.delegation_id} is {delegation.state}, not live")
    if visit.visited_on > today:
        raise InvalidInput("visited_on", "a visit cannot be recorded before it happens")
    if start is not None and visit.visited_on < start:
        raise InvalidInput("visited_on", f"the task went live on {start}; this is before it")
    _check_spot_checks(delegation.worker_ids, visit.spot_checks)
    if len(set(visit.findings)) != len(visit.findings):
        raise InvalidInput("findings", "each finding once")


def _check_spot_checks(named: Sequence[UUID], checks: Sequence[SpotCheck]) -> None:
    seen: set[UUID] = set()
    for index, check in enumerate(checks):
        field = f"spot_checks[{index}].worker_id"
        if check.worker_id not in named:
            raise InvalidInput(field, "a spot check is of a worker named on the delegation")
        if check.worker_id in seen:
            raise InvalidInput(field, "each worker once")
        seen.add(check.worker_id)


def recorded(
    delegation: Delegation, visit: Visit, owner: str, due: date | None
) -> OversightVisitRecorded:
    """The visit as codes and ids; the visitor's notes stay in the record."""
    return OversightVisitRecorded(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        visit_id=visit.visit_id,
        visited_on=visit.visited_on,
        oversight_owner=owner,
        findings=list(visit.findings),
        spot_checks=list(visit.spot_checks),
        actions=list(visit.actions),
        next_due=due,
    )
