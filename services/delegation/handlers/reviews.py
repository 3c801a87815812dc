"""Reviews (R26): raised on schedule and on a change in need; their outcomes."""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import decisions as check
from services.delegation.domain import proposals as proposal_rules
from services.delegation.domain import reviews as rules
from services.delegation.domain.delegations import RUNNING
from services.delegation.domain.parties import check_decider
from services.delegation.domain.reviews import ReviewState
from services.delegation.handlers import parties, record
from services.delegation.handlers.delegations import (
    delegation_for_update,
    end_delegation,
    facts_of,
)
from services.delegation.handlers.proposals import (
    MDT_RECORD_MISSING,
    catalogue_entry,
    members_of,
    recorded_case,
    risk_of,
    shared_care_rationale,
    task_rules,
)
from services.delegation.handlers.proposals import (
    facts_of as proposal_facts,
)
from services.delegation.handlers.review_due import raise_review
from services.delegation.models import Delegation, Proposal, Review
from services.delegation.queries.catalogue import framework_version_in_force
from services.delegation.schemas.reviews import Reassessment, ReviewOutcomeCreate
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import today
from shared.errors import InvalidInput, NotFound
from shared.events.assessment import NeedChanged
from shared.events.delegation import (
    DecisionOutcome,
    EndReason,
    ReviewOutcome,
    ReviewReason,
)


async def raise_due_reviews(session: AsyncSession) -> int:
    """Scheduler job, R26: three months after the start, then every twelve months."""
    on = today(session)
    due = await session.scalars(
        select(Delegation)
        .where(Delegation.next_review_due <= on, Delegation.status.in_(RUNNING))
        .order_by(Delegation.id)
        .with_for_update(skip_locked=True)
    )
    raised = 0
    for delegation in due.all():
        assert delegation.start_date is not None  # only running delegations have a review due
        start, clock_from = delegation.start_date, delegation.review_clock_from
        for number, due_date in rules.regular_reviews_due(
            start, delegation.regular_reviews_raised, on, delegation.next_review_due, clock_from
        ):
            due_review = rules.Due(due_date, rules.regular_reason(number))
            await raise_review(session, delegation, f"regular-{number}", due_review)
            delegation.regular_reviews_raised = number + 1
            delegation.next_review_due = rules.following(start, number + 1, clock_from, due_date)
            raised += 1
    return raised


async def on_need_changed(session: AsyncSession, event: NeedChanged) -> None:
    """R26, R8: a change in need makes a review due at once; a significant one needs an MDT."""
    running = await session.scalars(
        select(Delegation)
        .where(Delegation.person_id == event.person_id, Delegation.status.in_(RUNNING))
        .order_by(Delegation.id)
        .with_for_update()
    )
    for delegation in running.all():
        due = rules.Due(event.recorded_on, ReviewReason.CHANGE_IN_NEED, event.significant)
        await raise_review(session, delegation, f"need-{event.change_id}", due)


async def complete_review(
    session: AsyncSession, actor: CurrentUser, review_id: uuid.UUID, body: ReviewOutcomeCreate
) -> Review:
    """R26, R29: the review's outcome, by the MDT's organisations or the oversight owner;
    changed minutes re-apportion funding (R19), end ends it; an outcome that keeps the task
    delegated passes the decision check again (R10-R13)."""
    review = await session.scalar(select(Review).where(Review.id == review_id).with_for_update())
    if review is None:
        raise NotFound(f"no review {review_id}")
    delegation = await delegation_for_update(session, review.delegation_id, actor)
    facts = facts_of(delegation)
    owner = facts.oversight.owner if facts.oversight else None
    check_decider(actor.organisation, facts.mdt_organisations, owner, "record a review's outcome")
    if body.reassessment is not None:
        await parties.check_members(session, body.reassessment.members, "reassessment.members")
    outcome = rules.Outcome(body.outcome, body.additional_minutes_per_week)
    on = today(session)
    version = (await framework_version_in_force(session, on)).version
    transition = rules.complete(
        rules.Review(review.id, ReviewState(review.status)), facts, outcome, on, version
    )
    if rules.continues(outcome):
        case = await recheck(session, review, delegation, body.reassessment)
        replan(delegation, case, rules.minutes_to_plan(outcome), body)
    delegation.additional_minutes_per_week = rules.minutes_after(facts, outcome)
    review.completed_on, review.outcome, review.notes = on, body.outcome, body.notes
    restarted = rules.restart_clock(
        delegation.regular_reviews_raised, delegation.next_review_due, on
    )
    if restarted is not None:  # R26: the next regular review is twelve months from this one
        delegation.review_clock_from, delegation.next_review_due = on, restarted
    review.framework_version = version
    await record(session, review, transition)
    await audit(session, actor, "review.complete", review.id, body.outcome)
    if body.outcome is ReviewOutcome.END:
        reason = body.end_reason_code or EndReason.ENDED_AT_REVIEW
        await end_delegation(session, actor, delegation, reason, body.notes)
    return review


async def recheck(
    session: AsyncSession, review: Review, delegation: Delegation, found: Reassessment | None
) -> check.Case:
    """R8, R10-R13: the task goes on only as the catalogue in force today allows, on the MDT's
    reassessment (required after a significant change in need) or else on its recorded facts."""
    if review.mdt_reassessment and found is None:
        raise InvalidInput("reassessment", "a significant change in need needs the MDT (R8)")
    proposal = await session.get(Proposal, delegation.proposal_id)
    assert proposal is not None  # a delegation comes only from a proposal
    task = task_rules(await catalogue_entry(session, delegation.task_code))
    if found is not None:
        case: check.Case | None = proposal_rules.case_of(
            proposal_facts(proposal), task, reassessed(found)
        )
        review.reassessment = found.model_dump(mode="json")
    else:
        rationale = await shared_care_rationale(session, proposal.id)
        case = await recorded_case(session, proposal, task, rationale)
    if case is None:
        raise MDT_RECORD_MISSING.violation()
    # R19 is asked of the review's own minutes (`replan`), not of the first decision's again
    terms = check.check(replace(case, minutes_to_plan=0))
    if found is not None:
        delegation.section_22_met, delegation.funding_basis = terms.section_22_met, terms.funding
        delegation.oversight_interval_days = case.risk.oversight_interval_days
    return case


def replan(
    delegation: Delegation, case: check.Case, minutes: int, body: ReviewOutcomeCreate
) -> None:
    """R19: changed minutes need the new support plan the MDT agreed at the review."""
    plan = body.new_support_plan
    agreed = None if plan is None else check.SupportPlanRef(plan.plan_id, plan.version)
    check.check(replace(case, minutes_to_plan=minutes, new_support_plan=agreed))
    if agreed is not None:
        delegation.support_plan_id, delegation.support_plan_version = agreed.plan_id, agreed.version


def reassessed(found: Reassessment) -> proposal_rules.MdtDecision:
    s22 = found.section_22
    return proposal_rules.MdtDecision(
        outcome=DecisionOutcome.APPROVED,
        members=members_of(found.members),
        risk=risk_of(found.risk),
        best_interests=found.best_interests,
        section_22=None
        if s22 is None
        else check.Section22Test(
            s22.merely_incidental_or_ancillary, s22.of_a_nature_a_local_authority_could_provide
        ),
        clinical_justification=found.clinical_justification,
        section_22_funding=found.section_22_funding,
    )
