"""The delegation's states, its commands, its one lifecycle table and the facts its
decisions look at."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.lifecycle import Lifecycle


class DelegationState(StrEnum):
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    DECLINED = "declined"
    AWAITING_GATES = "awaiting_gates"
    LIVE = "live"
    SUSPENDED = "suspended"
    ENDED = "ended"
    CLINICALLY_SUSPENDED = "clinically_suspended"
    HANDED_BACK = "handed_back"


class DelegationCommand(StrEnum):
    ACCEPT = "accepted"
    DECLINE = "declined"
    GO_LIVE = "put live"
    SUSPEND = "suspended"
    RESUME = "resumed"
    END = "ended"
    SUSPEND_CLINICALLY = "suspended on clinical grounds"
    LIFT = "lifted from clinical suspension"
    LIFT_WHILE_GATE_RED = "lifted from clinical suspension while a gate is red"
    GIVE_NOTICE = "given notice of handback"
    HAND_BACK = "handed back"


_S, _C = DelegationState, DelegationCommand
GO_LIVE = DelegationCommand.GO_LIVE
LIFECYCLE: Lifecycle[DelegationState, DelegationCommand] = Lifecycle(
    "delegation",
    {
        (_S.AWAITING_ACCEPTANCE, _C.ACCEPT): _S.AWAITING_GATES,
        (_S.AWAITING_ACCEPTANCE, _C.DECLINE): _S.DECLINED,
        (_S.AWAITING_ACCEPTANCE, _C.END): _S.ENDED,
        (_S.AWAITING_GATES, _C.GO_LIVE): _S.LIVE,
        (_S.AWAITING_GATES, _C.END): _S.ENDED,
        (_S.LIVE, _C.SUSPEND): _S.SUSPENDED,
        (_S.LIVE, _C.END): _S.ENDED,
        (_S.SUSPENDED, _C.RESUME): _S.LIVE,
        (_S.SUSPENDED, _C.END): _S.ENDED,
        # R18: the provider declines after acceptance, once it carries the task
        (_S.LIVE, _C.DECLINE): _S.DECLINED,
        (_S.SUSPENDED, _C.DECLINE): _S.DECLINED,
        (_S.CLINICALLY_SUSPENDED, _C.DECLINE): _S.DECLINED,
        # clinical suspension by the oversight owner, and its lifting
        (_S.LIVE, _C.SUSPEND_CLINICALLY): _S.CLINICALLY_SUSPENDED,
        (_S.SUSPENDED, _C.SUSPEND_CLINICALLY): _S.CLINICALLY_SUSPENDED,
        (_S.CLINICALLY_SUSPENDED, _C.LIFT): _S.LIVE,
        (_S.CLINICALLY_SUSPENDED, _C.LIFT_WHILE_GATE_RED): _S.SUSPENDED,
        (_S.CLINICALLY_SUSPENDED, _C.END): _S.ENDED,
        # the provider hands the task back: it stays as it is until the notice date, then stops
        (_S.LIVE, _C.GIVE_NOTICE): _S.LIVE,
        (_S.SUSPENDED, _C.GIVE_NOTICE): _S.SUSPENDED,
        (_S.CLINICALLY_SUSPENDED, _C.GIVE_NOTICE): _S.CLINICALLY_SUSPENDED,
        (_S.LIVE, _C.HAND_BACK): _S.HANDED_BACK,
        (_S.SUSPENDED, _C.HAND_BACK): _S.HANDED_BACK,
        (_S.CLINICALLY_SUSPENDED, _C.HAND_BACK): _S.HANDED_BACK,
        (_S.HANDED_BACK, _C.END): _S.ENDED,
    },
)

# What the gates' facts are reassessed for, and what reviews and occurrences apply to.
ACTIVE = (
    DelegationState.AWAITING_GATES,
    DelegationState.LIVE,
    DelegationState.SUSPENDED,
    DelegationState.CLINICALLY_SUSPENDED,
)
RUNNING = (
    DelegationState.LIVE,
    DelegationState.SUSPENDED,
    DelegationState.CLINICALLY_SUSPENDED,
)
# Social care will not carry the task again under this delegation (R18, R20).
FINISHED = (DelegationState.ENDED, DelegationState.DECLINED, DelegationState.HANDED_BACK)


@dataclass(frozen=True)
class Delegation:
    """The facts of a delegation its decisions look at."""

    delegation_id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    provider_organisation: str
    additional_minutes_per_week: int
    state: DelegationState
    worker_ids: tuple[UUID, ...] = ()
    oversight: Oversight | None = None
    local_authority: str | None = None
    # A 5.13: an instruction record stands for training plan and competence (R16)
    needs_specific_training: bool = True
    section_22_met: bool | None = None  # R11: None when the test does not apply
    mdt_organisations: tuple[str, ...] = ()  # R13, R26: the MDT that decided it
    proposal_id: UUID | None = None  # the proposal it came from (its relationships end with it)


@dataclass(frozen=True)
class Oversight:
    kind: OversightKind
    owner: str
