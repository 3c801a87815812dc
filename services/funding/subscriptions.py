"""The events the funding service reacts to, and its handler for each."""

from services.funding.handlers import apportionment, disputes, handbacks, versions
from shared import organisations, relationships
from shared.events.assessment import RelationshipChanged
from shared.events.delegation import (
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    HandbackClosed,
    HandbackOpened,
    ReviewCompleted,
    TaskDelegated,
)
from shared.events.governance import (
    DisputeResolved,
    FrameworkVersionPublished,
    OrganisationRegistered,
)
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    OrganisationRegistered: organisations.on_registered,
    RelationshipChanged: relationships.KEEP_RELATIONSHIPS,
    TaskDelegated: apportionment.on_task_delegated,
    ReviewCompleted: apportionment.on_review_completed,
    DelegationSuspended: apportionment.on_delegation_suspended,
    DelegationEnded: apportionment.on_delegation_ended,
    DelegationResumed: apportionment.on_delegation_resumed,
    HandbackOpened: handbacks.on_handback_opened,
    HandbackClosed: handbacks.on_handback_closed,
    DisputeResolved: disputes.on_dispute_resolved,
    FrameworkVersionPublished: versions.on_framework_version_published,
}
