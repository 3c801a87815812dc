"""The delegation's lifecycle: provider acceptance (R15), going live when every gate is green
(R7, R13, R16, R17, R24), suspension and resumption (R7, R16), clinical suspension by the
oversight owner, the provider declining or handing back with notice (R18), oversight (R17), each
named worker's standing (R16) and its end.

Every stop of a running delegation also opens a handback (`domain.handbacks`, R18, R20)."""

from services.delegation.domain.delegations.acceptance import (
    Acceptance,
    accept,
    check_acceptance,
    decline,
)
from services.delegation.domain.delegations.going_live import (
    Placement,
    accountable_organisation,
    go_live,
    oversight_for,
    placement,
    transfer_oversight,
)
from services.delegation.domain.delegations.lifecycle import (
    ACTIVE,
    FINISHED,
    GO_LIVE,
    LIFECYCLE,
    RUNNING,
    Delegation,
    DelegationCommand,
    DelegationState,
    Oversight,
)
from services.delegation.domain.delegations.stops import (
    check_oversight_owner,
    end,
    give_notice,
    hand_back,
    lift,
    reassess,
    stop_reason,
    stops,
    suspend_clinically,
    suspension_reason,
)
from services.delegation.domain.delegations.workers import (
    CompetenceRecord,
    ProviderWorker,
    WorkerStanding,
    add_worker,
    check_departure,
    check_running,
    remove_worker,
    standing,
)

__all__ = [
    "ACTIVE",
    "FINISHED",
    "GO_LIVE",
    "LIFECYCLE",
    "RUNNING",
    "Acceptance",
    "CompetenceRecord",
    "Delegation",
    "DelegationCommand",
    "DelegationState",
    "Oversight",
    "Placement",
    "ProviderWorker",
    "WorkerStanding",
    "accept",
    "accountable_organisation",
    "add_worker",
    "check_acceptance",
    "check_departure",
    "check_oversight_owner",
    "check_running",
    "decline",
    "end",
    "give_notice",
    "go_live",
    "hand_back",
    "lift",
    "oversight_for",
    "placement",
    "reassess",
    "remove_worker",
    "standing",
    "stop_reason",
    "stops",
    "suspend_clinically",
    "suspension_reason",
    "transfer_oversight",
]
