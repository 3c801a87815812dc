"""R7 consent: given to one delegated task, withdrawn beside it, never erased.

A consent is given, then perhaps withdrawn; withdrawal is its one transition. It is given for one
delegation, or for delegations of the task to one provider, or task-wide. The latter two are
open only until a delegation goes live under them: then they are linked to it and cover that
delegation alone, never a later delegation of the task to another provider.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from shared.dates import not_in_future
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events import Event
from shared.events.assessment import (
    ConsentGivenBy,
    ConsentLinked,
    ConsentRecorded,
    ConsentWithdrawn,
)
from shared.lifecycle import Lifecycle


class ConsentState(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ConsentCommand(StrEnum):
    WITHDRAW = "withdrawn"


CONSENT: Lifecycle[ConsentState, ConsentCommand] = Lifecycle(
    "consent", {(ConsentState.GIVEN, ConsentCommand.WITHDRAW): ConsentState.WITHDRAWN}
)


@dataclass(frozen=True)
class ConsentFact:
    consent_id: UUID
    task_code: str
    delegation_id: UUID | None
    withdrawn: bool
    provider_organisation: str | None = None
    linked_delegation_id: UUID | None = None

    @property
    def state(self) -> ConsentState:
        return ConsentState.WITHDRAWN if self.withdrawn else ConsentState.GIVEN

    @property
    def covers(self) -> UUID | None:
        """The one delegation this consent covers, once it names or is linked to one."""
        return self.delegation_id or self.linked_delegation_id

    @property
    def scope(self) -> tuple[str, UUID | str | None]:
        """What the consent is for: one delegation, else a provider, else (None) the task."""
        return (self.task_code, self.covers or self.provider_organisation)

    def open_to(self, task_code: str, provider_organisation: str) -> bool:
        """R7: not yet bound to a delegation, and given for this task and this provider."""
        return (
            self.state is ConsentState.GIVEN
            and self.covers is None
            and self.task_code == task_code
            and self.provider_organisation in (None, provider_organisation)
        )


@dataclass(frozen=True)
class Given:
    """What is asked: consent to one task, by whom, on what basis, on what day."""

    person_id: UUID
    consent_id: UUID
    task_code: str
    delegation_id: UUID | None
    provider_organisation: str | None
    given_by: ConsentGivenBy
    authority_reference: str | None
    capacity_assessed_on: date | None
    given_on: date


Decision = tuple[ConsentState, list[Event]]


def consent_url(person_id: UUID, consent_id: UUID) -> str:
    return f"/people/{person_id}/consents/{consent_id}"


def give(asked: Given, today: date, existing: Sequence[ConsentFact]) -> Decision:
    """R7: consent given lawfully to a task with none in force is recorded and published."""
    lawful_basis(
        asked.given_by, asked.authority_reference, asked.capacity_assessed_on, asked.given_on
    )
    may_record_consent(
        asked.person_id,
        asked.task_code,
        asked.delegation_id,
        asked.given_on,
        today,
        existing,
        provider_organisation=asked.provider_organisation,
    )
    recorded = ConsentRecorded(
        person_id=asked.person_id,
        consent_id=asked.consent_id,
        task_code=asked.task_code,
        delegation_id=asked.delegation_id,
        given_by=asked.given_by,
        given_on=asked.given_on,
        provider_organisation=asked.provider_organisation,
    )
    return ConsentState.GIVEN, [recorded]


def withdraw(
    person_id: UUID, fact: ConsentFact, given_on: date, withdrawn_on: date, today: date
) -> Decision:
    """R7: consent in force is withdrawn from a day on or after it was given; the delegation
    stops."""
    may_withdraw(fact, given_on, withdrawn_on, today)
    withdrawn = ConsentWithdrawn(
        person_id=person_id,
        consent_id=fact.consent_id,
        task_code=fact.task_code,
        delegation_id=fact.delegation_id,
        withdrawn_on=withdrawn_on,
        provider_organisation=fact.provider_organisation,
        linked_delegation_id=fact.linked_delegation_id,
    )
    return CONSENT.next(fact.state, ConsentCommand.WITHDRAW), [withdrawn]


@dataclass(frozen=True)
class WentLive:
    """A delegation of a task to a provider went live for the person (TaskDelegated)."""

    person_id: UUID
    delegation_id: UUID
    task_code: str
    provider_organisation: str
    on: date


def link(went_live: WentLive, existing: Sequence[ConsentFact]) -> list[ConsentLinked]:
    """R7: every consent in force still open to this task and provider is now this delegation's."""
    return [
        ConsentLinked(
            person_id=went_live.person_id,
            consent_id=fact.consent_id,
            task_code=went_live.task_code,
            delegation_id=went_live.delegation_id,
            provider_organisation=went_live.provider_organisation,
            linked_on=went_live.on,
        )
        for fact in existing
        if fact.open_to(went_live.task_code, went_live.provider_organisation)
    ]


def may_record_consent(
    person_id: UUID,
    task_code: str,
    delegation_id: UUID | None,
    given_on: date,
    today: date,
    existing: Sequence[ConsentFact],
    provider_organisation: str | None = None,
) -> None:
    """R7: consent to one task, by the person or a lawful representative, once while in force
    for the same delegation, provider or (open) task."""
    not_in_future("given_on", given_on, today)
    same_scope = (task_code, delegation_id or provider_organisation)
    for fact in existing:
        if fact.state is ConsentState.GIVEN and fact.scope == same_scope:
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
    if not CONSENT.allows(fact.state, ConsentCommand.WITHDRAW):
        raise Conflict("this consent is already withdrawn", rule="R7", state=str(fact.state))
    not_in_future("withdrawn_on", withdrawn_on, today)
    if withdrawn_on < given_on:
        raise InvalidInput("withdrawn_on", "cannot be before consent was given")
