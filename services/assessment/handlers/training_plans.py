"""R24: the training plan in force for each delegated task, recorded on the support plan."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain.plans import PlanTask
from services.assessment.domain.training_plans import with_training_plan
from services.assessment.handlers.people import locked_person
from services.assessment.handlers.plans import (
    as_plan,
    latest_version,
    save_version,
    task_in_history,
)
from shared.auth import SYSTEM
from shared.events.training import TrainingPlanOnSupportPlan


async def on_training_plan_on_support_plan(
    session: AsyncSession, event: TrainingPlanOnSupportPlan
) -> None:
    """The live task's training plan goes on the person's support plan as a new version."""
    await locked_person(session, event.person_id)
    previous = await latest_version(session, event.person_id)
    task = PlanTask(
        event.delegation_id, event.task_code, event.provider_organisation, event.plan_id
    )
    ever = await task_in_history(session, event.person_id, event.delegation_id) is not None
    new = with_training_plan(as_plan(previous), task, ever)
    if new is None:
        return
    await save_version(
        session,
        SYSTEM,
        event.person_id,
        previous,
        new,
        effective_from=event.in_force_on,
        reason=f"training plan {event.plan_id} covers task {event.task_code}",
    )
