"""The worker's scheduler job: expiry warnings at 90, 60 and 30 days, and lapses (R16);
refreshers due, and lapses when one is missed (R25)."""

from datetime import date
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain import expiry as domain
from services.training.domain import refreshers
from services.training.models import (
    CompetenceAssessment,
    CompetenceWarning,
    RefresherNotice,
    Worker,
)
from services.training.queries.plans import plan_intervals
from services.training.queries.refreshers import refreshers_done
from shared.audit import audit
from shared.auth import SYSTEM
from shared.db import today
from shared.events.training import CompetenceExpiryWarned, CompetenceOutcome
from shared.outbox import publish


async def _held(session: AsyncSession, assessment: CompetenceAssessment) -> domain.HeldCompetence:
    assert assessment.valid_until is not None  # a competent outcome always has one
    return domain.HeldCompetence(
        worker_id=assessment.worker_id,
        task_code=assessment.task_code,
        person_id=assessment.person_id,
        provider_organisation=assessment.provider_organisation,
        valid_until=assessment.valid_until,
        refresher_due_on=await _refresher_due_on(session, assessment),
    )


async def _refresher_due_on(session: AsyncSession, assessment: CompetenceAssessment) -> date | None:
    """R25: when the plans in force covering the worker in the task ask for a refresher."""
    intervals = await plan_intervals(
        session, assessment.worker_id, assessment.task_code, assessment.person_id
    )
    if intervals is None:
        return None
    done = await refreshers_done(
        session, assessment.worker_id, assessment.task_code, assessment.person_id
    )
    return refreshers.refresher_due_on(assessment.assessed_on, done, intervals.refresher_months)


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
    """Current competent outcomes not lapsed yet, of workers still with their provider (one
    who left is warned of nothing)."""
    leavers = select(Worker.id).where(Worker.left_on.is_not(None))
    held = await session.scalars(
        select(CompetenceAssessment)
        .where(
            CompetenceAssessment.current.is_(True),
            CompetenceAssessment.outcome == CompetenceOutcome.COMPETENT.value,
            CompetenceAssessment.lapsed_on.is_(None),
            CompetenceAssessment.worker_id.not_in(leavers),
        )
        .order_by(CompetenceAssessment.id)
        .with_for_update()  # jobs running at once take turns; the version still guards the row
    )
    return list(held.all())


async def _lapse(
    session: AsyncSession, assessment: CompetenceAssessment, held: domain.HeldCompetence
) -> bool:
    lapsed = domain.lapse_due(held, today(session))
    if lapsed is None:
        return False
    assessment.lapsed_on = lapsed.lapsed_on
    await publish(session, lapsed)
    await audit(session, SYSTEM, "competence.lapse", assessment.id, lapsed.cause)
    return True


async def _warn_if_due(
    session: AsyncSession, assessment: CompetenceAssessment, held: domain.HeldCompetence
) -> bool:
    warned = await _warned(session, assessment)
    warning = domain.expiry_warning_due(held, today(session), warned)
    if warning is None:
        return False
    await _warn(session, assessment, warning)
    return True


async def _refresher_if_due(
    session: AsyncSession, assessment: CompetenceAssessment, held: domain.HeldCompetence
) -> bool:
    """R25: a refresher falling due is announced once, and listed until it is done."""
    noticed = await session.scalars(
        select(RefresherNotice.due_on).where(RefresherNotice.assessment_id == assessment.id)
    )
    due = domain.refresher_due(held, assessment.id, today(session), set(noticed))
    if due is None:
        return False
    session.add(
        RefresherNotice(
            assessment_id=assessment.id,
            due_on=due.due_on,
            worker_id=due.worker_id,
            task_code=due.task_code,
            person_id=due.person_id,
            provider_organisation=due.provider_organisation,
            noticed_on=today(session),
            done_on=None,
        )
    )
    await publish(session, due)
    await audit(session, SYSTEM, "refresher.due", assessment.id, str(due.due_on))
    return True


async def competence_expiry_job(session: AsyncSession) -> int:
    """Warn before each current competence expires and lapse it on the day; announce each
    refresher due and lapse the competence the day after one is missed (R25); each notice once."""
    done = 0
    for assessment in await _held_competences(session):
        held = await _held(session, assessment)
        if await _lapse(session, assessment, held):
            done += 1
            continue
        warned = await _warn_if_due(session, assessment, held)
        if await _refresher_if_due(session, assessment, held) or warned:
            done += 1
    await session.flush()
    return done
