"""R14: Shared Care discussions open on the MDT's request; their decisions become precedents."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.governance.domain import shared_care
from services.governance.handlers import monitoring
from services.governance.handlers.monitoring import record_fact
from services.governance.models import CaseExample, SharedCareDiscussion
from services.governance.schemas.shared_care import DecisionCreate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import NotFound
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    SharedCareQuestion,
    SharedCareRequested,
)
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Direction, Setting, TaskCategory
from shared.outbox import publish
from shared.relationships import related


async def on_shared_care_requested(session: AsyncSession, event: SharedCareRequested) -> None:
    """R14: the MDT could not agree; a Shared Care discussion opens with its question."""
    opened = await session.scalar(
        select(SharedCareDiscussion.discussion_id).where(
            SharedCareDiscussion.proposal_id == event.proposal_id
        )
    )
    if opened is not None:
        return  # the same proposal's request, sent again
    discussion = SharedCareDiscussion(
        discussion_id=uuid.uuid4(),
        proposal_id=event.proposal_id,
        person_id=event.person_id,
        task_code=event.task_code,
        category=event.category,
        direction=event.direction,
        setting=event.setting,
        question=event.question,
        positions=list(event.positions),
        question_code=event.question_code.value if event.question_code else None,
        stances=[s.model_dump(mode="json") for s in event.stances] or None,
        opened_at=now(session),
    )
    session.add(discussion)
    await session.flush()
    on = today(session)
    await record_fact(session, f"shared-care-{event.proposal_id}", "shared_care_requested", on)
    await audit(session, SYSTEM, "shared_care.open", discussion.discussion_id, event.task_code)


async def record_decision(
    session: AsyncSession, actor: CurrentUser, discussion_id: uuid.UUID, body: DecisionCreate
) -> SharedCareDiscussion:
    """R14: document the decision, share it (event) and keep it as a case example; decided by
    an organisation with a legitimate relationship with the person (the MDT's)."""
    row = await session.get(SharedCareDiscussion, discussion_id)
    if row is None or not await related(session, actor.organisation, row.person_id):
        raise NotFound(f"no Shared Care discussion {discussion_id}")
    decision = shared_care.Decision(
        decision=body.decision,
        conditions=body.conditions,
        rationale=body.rationale,
        circumstances=body.circumstances,
        participants=[shared_care.Participant(**p.model_dump()) for p in body.participants],
        decided_on=today(session),
        summary=body.summary,
    )
    _, event, example = shared_care.decide(_discussion(row), decision)
    row.decision, row.conditions, row.rationale = body.decision, body.conditions, body.rationale
    row.circumstances, row.decided_on = body.circumstances, decision.decided_on
    row.participants = [p.model_dump() for p in body.participants]
    row.decided_by = actor.user_id
    precedent = _case_example(example)
    row.case_example_id = precedent.case_example_id
    session.add(precedent)
    await publish(session, event)
    await audit(session, actor, "shared_care.decide", discussion_id, body.decision.value)
    return row


async def on_delegation_decided(session: AsyncSession, event: DelegationDecided) -> None:
    """Monitoring of each decision (R29); a Shared Care decision refused on a rule is kept (R14)."""
    await monitoring.on_delegation_decided(session, event)
    if event.outcome is DecisionOutcome.REFUSED:
        await _record_refusal(session, event)


async def _record_refusal(session: AsyncSession, event: DelegationDecided) -> None:
    """R14, R10-R12: the discussion, and its case example, say the delegation was refused and
    on which rule; the IPCB's monitoring counts it under the Framework version in force."""
    row = await session.scalar(
        select(SharedCareDiscussion).where(SharedCareDiscussion.proposal_id == event.proposal_id)
    )
    if row is None:
        return  # an MDT refusal: no Shared Care discussion was held
    decision = SharedCareDecision(row.decision) if row.decision else None
    status = shared_care.record_refusal(_discussion(row).status, decision, event.rule)
    if status is None:
        return
    row.refused_on, row.refusal_rule = event.decided_on, event.rule
    example = await session.get(CaseExample, row.case_example_id) if row.case_example_id else None
    if example is not None:
        example.refusal_rule = event.rule
    fact = f"shared-care-refused-{event.proposal_id}"
    kind = "shared_care_refused"
    await record_fact(session, fact, kind, event.decided_on, event.framework_version, event.rule)
    await audit(session, SYSTEM, "shared_care.refused", row.discussion_id, event.rule)


def _discussion(row: SharedCareDiscussion) -> shared_care.Discussion:
    return shared_care.Discussion(
        discussion_id=row.discussion_id,
        proposal_id=row.proposal_id,
        person_id=row.person_id,
        task_code=row.task_code,
        category=TaskCategory(row.category),
        direction=Direction(row.direction),
        setting=Setting(row.setting),
        question=row.question,
        positions=row.positions,
        status=shared_care.discussion_status(row.decision is not None, row.refused_on is not None),
        question_code=SharedCareQuestion(row.question_code) if row.question_code else None,
    )


def _case_example(example: shared_care.CaseExample) -> CaseExample:
    return CaseExample(
        case_example_id=uuid.uuid4(),
        task_code=example.task_code,
        category=example.category,
        direction=example.direction,
        setting=example.setting,
        question_code=example.question_code,
        decision=SharedCareDecision(example.decision),
        disciplines=list(example.disciplines),
        summary=example.summary,
        decided_on=example.decided_on,
    )
