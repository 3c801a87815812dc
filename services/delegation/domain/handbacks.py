"""Handbacks (R18, R20): whenever social care stops carrying out a delegated task, the task
returns at once to the one who answers for it, who must acknowledge it and name the cover.

A health-to-social task returns to its clinical oversight owner (CHS or the GP practice, R17).
A social-to-health task is a social care task carried by health staff: it returns to the council
(the local authority), named as the handback's owner; the event's `direction` says which it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from services.delegation.domain import Transition
from services.delegation.domain.delegations import FINISHED, Delegation, DelegationState
from shared.errors import Forbidden, RuleViolation
from shared.events.delegation import (
    CoverArrangement,
    HandbackAcknowledged,
    HandbackClosed,
    HandbackClosure,
    HandbackOpened,
    HandbackOverdue,
    StopReason,
)
from shared.events.vocabulary import Direction
from shared.lifecycle import Lifecycle


class HandbackState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class HandbackCommand(StrEnum):
    ACKNOWLEDGE = "acknowledged"
    FLAG_OVERDUE = "flagged overdue"
    CLOSE = "closed"


_S, _C = HandbackState, HandbackCommand
LIFECYCLE: Lifecycle[HandbackState, HandbackCommand] = Lifecycle(
    "handback",
    {
        (_S.OPEN, _C.ACKNOWLEDGE): _S.ACKNOWLEDGED,
        (_S.OPEN, _C.FLAG_OVERDUE): _S.OPEN,
        (_S.OPEN, _C.CLOSE): _S.CLOSED,
        (_S.ACKNOWLEDGED, _C.CLOSE): _S.CLOSED,
    },
)
UNCLOSED = (HandbackState.OPEN, HandbackState.ACKNOWLEDGED)
DEFAULT_ACKNOWLEDGE_WITHIN_DAYS = 1


@dataclass(frozen=True)
class Handback:
    """The facts of a handback its decisions look at."""

    handback_id: UUID
    delegation_id: UUID
    person_id: UUID
    oversight_owner: str
    state: HandbackState
    acknowledge_by: date
    overdue_flagged: bool = False


def owner_of(delegation: Delegation) -> str:
    """R18: who the task returns to: the clinical oversight owner (R17) for a health task; the
    council for a social care task carried by health staff."""
    if delegation.direction is Direction.SOCIAL_TO_HEALTH and delegation.local_authority:
        return delegation.local_authority
    if delegation.oversight is None:
        raise RuleViolation("R17", "a running delegation must have a clinical oversight owner")
    return delegation.oversight.owner


def open_handback(
    delegation: Delegation, handback_id: UUID, reason: StopReason, on: date, within_days: int
) -> HandbackOpened:
    """R18, R20: the stop returns the task to its owner, to acknowledge within the IPCB's time."""
    if delegation.oversight is None:
        raise RuleViolation("R17", "a running delegation must have a clinical oversight owner")
    return HandbackOpened(
        person_id=delegation.person_id,
        handback_id=handback_id,
        delegation_id=delegation.delegation_id,
        task_code=delegation.task_code,
        direction=delegation.direction,
        oversight_kind=delegation.oversight.kind,
        oversight_owner=owner_of(delegation),
        provider_organisation=delegation.provider_organisation,
        reason=reason,
        stopped_on=on,
        acknowledge_by=on + timedelta(days=within_days),
    )


def acknowledge(
    handback: Handback, organisation: str, cover: CoverArrangement, on: date
) -> Transition[HandbackState]:
    """R18: only the owner's organisation acknowledges, once, naming the cover it has arranged."""
    if organisation != handback.oversight_owner:
        raise Forbidden(f"only {handback.oversight_owner} can acknowledge this handback")
    acknowledged = HandbackAcknowledged(
        person_id=handback.person_id,
        handback_id=handback.handback_id,
        delegation_id=handback.delegation_id,
        oversight_owner=handback.oversight_owner,
        cover=cover,
        acknowledged_on=on,
    )
    return Transition(LIFECYCLE.next(handback.state, _C.ACKNOWLEDGE), (acknowledged,))


def is_overdue(state: HandbackState, acknowledge_by: date, on: date) -> bool:
    """R18: open past the day it had to be acknowledged by."""
    return state is HandbackState.OPEN and on > acknowledge_by


def flag_overdue(handback: Handback, on: date) -> Transition[HandbackState] | None:
    """R18: an unacknowledged handback is raised once when its time has passed."""
    if handback.overdue_flagged or not is_overdue(handback.state, handback.acknowledge_by, on):
        return None
    overdue = HandbackOverdue(
        person_id=handback.person_id,
        handback_id=handback.handback_id,
        delegation_id=handback.delegation_id,
        oversight_owner=handback.oversight_owner,
        acknowledge_by=handback.acknowledge_by,
        flagged_on=on,
    )
    return Transition(LIFECYCLE.next(handback.state, _C.FLAG_OVERDUE), (overdue,))


def close(handback: Handback, closure: HandbackClosure, on: date) -> Transition[HandbackState]:
    """The task resumed, was delegated again, or ended and its funding settled (R18, R20)."""
    closed = HandbackClosed(
        person_id=handback.person_id,
        handback_id=handback.handback_id,
        delegation_id=handback.delegation_id,
        closure=closure,
        closed_on=on,
    )
    return Transition(LIFECYCLE.next(handback.state, _C.CLOSE), (closed,))


def closes_as_ended(
    state: HandbackState, delegation: DelegationState, funding_settled: bool
) -> bool:
    """R18, R20: the handback of a task social care will not carry again (ended, declined or
    handed back) closes once the owner has acknowledged it (nobody may be left without the
    task) and the funding decision has settled who pays."""
    finished = delegation in FINISHED
    return state is HandbackState.ACKNOWLEDGED and finished and funding_settled
