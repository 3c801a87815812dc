"""The delegations file: its columns, and a row read as the API's three bodies and the facts
being migrated, every problem named by its column."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.delegation.schemas.delegations import AcceptanceCreate
from services.delegation.schemas.proposals import DecisionCreate, ProposalCreate
from services.onboarding.rows import (
    PART_SEPARATOR,
    FieldProblem,
    Path,
    RowRefused,
    body,
    cell,
    flag,
    items,
)
from shared.events.assessment import ConsentGivenBy

NAMESPACE = uuid.UUID("5f1c3f0e-8a0b-4c1e-9d8e-0a1b2c3d4e5f")  # ids of the migrated facts

PROPOSAL: dict[str, Path] = {
    "person_id": ("person_id",),
    "task_code": ("task_code",),
    "direction": ("direction",),
    "setting": ("setting",),
    "practitioner_professional_body": ("practitioner", "professional_body"),
    "practitioner_registration_number": ("practitioner", "registration_number"),
    "practitioner_competent_in_task": ("practitioner", "competent_in_task"),
    "practitioner_competence_basis": ("practitioner", "competence_basis"),
    "provider_organisation": ("provider_organisation",),
    "frequency": ("frequency",),
    "additional_minutes_per_week": ("additional_minutes_per_week",),
    "contact_arrangements": ("contact_arrangements",),
    "health_need_id": ("health_need_id",),
}
DECISION: dict[str, Path] = {
    "mdt_members": ("members",),
    "person_involved": ("person_involved",),
    "family_or_carers_involved": ("family_or_carers_involved",),
    "person_not_involved_reason": ("person_not_involved_reason",),
    "family_not_involved_reason": ("family_not_involved_reason",),
    "risk_stability": ("risk", "stability"),
    "risk_complexity": ("risk", "complexity"),
    "risk_expected_outcome": ("risk", "expected_outcome"),
    "risk_mitigations": ("risk", "mitigations"),
    "oversight_interval_days": ("risk", "oversight_interval_days"),
    "best_interests": ("best_interests",),
    "s22_merely_incidental_or_ancillary": ("section_22", "merely_incidental_or_ancillary"),
    "s22_of_a_nature_a_local_authority_could_provide": (
        "section_22",
        "of_a_nature_a_local_authority_could_provide",
    ),
    "section_22_funding": ("section_22_funding",),
    "clinical_justification": ("clinical_justification",),
    "new_support_plan_id": ("new_support_plan", "plan_id"),
    "new_support_plan_version": ("new_support_plan", "version"),
}
ACCEPTANCE: dict[str, Path] = {
    "workers": ("worker_ids",),
    "training_confirmed": ("training_confirmed",),
    "supervision_confirmed": ("supervision_confirmed",),
    "insurance_and_indemnity_confirmed": ("insurance_and_indemnity_confirmed",),
}
OTHER = (
    "source_id",
    "proposed_by_organisation",
    "decided_by_organisation",
    "decided_on",
    "started_on",
    "consent_id",
    "consent_given_by",
    "consent_given_on",
    "workers_assessed_on",
    "training_plans_agreed_on",
)
OPTIONAL = {
    "health_need_id",
    "person_not_involved_reason",
    "family_not_involved_reason",
    "oversight_interval_days",
    "s22_merely_incidental_or_ancillary",
    "s22_of_a_nature_a_local_authority_could_provide",
    "section_22_funding",
    "clinical_justification",
    "new_support_plan_id",
    "new_support_plan_version",
    "risk_mitigations",
    "training_plans_agreed_on",
}
COLUMNS = (
    "source_id",
    *PROPOSAL,
    "proposed_by_organisation",
    "decided_by_organisation",
    "decided_on",
    *DECISION,
    "consent_id",
    "consent_given_by",
    "consent_given_on",
    "started_on",
    *ACCEPTANCE,
    "workers_assessed_on",
    "training_plans_agreed_on",
)


@dataclass(frozen=True)
class Worker:
    worker_id: uuid.UUID
    competent_until: date | None  # first day the competence no longer counts; None: no expiry


@dataclass(frozen=True)
class LiveDelegation:
    """One row: the API's three bodies and the migrated facts the gates look at."""

    proposal: ProposalCreate
    decision: DecisionCreate
    acceptance: AcceptanceCreate
    proposed_by: str
    decided_by: str
    decided_on: date
    started_on: date
    consent_id: uuid.UUID
    consent_given_by: ConsentGivenBy
    consent_given_on: date
    workers: tuple[Worker, ...]
    assessed_on: date
    plans_agreed_on: date | None


def day(row: dict[str, str], column: str, problems: list[FieldProblem]) -> date | None:
    value = cell(row, column)
    if value is None:
        if column not in OPTIONAL:
            problems.append(FieldProblem(column, "required: a date YYYY-MM-DD"))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(column, f"'{value}' is not a date YYYY-MM-DD"))
        return None


