"""R24: the support plan identifies, for each delegated task, the training plan that covers it.

The training service announces the plan in force when the task goes live; that news and the
task's own (`TaskDelegated`) arrive in either order, so whichever comes first puts the task on
the plan and the training plan is recorded on it once.
"""

from dataclasses import replace

from services.assessment.domain.plans import Plan, PlanTask, next_version


def with_training_plan(plan: Plan, task: PlanTask, ever_on_plan: bool) -> Plan | None:
    """The plan with the task's training plan recorded (the live task added if not there yet);
    None when nothing changes, or when the task was on the plan and has left it (it ended)."""
    on_plan = [t for t in plan.tasks if t.delegation_id == task.delegation_id]
    if not on_plan:
        if ever_on_plan:
            return None
        return replace(plan, version=next_version(plan), tasks=(*plan.tasks, task))
    if on_plan[0].training_plan_id == task.training_plan_id:
        return None
    tasks = tuple(
        replace(t, training_plan_id=task.training_plan_id)
        if t.delegation_id == task.delegation_id
        else t
        for t in plan.tasks
    )
    return replace(plan, version=next_version(plan), tasks=tasks)
