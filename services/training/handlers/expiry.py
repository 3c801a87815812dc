"""The worker's scheduler job: expiry warnings at 90, 60 and 30 days, and lapses (R16)."""

from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain import expiry as domain
from services.training.models import CompetenceAssessment, CompetenceWarning
from shared.audit import audit
from shared.auth import SYSTEM
from shared.db import today
from shared.events.training import CompetenceExpiryWarned, CompetenceOutcome
from shared.outbox import publish


def _held(assessment: CompetenceAssessment) -> domain.HeldCompetence:
    assert assessment.valid_until is not None  # a competent outcome always has one
    return domain.HeldCompetence(
        worker_id=assessment.worker_id,
        task_code=assessment.task_code,
        person_id=assessment.person_id,
        provider_organisation=assessment.provider_organisation,
        valid_until=assessment.valid_until,
    )


async def _warned(session: AsyncSession, assessment: CompetenceAssessment) -> set[int]:
    rows = await session.scalars(
        select(CompetenceWarning.days_before).where(
            CompetenceWarning.assessment_id == assessment.id
        )
    )
    return set(rows)


async def _warn(
    session: AsyncSession, assessment: CompetenceAssessment, event: CompetenceExpiryWarned
) -> None:
    session.add(
        CompetenceWarning(
            id=uuid4(),
            assessment_id=assessment.id,
            worker_id=event.worker_id,
            task_code=event.task_code,
            person_id=event.person_id,
            provider_organisation=event.provider_organisation,
            expires_on=event.expires_on,
            days_before=event.days_before,
            warned_on=today(session),
        )
    )
    await publish(session, event)
    await audit(session, SYSTEM, "competence.warn", assessment.id, f"{event.days_before} days")


async def _held_competences(session: AsyncSession) -> list[CompetenceAssessment]:
    """Current competent outcomes not lapsed yet."""
    held = await session.scalars(
        select(CompetenceAssessment)
        .where(
            CompetenceAssessment.current.is_(True),
            CompetenceAssessment.outcome == CompetenceOutcome.COMPETENT.value,
            CompetenceAssessment.lapsed_on.is_(None),
        )
        .order_by(CompetenceAssessment.id)
        .with_for_update()  # jobs running at once take turns; the version still guards the row
    )
    return list(held.all())


async def _lapse(session: AsyncSession, assessment: CompetenceAssessment) -> bool:
    lapsed = domain.lapse_due(_held(assessment), today(session))
    if lapsed is None:
        return False
    assessment.lapsed_on = lapsed.lapsed_on
    await publish(session, lapsed)
    await audit(session, SYSTEM, "competence.lapse", assessment.id)
    return True


async def _warn_if_due(session: AsyncSession, assessment: CompetenceAssessment) -> bool:
    warned = await _warned(session, assessment)
    warning = domain.expiry_warning_due(_held(assessment), today(session), warned)
    if warning is None:
        return False
    await _warn(session, assessment, warning)
    return True


async def competence_expiry_job(session: AsyncSession) -> int:
    """Warn before each current competence expires and lapse it on the day; each notice once."""
    done = 0
    for assessment in await _held_competences(session):
        if await _lapse(session, assessment) or await _warn_if_due(session, assessment):
            done += 1
    await session.flush()
    return done
