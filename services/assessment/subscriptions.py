"""The events the assessment service reacts to, and its handler for each."""

from services.assessment.handlers import consents, equality, plans
from shared import organisations
from shared.events.delegation import (
    DelegationDecided,
    DelegationEnded,
    DelegationResumed,
    ProposalSubmitted,
    SharedCareRequested,
    TaskDelegated,
)
from shared.events.funding import DisputeRaised
from shared.events.governance import EqualityReportRequested, OrganisationRegistered
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    OrganisationRegistered: organisations.on_registered,
    TaskDelegated: consents.on_task_delegated,
    DelegationEnded: plans.on_delegation_ended,
    DelegationResumed: consents.on_delegation_resumed,
    ProposalSubmitted: equality.on_proposal_submitted,
    DelegationDecided: equality.on_delegation_decided,
    SharedCareRequested: equality.on_shared_care_requested,
    DisputeRaised: equality.on_dispute_raised,
    EqualityReportRequested: equality.on_equality_report_requested,
}
