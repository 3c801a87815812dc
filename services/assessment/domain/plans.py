"""R7 consent and versioned support plans: a new version never overwrites the old."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.assessment import ConsentGivenBy


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


@dataclass(frozen=True)
class Plan:
    """One version of a person's support plan."""

    version: int = 0
    visits: Visits | None = None
    provider_organisation: str | None = None
    tasks: tuple[PlanTask, ...] = ()
    consent_ids: tuple[UUID, ...] = ()

    @property
    def task_codes(self) -> list[str]:
        return [t.task_code for t in self.tasks]


def next_version(plan: Plan, based_on_version: int | None = None) -> int:
    """A new version follows the latest; a writer who saw an older version loses (409)."""
    if based_on_version is not None and based_on_version != plan.version:
        raise Conflict(
            f"the support plan is at version {plan.version}, not {based_on_version}",
            current_version=plan.version,
        )
    return plan.version + 1


def with_task(plan: Plan, task: PlanTask) -> Plan | None:
    """The plan with a delegated task added; None when it is already there."""
    if any(t.delegation_id == task.delegation_id for t in plan.tasks):
        return None
    return replace(plan, version=next_version(plan), tasks=(*plan.tasks, task))


def without_task(plan: Plan, delegation_id: UUID) -> Plan | None:
    """The plan with a delegation's task removed; None when it is not there."""
    kept = tuple(t for t in plan.tasks if t.delegation_id != delegation_id)
    return None if kept == plan.tasks else replace(plan, version=next_version(plan), tasks=kept)


@dataclass(frozen=True)
class ConsentFact:
    consent_id: UUID
    task_code: str
    delegation_id: UUID | None
    withdrawn: bool


def consent_url(person_id: UUID, consent_id: UUID) -> str:
    return f"/people/{person_id}/consents/{consent_id}"


def may_record_consent(
    person_id: UUID,
    task_code: str,
    delegation_id: UUID | None,
    given_on: date,
    today: date,
    existing: Sequence[ConsentFact],
) -> None:
    """R7: consent to one task, by the person or a lawful representative, once while in force."""
    if given_on > today:
        raise InvalidInput("given_on", "cannot be in the future")
    same_task = (task_code, delegation_id)
    for fact in existing:
        if not fact.withdrawn and (fact.task_code, fact.delegation_id) == same_task:
            raise Conflict(
                "consent to this task is already recorded and in force",
                rule="R7",
                existing=consent_url(person_id, fact.consent_id),
            )


NEEDS_AUTHORITY = {
    ConsentGivenBy.LASTING_POWER_OF_ATTORNEY: "the registered health and welfare LPA",
    ConsentGivenBy.COURT_DEPUTY: "the Court of Protection order",
}


def lawful_basis(
    given_by: ConsentGivenBy,
    authority_reference: str | None,
    capacity_assessed_on: date | None,
    given_on: date,
) -> None:
    """R7: a representative's consent shows its lawful basis (MCA 2005)."""
    if given_by in NEEDS_AUTHORITY and not authority_reference:
        raise _missing(
            "authority_reference",
            f"consent by a {given_by.value.replace('_', ' ')} needs the reference of "
            f"{NEEDS_AUTHORITY[given_by]}",
        )
    if given_by is ConsentGivenBy.BEST_INTERESTS_DECISION:
        if capacity_assessed_on is None:
            raise _missing(
                "capacity_assessed_on",
                "a best-interests decision follows an assessment that the person lacks capacity",
            )
        if capacity_assessed_on > given_on:
            raise InvalidInput("capacity_assessed_on", "must be on or before given_on")


def _missing(field: str, why: str) -> RuleViolation:
    return RuleViolation("R7", why, errors=[{"field": field, "reason": why}])


def may_withdraw(fact: ConsentFact, given_on: date, withdrawn_on: date, today: date) -> None:
    """R7: only consent in force can be withdrawn, on or after the day it was given."""
    if fact.withdrawn:
        raise Conflict("this consent is already withdrawn", rule="R7")
    if withdrawn_on > today:
        raise InvalidInput("withdrawn_on", "cannot be in the future")
    if withdrawn_on < given_on:
        raise InvalidInput("withdrawn_on", "cannot be before consent was given")
