"""The events the training service reacts to, and its handler for each."""

from services.training.handlers import plans, versions
from shared import organisations
from shared.events.delegation import DelegationAccepted, DelegationEnded, TaskDelegated
from shared.events.governance import FrameworkVersionPublished, OrganisationRegistered
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    OrganisationRegistered: organisations.on_registered,
    DelegationAccepted: plans.on_delegation_accepted,
    TaskDelegated: plans.on_task_delegated,
    DelegationEnded: plans.on_delegation_ended,
    FrameworkVersionPublished: versions.on_framework_version_published,
}
