"""The events the governance service reacts to, and its handler for each."""

from services.governance.handlers import disputes, monitoring, shared_care, webhooks
from shared import organisations, relationships
from shared.events.assessment import EqualityReportCompiled, RelationshipChanged
from shared.events.delegation import (
    DelegationDecided,
    DelegationEnded,
    SharedCareRequested,
    TaskDelegated,
)
from shared.events.funding import DisputeRaised, DisputeSettled
from shared.events.governance import OrganisationRegistered
from shared.events.training import CompetenceAssessed
from shared.inbox import Subscriptions

OWN: Subscriptions = {
    OrganisationRegistered: organisations.on_registered,
    RelationshipChanged: relationships.KEEP_RELATIONSHIPS,
    SharedCareRequested: shared_care.on_shared_care_requested,
    DisputeRaised: disputes.on_dispute_raised,
    EqualityReportCompiled: monitoring.on_equality_report_compiled,
    CompetenceAssessed: monitoring.on_competence_assessed,
    DelegationDecided: shared_care.on_delegation_decided,
    TaskDelegated: monitoring.on_task_delegated,
    DelegationEnded: monitoring.on_delegation_ended,
    DisputeSettled: monitoring.on_dispute_settled,
}

# Each event type published to partners by webhook is also offered to their endpoints, in the
# same transaction as its intake (services.governance.domain.webhooks.PARTNER_EVENTS).
SUBSCRIPTIONS: Subscriptions = webhooks.with_partner_deliveries(OWN)
