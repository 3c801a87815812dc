"""The events the training service reacts to, and its handler for each."""

from services.training.handlers import departures, plans, versions
from shared import organisations, relationships
from shared.events.assessment import RelationshipChanged
from shared.events.delegation import (
    DelegationAccepted,
    DelegationEnded,
    NamedWorkerAdded,
    NamedWorkerRemoved,
    TaskDelegated,
)
from shared.events.governance import FrameworkVersionPublished, OrganisationRegistered
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    OrganisationRegistered: organisations.on_registered,
    RelationshipChanged: relationships.KEEP_RELATIONSHIPS,  # who sees a person's training plan
    DelegationAccepted: plans.on_delegation_accepted,
    TaskDelegated: plans.on_task_delegated,
    DelegationEnded: plans.on_delegation_ended,
    NamedWorkerAdded: departures.on_named_worker_added,
    NamedWorkerRemoved: departures.on_named_worker_removed,
    FrameworkVersionPublished: versions.on_framework_version_published,
}
