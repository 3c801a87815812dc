"""Versioned support plans: a new version never overwrites the old, it supersedes it.

A version is current until the next one supersedes it. The plan's version number is its
compare-and-set: version n+1 is written once (a unique key), so of two writers who both read
version n, one wins and the other gets a 409.
"""

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.assessment.domain.consents import ConsentFact
from shared.errors import Conflict
from shared.events.assessment import SupportPlanVersioned
from shared.lifecycle import Lifecycle


class PlanVersionState(StrEnum):
    CURRENT = "current"
    SUPERSEDED = "superseded"


class PlanCommand(StrEnum):
    SUPERSEDE = "superseded"


PLAN_VERSION: Lifecycle[PlanVersionState, PlanCommand] = Lifecycle(
    "support plan version",
    {(PlanVersionState.CURRENT, PlanCommand.SUPERSEDE): PlanVersionState.SUPERSEDED},
)


@dataclass(frozen=True)
class Visits:
    """Commissioned visits: how many a day, how long each, how many days a week."""

    visits_per_day: int
    minutes_per_visit: int
    days_per_week: int


@dataclass(frozen=True)
class PlanTask:
    delegation_id: UUID
    task_code: str
    provider_organisation: str
    training_plan_id: UUID | None = None  # R24: the training plan in force that covers it


@dataclass(frozen=True)
class Plan:
    """One version of a person's support plan (version 0: none yet)."""

    version: int = 0
    visits: Visits | None = None
    provider_organisation: str | None = None
    tasks: tuple[PlanTask, ...] = ()
    consent_ids: tuple[UUID, ...] = ()

    @property
    def task_codes(self) -> list[str]:
        return [t.task_code for t in self.tasks]

    @property
    def state(self) -> PlanVersionState:
        """The latest version is the current one (version 0 stands for no plan yet)."""
        return PlanVersionState.CURRENT


def next_version(plan: Plan, based_on_version: int | None = None) -> int:
    """A new version supersedes the latest; a writer who saw an older version loses (409)."""
    if based_on_version is not None and based_on_version != plan.version:
        raise Conflict(
            f"the support plan is at version {plan.version}, not {based_on_version}",
            current_version=plan.version,
        )
    if plan.version:
        PLAN_VERSION.next(plan.state, PlanCommand.SUPERSEDE)
    return plan.version + 1


def revised(
    plan: Plan, visits: Visits, provider_organisation: str | None, based_on: int | None
) -> Plan:
    """The commissioned visits and provider change; tasks and consents carry forward."""
    version = next_version(plan, based_on)
    return replace(
        plan, version=version, visits=visits, provider_organisation=provider_organisation
    )


def with_consent(plan: Plan, consent_id: UUID) -> Plan:
    return replace(plan, version=next_version(plan), consent_ids=(*plan.consent_ids, consent_id))


def without_consent(plan: Plan, withdrawn: ConsentFact) -> Plan:
    """R7: withdrawn consent leaves the plan, and so do the tasks it covered (they stop)."""
    kept = tuple(c for c in plan.consent_ids if c != withdrawn.consent_id)
    tasks = tuple(t for t in plan.tasks if not covered_by(t, withdrawn))
    return replace(plan, version=next_version(plan), consent_ids=kept, tasks=tasks)


def covered_by(task: PlanTask, consent: ConsentFact) -> bool:
    """The delegation it names or was linked to; else (given before linking existed) every
    delegation of its task to its provider, or to any provider when it names none."""
    if consent.covers is not None:
        return task.delegation_id == consent.covers
    return task.task_code == consent.task_code and consent.provider_organisation in (
        None,
        task.provider_organisation,
    )


def with_task(plan: Plan, task: PlanTask) -> Plan | None:
    """The plan with a delegated task added; None when it is already there."""
    if any(t.delegation_id == task.delegation_id for t in plan.tasks):
        return None
    return replace(plan, version=next_version(plan), tasks=(*plan.tasks, task))


def without_task(plan: Plan, delegation_id: UUID) -> Plan | None:
    """The plan with a delegation's task removed; None when it is not there."""
    kept = tuple(t for t in plan.tasks if t.delegation_id != delegation_id)
    return None if kept == plan.tasks else replace(plan, version=next_version(plan), tasks=kept)


def versioned(
    person_id: UUID, plan_id: UUID, plan: Plan, effective_from: date
) -> SupportPlanVersioned:
    """The event that a new version is made."""
    return SupportPlanVersioned(
        person_id=person_id,
        plan_id=plan_id,
        version=plan.version,
        task_codes=plan.task_codes,
        effective_from=effective_from,
    )
