"""The events the training service reacts to, and its handler for each."""

from services.training.handlers import plans, versions
from shared import organisations, relationships
from shared.events.assessment import RelationshipChanged
from shared.events.delegation import DelegationAccepted, DelegationEnded, TaskDelegated
from shared.events.governance import FrameworkVersionPublished, OrganisationRegistered
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    OrganisationRegistered: organisations.on_registered,
    RelationshipChanged: relationships.on_changed,  # who sees a person's training plan
    DelegationAccepted: plans.on_delegation_accepted,
    TaskDelegated: plans.on_task_delegated,
    DelegationEnded: plans.on_delegation_ended,
    FrameworkVersionPublished: versions.on_framework_version_published,
}
