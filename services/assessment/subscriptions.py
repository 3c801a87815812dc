"""The events the assessment service reacts to, and its handler for each."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.handlers import consents, equality, plans, relationships, training_plans
from shared import organisations
from shared.events.delegation import (
    DelegationDecided,
    DelegationDeclined,
    DelegationEnded,
    DelegationResumed,
    OversightTransferred,
    ProposalSubmitted,
    SharedCareRequested,
    TaskDelegated,
)
from shared.events.funding import (
    DisputeRaised,
    DisputeSettled,
    FundingApportioned,
    JointPackageAgreed,
    JointPackageEnded,
    WithoutPrejudiceSettled,
)
from shared.events.governance import EqualityReportRequested, OrganisationRegistered
from shared.events.training import TrainingPlanOnSupportPlan
from shared.inbox import Handler, Subscriptions


def each(*handlers: Handler) -> Handler:
    """Several reactions to one event, in this order, in its one transaction."""

    async def react(session: AsyncSession, event: Any) -> None:
        for handler in handlers:
            await handler(session, event)

    return react


SUBSCRIPTIONS: Subscriptions = {
    OrganisationRegistered: organisations.on_registered,
    TaskDelegated: each(consents.on_task_delegated, relationships.on_task_delegated),
    DelegationEnded: each(plans.on_delegation_ended, relationships.on_delegation_ended),
    DelegationDeclined: relationships.on_delegation_declined,
    DelegationResumed: consents.on_delegation_resumed,
    OversightTransferred: relationships.on_oversight_transferred,
    ProposalSubmitted: each(equality.on_proposal_submitted, relationships.on_proposal_submitted),
    DelegationDecided: each(equality.on_delegation_decided, relationships.on_delegation_decided),
    SharedCareRequested: equality.on_shared_care_requested,
    DisputeRaised: each(equality.on_dispute_raised, relationships.on_dispute_raised),
    DisputeSettled: relationships.on_dispute_settled,
    JointPackageAgreed: relationships.on_joint_package_agreed,
    JointPackageEnded: relationships.on_joint_package_ended,
    FundingApportioned: relationships.on_funding_apportioned,
    WithoutPrejudiceSettled: relationships.on_without_prejudice_settled,
    EqualityReportRequested: equality.on_equality_report_requested,
    TrainingPlanOnSupportPlan: training_plans.on_training_plan_on_support_plan,  # R24
}
