"""The events the funding service reacts to, and its handler for each."""

from services.funding import handlers
from shared.events.delegation import (
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    ReviewCompleted,
    TaskDelegated,
)
from shared.events.governance import DisputeResolved
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    TaskDelegated: handlers.on_task_delegated,
    ReviewCompleted: handlers.on_review_completed,
    DelegationSuspended: handlers.on_delegation_suspended,
    DelegationEnded: handlers.on_delegation_ended,
    DelegationResumed: handlers.on_delegation_resumed,
    DisputeResolved: handlers.on_dispute_resolved,
}
