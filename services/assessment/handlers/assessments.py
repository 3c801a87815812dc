"""Needs assessments (R4, R5, R6) and changes in need (R8)."""

import uuid
from fractions import Fraction
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain import assessments as rules
from services.assessment.domain import eligibility
from services.assessment.handlers import relationships
from services.assessment.handlers.people import locked_person
from services.assessment.models import Assessment, NeedChange
from services.assessment.schemas.assessments import (
    AssessmentCreate,
    EligibilityWrite,
    NeedChangeCreate,
)
from services.assessment.settings import Settings
from shared.access import may_act_on
from shared.audit import audit
from shared.auth import CurrentUser
from shared.dates import not_in_future
from shared.db import now, today
from shared.errors import Conflict, InvalidInput
from shared.events.assessment import HealthCondition, HealthPurpose
from shared.events.vocabulary import RelationshipBasis
from shared.outbox import publish


async def record_assessment(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    body: AssessmentCreate,
    break_glass: str | None = None,
) -> Assessment:
    """R6: one current assessment of a kind, reused by every partner; R8 opens the way to more.
    The assessing organisation holds a relationship with the person from now; a registered
    practitioner of an organisation without one yet (a referral) states why (break-glass)."""
    organisation = rules.assessing_organisation(actor.organisation, body.partner_organisation)
    await may_act_on(session, actor, person_id, break_glass)
    await locked_person(session, person_id)
    current = await session.scalar(
        select(Assessment).where(
            Assessment.person_id == person_id,
            Assessment.kind == body.kind,
            Assessment.superseded_by.is_(None),
        )
    )
    follows = await _change_followed(session, person_id, body)
    superseded = rules.supersede(
        None
        if current is None
        else rules.CurrentAssessment(current.id, person_id, current.recorded_at),
        follows,
    )
    at, on = now(session), today(session)
    assessment = Assessment(
        id=uuid.uuid4(),
        person_id=person_id,
        kind=body.kind.value,
        assessed_by=actor.user_id,
        assessor_role=actor.role.value,
        partner_organisation=organisation,
        assessed_on=not_in_future("assessed_on", body.assessed_on or on, on),
        recorded_at=at,
        health_needs=[
            {"need_id": str(uuid.uuid4()), **n.model_dump(mode="json")} for n in body.health_needs
        ],
        social_care_needs=[n.model_dump(mode="json") for n in body.social_care_needs],
        eligibility=body.eligibility and determination(body.eligibility, Settings.of(session)),
        follows_change_id=body.follows_change_id,
    )
    if current is not None and superseded is rules.AssessmentState.SUPERSEDED:
        current.superseded_by = assessment.id
        await session.flush()  # the old one stops being current before the new one is
    session.add(assessment)
    await session.flush()
    await publish(session, rules.needs_assessed(assessed(assessment, current)))
    assessing = (organisation, RelationshipBasis.ASSESSED)
    await relationships.start(session, person_id, assessing, assessment.id, at)
    await audit(session, actor, f"assessment.{body.kind.value}.record", assessment.id)
    return assessment


def assessed(assessment: Assessment, superseded: Assessment | None) -> rules.Assessed:
    return rules.Assessed(
        person_id=assessment.person_id,
        assessment_id=assessment.id,
        kind=rules.AssessmentKind(assessment.kind),
        partner_organisation=assessment.partner_organisation,
        assessed_on=assessment.assessed_on,
        health_needs=tuple(
            rules.HealthNeed(
                need_id=UUID(n["need_id"]),
                purpose=HealthPurpose(n["purpose"]),
                relates_to=HealthCondition(n["relates_to"]),
                requires_health_professional=n["requires_health_professional"],
                task_codes=tuple(n.get("task_codes", ())),
            )
            for n in assessment.health_needs
        ),
        supersedes=superseded.id if superseded is not None else None,
    )


async def _change_followed(
    session: AsyncSession, person_id: UUID, body: AssessmentCreate
) -> rules.RecordedChange | None:
    if body.follows_change_id is None:
        return None
    change = await session.get(NeedChange, body.follows_change_id)
    if change is None or change.person_id != person_id:
        raise InvalidInput("follows_change_id", "no such change in need for this person")
    used = await session.scalar(
        select(Assessment.id).where(
            Assessment.follows_change_id == change.id, Assessment.kind == body.kind
        )
    )
    return rules.RecordedChange(change.id, change.recorded_at, already_followed=used is not None)


def determination(body: EligibilityWrite, settings: Settings) -> dict[str, Any]:
    """R5: the inputs and the determination, kept together on the assessment."""
    observations = [
        eligibility.observation(
            o.observed_on, {oo.outcome: oo.reasons for oo in o.outcomes if oo.unable}
        )
        for o in body.observations
    ]
    decided = eligibility.determine_eligibility(
        arise_from_impairment_or_illness=body.needs_arise_from_impairment_or_illness,
        observations=observations,
        significant_impact_on_wellbeing=body.significant_impact_on_wellbeing,
        share=Fraction(settings.fluctuating_unable_share_percent, 100),
    )
    return {
        **body.model_dump(mode="json"),
        "determination": {
            "eligible": decided.eligible,
            "failed_conditions": [c.value for c in decided.failed_conditions],
            "unable_outcomes": {
                o.value: sorted(r.value for r in reasons)
                for o, reasons in decided.unable_outcomes.items()
            },
            "observations": decided.observations,
        },
    }


async def record_need_change(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    body: NeedChangeCreate,
    idempotency_key: str | None = None,
) -> tuple[NeedChange, bool]:
    """R8: a change in need, at any time; True when this call recorded it (not a repeat)."""
    await may_act_on(session, actor, person_id)
    repeated = await _repeated_change(session, person_id, idempotency_key)
    if repeated is not None:
        return repeated, False
    await locked_person(session, person_id)
    at, on = now(session), today(session)
    change = NeedChange(
        id=uuid.uuid4(),
        person_id=person_id,
        significant=body.significant,
        description=body.description,
        recorded_on=not_in_future("recorded_on", body.recorded_on or on, on),
        recorded_at=at,
        recorded_by=actor.user_id,
        idempotency_key=idempotency_key,
    )
    session.add(change)
    await session.flush()
    await publish(
        session, rules.need_changed(person_id, change.id, change.significant, change.recorded_on)
    )
    kind = "significant" if change.significant else "minor"
    await audit(session, actor, f"need.change.{kind}", change.id, body.description)
    return change, True


async def _repeated_change(
    session: AsyncSession, person_id: UUID, idempotency_key: str | None
) -> NeedChange | None:
    if idempotency_key is None:
        return None
    repeated = await session.scalar(
        select(NeedChange).where(NeedChange.idempotency_key == idempotency_key)
    )
    if repeated is not None and repeated.person_id != person_id:
        raise Conflict("this Idempotency-Key was used for another person")
    return repeated
