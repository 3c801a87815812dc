"""R22: CSU dispute cases under the LLR inter-agency resolution policy."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from services.governance.domain import disputes
from services.governance.handlers.monitoring import record_fact
from services.governance.models import DisputeCase, DisputeEvidence
from services.governance.queries.disputes import visible_case
from services.governance.queries.versions import version_number_in_force
from services.governance.schemas.disputes import EvidenceCreate, ResolutionCreate, StageChange
from services.governance.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import NotFound
from shared.events.funding import DisputeRaised, DisputeSubject
from shared.outbox import publish


async def on_dispute_raised(session: AsyncSession, event: DisputeRaised) -> None:
    """R22: a joint-funding dispute opens a case held by the CSU; care continues meanwhile (R20).

    The event's summary is not kept: the case is its structured facts (who raised it, the
    parties, the package, the day), and the parties' evidence comes to the case itself."""
    known = await session.scalar(
        select(DisputeCase.case_id).where(DisputeCase.dispute_id == event.dispute_id)
    )
    if known is not None:
        return
    at = now(session)
    case = DisputeCase(
        case_id=uuid.uuid4(),
        dispute_id=event.dispute_id,
        package_id=event.package_id,
        person_id=event.person_id,
        raised_by=event.raised_by,
        parties=disputes.parties_of(event.raised_by, event.parties),
        held_by=Settings.of(session).dispute_csu,
        reason_code=event.reason_code.value if event.reason_code else None,
        subject_kind=(event.subject_kind or DisputeSubject.JOINT_PACKAGE).value,
        weekly_cost_pence=event.weekly_cost_pence,
        may_not_pay=list(event.may_not_pay),
        raised_on=event.raised_on,
        opened_at=at,
        stage=disputes.Stage.RAISED,  # a case is born raised: no transition leads here
        stage_history=[_history(disputes.Stage.RAISED, SYSTEM, at.isoformat(), "")],
    )
    session.add(case)
    await session.flush()
    await record_fact(session, f"raised-{event.dispute_id}", "dispute_raised", event.raised_on)
    await audit(session, SYSTEM, "dispute_case.open", case.case_id, event.raised_by)


async def move_stage(
    session: AsyncSession, actor: CurrentUser, case_id: uuid.UUID, body: StageChange
) -> DisputeCase:
    """R22: the CSU holding the case moves it to the policy's next stage, with a note of why."""
    case = await visible_case(session, actor, case_id)
    stage = disputes.advance(disputes.Stage(case.stage), body.stage)
    at = now(session).isoformat()
    case.stage = stage
    case.stage_history = [*case.stage_history, _history(stage, actor, at, body.note)]
    await audit(session, actor, f"dispute_case.{stage}", case_id, body.note)
    return case


async def add_evidence(
    session: AsyncSession, actor: CurrentUser, case_id: uuid.UUID, body: EvidenceCreate
) -> DisputeEvidence:
    """R22: a party's evidence is added, by the CSU holding the case (any party's) or by the
    party's own staff (their own only, to their case)."""
    case = await visible_case(session, actor, case_id)
    own_staff = actor.role.value in disputes.PARTY_ROLES
    if own_staff and body.submitted_by != actor.organisation:
        raise NotFound(f"no dispute case {case_id} for {body.submitted_by}")
    disputes.check_evidence(case.parties, disputes.Stage(case.stage), body.submitted_by)
    evidence = DisputeEvidence(
        evidence_id=uuid.uuid4(),
        case_id=case_id,
        **body.model_dump(),
        recorded_at=now(session),
        recorded_by=actor.user_id,
    )
    session.add(evidence)
    flag_modified(case, "stage")  # a compare-and-set on the case: none lands after it resolves
    await session.flush()
    await audit(session, actor, "dispute_case.evidence", case_id, body.submitted_by)
    return evidence


async def resolve(
    session: AsyncSession, actor: CurrentUser, case_id: uuid.UUID, body: ResolutionCreate
) -> DisputeCase:
    """R22: the CSU holding the case records who pays what share from when, and tells funding
    (DisputeResolved)."""
    case = await visible_case(session, actor, case_id)
    on = today(session)
    shares = [s.as_share() for s in body.shares]
    version = await version_number_in_force(session, on)
    stage, event = disputes.resolve(_case(case), shares, body.effective_from, on, version)
    case.stage = stage
    case.stage_history = [*case.stage_history, _history(stage, actor, now(session).isoformat(), "")]
    case.shares = [s.model_dump(mode="json") for s in shares]
    case.effective_from, case.resolved_on = body.effective_from, on
    case.outcome_rationale = body.rationale
    case.framework_version = event.framework_version
    fact = f"resolved-{case.dispute_id}"
    await record_fact(session, fact, "dispute_resolved", on, event.framework_version)
    await publish(session, event)
    await audit(session, actor, "dispute_case.resolve", case_id, body.rationale)
    return case


def _case(case: DisputeCase) -> disputes.Case:
    return disputes.Case(
        case.case_id,
        case.dispute_id,
        case.package_id,
        case.person_id,
        case.parties,
        disputes.Stage(case.stage),
        DisputeSubject(case.subject_kind or DisputeSubject.JOINT_PACKAGE),
        case.weekly_cost_pence,
        tuple(case.may_not_pay or ()),
    )


def _history(stage: disputes.Stage, actor: CurrentUser, at: str, note: str) -> dict[str, Any]:
    return {"stage": stage.value, "at": at, "by": actor.user_id, "note": note}
