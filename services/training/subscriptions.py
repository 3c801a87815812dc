"""The events the training service reacts to, and its handler for each."""

from services.training.handlers import plans
from shared.events.delegation import DelegationAccepted, DelegationEnded, TaskDelegated
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    DelegationAccepted: plans.on_delegation_accepted,
    TaskDelegated: plans.on_task_delegated,
    DelegationEnded: plans.on_delegation_ended,
}
