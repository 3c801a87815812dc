"""The funding service's use cases and event reactions: load, decide, record; never commit."""

from services.funding.handlers.delegations import (
    declare_funding_gap,
    make_funding_decision,
    on_delegation_ended,
    on_delegation_resumed,
    on_delegation_suspended,
    on_review_completed,
    on_task_delegated,
)
from services.funding.handlers.packages import (
    agree_joint_package,
    change_shares,
    on_dispute_resolved,
    raise_dispute,
)
from services.funding.handlers.rates import record_rate

__all__ = [
    "agree_joint_package",
    "change_shares",
    "declare_funding_gap",
    "make_funding_decision",
    "on_delegation_ended",
    "on_delegation_resumed",
    "on_delegation_suspended",
    "on_dispute_resolved",
    "on_review_completed",
    "on_task_delegated",
    "raise_dispute",
    "record_rate",
]
