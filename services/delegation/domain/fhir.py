"""How the delegation's lifecycle reads in FHIR: `Task.status` for each state (the state itself
is `Task.businessStatus`). A new state needs its row here (a test holds every state to it)."""

from __future__ import annotations

from enum import StrEnum

from services.delegation.domain.delegations.lifecycle import DelegationState


class TaskStatus(StrEnum):
    """The FHIR R4 Task status codes the delegation's states map to."""

    REQUESTED = "requested"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    FAILED = "failed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


_S, _T = DelegationState, TaskStatus
TASK_STATUS: dict[DelegationState, TaskStatus] = {
    _S.AWAITING_ACCEPTANCE: _T.REQUESTED,  # R15: the provider has not answered yet
    _S.DECLINED: _T.REJECTED,  # R15, R18
    _S.AWAITING_GATES: _T.ACCEPTED,  # accepted, waiting for consent, competence, oversight
    _S.LIVE: _T.IN_PROGRESS,
    _S.SUSPENDED: _T.ON_HOLD,  # R7, R16: resumes when its gates are green again
    _S.CLINICALLY_SUSPENDED: _T.ON_HOLD,  # R17, R18: until the oversight owner lifts it
    _S.HANDED_BACK: _T.FAILED,  # R18: social care stopped it; the oversight owner has it
    _S.ENDED: _T.COMPLETED,  # ended after it ran; `task_status` says cancelled if it never did
}


def task_status(state: DelegationState, started: bool) -> TaskStatus:
    """A delegation ended before it ever went live was cancelled, not completed."""
    if state is DelegationState.ENDED and not started:
        return TaskStatus.CANCELLED
    return TASK_STATUS[state]


def states_for(status: TaskStatus) -> list[tuple[DelegationState, bool | None]]:
    """The (state, started) pairs a Task status stands for (None: started or not)."""
    found: list[tuple[DelegationState, bool | None]] = [
        (state, None)
        for state, mapped in TASK_STATUS.items()
        if mapped is status and state is not DelegationState.ENDED
    ]
    if status is TaskStatus.COMPLETED:
        found.append((DelegationState.ENDED, True))
    if status is TaskStatus.CANCELLED:
        found.append((DelegationState.ENDED, False))
    return found
