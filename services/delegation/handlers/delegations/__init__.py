"""Provider acceptance (R15), going live (R7, R13, R16, R17, R24), suspension and resumption
(R7, R16), clinical suspension, declining and handing back (R18), workers leaving (R16),
oversight (R17) and the end of a delegation: load, ask the domain, record. Every stop of a
running delegation opens its handback in the same transaction (R18, R20)."""

from services.delegation.handlers.delegations.acceptance import (
    accept,
    decline,
    end,
    end_delegation,
)
from services.delegation.handlers.delegations.going_live import (
    gate_reason,
    go_live_if_ready,
    placement_of,
    reassess,
    reassess_all,
    transfer_oversight,
)
from services.delegation.handlers.delegations.loading import (
    delegation_for_update,
    facts_of,
    stopped,
)
from services.delegation.handlers.delegations.stops import (
    give_notice,
    hand_back,
    hand_back_on_notice,
    lift_clinical_suspension,
    suspend_clinically,
)
from services.delegation.handlers.delegations.workers import (
    judge_competence_today,
    record_departure,
)

__all__ = [
    "accept",
    "decline",
    "delegation_for_update",
    "end",
    "end_delegation",
    "facts_of",
    "gate_reason",
    "give_notice",
    "go_live_if_ready",
    "hand_back",
    "hand_back_on_notice",
    "judge_competence_today",
    "lift_clinical_suspension",
    "placement_of",
    "reassess",
    "reassess_all",
    "record_departure",
    "stopped",
    "suspend_clinically",
    "transfer_oversight",
]