def present(row: dict[str, str], columns: dict[str, Path]) -> dict[str, Any]:
    """The nested body of the columns that are filled (an empty optional cell is left out)."""
    found: dict[str, Any] = {}
    for column, path in columns.items():
        value: Any = flag(row, column)
        if value is None:
            continue
        target = found
        for part in path[:-1]:
            target = target.setdefault(str(part), {})
        target[str(path[-1])] = value
    return found


def members(row: dict[str, str], problems: list[FieldProblem]) -> list[dict[str, Any]]:
    """R9: `discipline:organisation:staff_id` each, all present at the meeting."""
    found = []
    for item in items(row, "mdt_members"):
        parts = item.split(PART_SEPARATOR)
        if len(parts) != 3:
            problems.append(
                FieldProblem("mdt_members", f"'{item}' is not discipline:organisation:staff_id")
            )
            continue
        discipline, organisation, staff_id = parts
        found.append(
            {
                "discipline": discipline,
                "organisation": organisation,
                "staff_id": staff_id,
                "present": True,
            }
        )
    return found


def workers(row: dict[str, str], problems: list[FieldProblem]) -> tuple[Worker, ...]:
    """R16: `worker_id` or `worker_id@competent_until` each."""
    found = []
    for item in items(row, "workers"):
        worker, _, until = item.partition("@")
        try:
            found.append(Worker(uuid.UUID(worker), date.fromisoformat(until) if until else None))
        except ValueError:
            problems.append(FieldProblem("workers", f"'{item}' is not worker_id[@YYYY-MM-DD]"))
    return tuple(found)


def parse(row: dict[str, str]) -> LiveDelegation:
    """Every column checked; all that is wrong with the row is reported at once."""
    problems: list[FieldProblem] = []

    def valid(model: Any, data: dict[str, Any], columns: dict[str, Path]) -> Any:
        try:
            return body(model, data, columns)
        except RowRefused as exc:
            problems.extend(exc.problems)
            return None

    proposal = valid(ProposalCreate, present(row, PROPOSAL), PROPOSAL)
    decision_data = present(row, DECISION) | {"outcome": "approved"}
    decision_data["members"] = members(row, problems)
    decision_data.setdefault("risk", {})["mitigations"] = items(row, "risk_mitigations")
    decision = valid(DecisionCreate, decision_data, DECISION)
    crew = workers(row, problems)
    acceptance_data = present(row, ACCEPTANCE) | {"worker_ids": [str(w.worker_id) for w in crew]}
    acceptance = valid(AcceptanceCreate, acceptance_data, ACCEPTANCE)
    dates = {c: day(row, c, problems) for c in OTHER if c.endswith("_on")}
    consent_id, given_by = consent_of(row, problems)
    check_dates(dates, problems)
    for column in ("proposed_by_organisation", "decided_by_organisation"):
        if cell(row, column) is None:
            problems.append(FieldProblem(column, "required: the organisation's ODS code"))
    if problems:
        raise RowRefused(problems)
    return LiveDelegation(
        proposal=proposal,
        decision=decision,
        acceptance=acceptance,
        proposed_by=row["proposed_by_organisation"].strip(),
        decided_by=row["decided_by_organisation"].strip(),
        decided_on=dates["decided_on"],  # type: ignore[arg-type]
        started_on=dates["started_on"],  # type: ignore[arg-type]
        consent_id=consent_id,  # type: ignore[arg-type]
        consent_given_by=given_by,  # type: ignore[arg-type]
        consent_given_on=dates["consent_given_on"],  # type: ignore[arg-type]
        workers=crew,
        assessed_on=dates["workers_assessed_on"],  # type: ignore[arg-type]
        plans_agreed_on=dates["training_plans_agreed_on"],
    )


def consent_of(
    row: dict[str, str], problems: list[FieldProblem]
) -> tuple[uuid.UUID | None, ConsentGivenBy | None]:
    """R7: the consent assessment recorded, by its id, and who gave it."""
    consent_id = given_by = None
    try:
        consent_id = uuid.UUID(cell(row, "consent_id") or "")
    except ValueError:
        problems.append(
            FieldProblem("consent_id", "required (R7): the consent's id (a UUID)", "R7")
        )
    try:
        given_by = ConsentGivenBy(cell(row, "consent_given_by") or "")
    except ValueError:
        codes = ", ".join(ConsentGivenBy)
        problems.append(FieldProblem("consent_given_by", f"one of {codes}", "R7"))
    return consent_id, given_by


def describe(row: LiveDelegation) -> str:
    """The old system's dates: every record here is dated the day of the import."""
    return f"decided_on {row.decided_on}, started_on {row.started_on}"


def check_dates(dates: dict[str, date | None], problems: list[FieldProblem]) -> None:
    """What happened before go-live happened in order: decided, then consent and start."""
    decided, started = dates.get("decided_on"), dates.get("started_on")
    if decided and started and started < decided:
        problems.append(FieldProblem("started_on", "before decided_on: the MDT decides first"))
