"""Live delegations at go-live (delegation service): the proposal, the MDT's decision, the
provider's acceptance, and the consent, competence and training plans the gates look at,
through the handlers the API and the consumers call, so every rule they enforce holds (R1, R7,
R9-R13, R15-R17, R24) and the outbox gets the API path's events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.gates import Gate
from services.delegation.handlers import delegations, projections, proposals
from services.delegation.handlers.gates import gate_states
from services.delegation.models import Delegation, Person, Proposal
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
    from_domain,
    items,
    refused,
)
from services.onboarding.runner import operator
from shared.errors import DomainError
from shared.events import Event
from shared.events.assessment import ConsentGivenBy, ConsentRecorded
from shared.events.training import (
    CompetenceAssessed,
    CompetenceOutcome,
    InstructionRecorded,
    TrainingPlanAgreed,
)

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
# The gate that stays red, named by the column whose facts it looks at.
GATE_COLUMN = {
    Gate.PROVIDER_ACCEPTANCE: "training_confirmed",
    Gate.CONSENT: "consent_id",
    Gate.COMPETENCE: "workers",
    Gate.TRAINING_PLAN: "training_plans_agreed_on",
    Gate.CLINICAL_OVERSIGHT: "person_id",
}


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


async def existing(session: AsyncSession, rows: Sequence[tuple[str, Any]]) -> dict[str, str]:
    """Rows already imported: their proposal carries the row's key as its Idempotency-Key."""
    keys = [key for key, _ in rows]
    found = await session.execute(
        select(Proposal.idempotency_key, Delegation.id)
        .join(Delegation, Delegation.proposal_id == Proposal.id)
        .where(Proposal.idempotency_key.in_(keys))
    )
    return {key: str(delegation_id) for key, delegation_id in found.all() if key}


async def apply(session: AsyncSession, user_id: str, key: str, row: LiveDelegation) -> str:
    """Propose, decide, deliver the migrated facts, accept: live, or the row is refused by the
    gate that stays red."""
    if await session.get(Person, row.proposal.person_id) is None:
        raise refused(
            "person_id",
            "not known to delegation: import the person into assessment first (its "
            "PersonRegistered event registers them here)",
            "R17",
        )
    proposer = operator(user_id, row.proposed_by)
    proposal, _ = await proposals.submit_proposal(session, proposer, row.proposal, key)
    await session.flush()  # the API commits between its calls; sessions here do not autoflush
    mdt = operator(user_id, row.decided_by)
    _, delegation = await proposals.decide_proposal(session, mdt, proposal.id, row.decision)
    if delegation is None:  # an approval always makes one; the decision check refuses otherwise
        raise refused("row", "the MDT's decision did not approve the task", "R9")
    await session.flush()
    for event in migrated_facts(row, delegation, key):
        await apply_fact(session, event)
    provider = operator(user_id, row.proposal.provider_organisation)
    await delegations.accept(session, provider, delegation.id, row.acceptance)
    if delegation.status != DelegationState.LIVE:
        await refuse_red_gates(session, delegation)
    return str(delegation.id)


def migrated_facts(row: LiveDelegation, delegation: Delegation, key: str) -> list[Event]:
    """The facts assessment (consent, R7) and training (competence R16, plans R24, or an
    instruction, A 5.13) hold, as their events would bring them to delegation."""
    provider, task = row.proposal.provider_organisation, row.proposal.task_code
    person = row.proposal.person_id
    facts: list[Event] = [
        ConsentRecorded(
            person_id=person,
            consent_id=row.consent_id,
            task_code=task,
            delegation_id=delegation.id,
            given_by=row.consent_given_by,
            given_on=row.consent_given_on,
            provider_organisation=provider,
        )
    ]
    for worker in row.workers:
        fact_id = uuid.uuid5(NAMESPACE, f"{key}:{worker.worker_id}")
        if not delegation.needs_specific_training:
            facts.append(instructed(row, delegation, worker))
            continue
        facts.append(
            CompetenceAssessed(
                worker_id=worker.worker_id,
                assessment_id=fact_id,
                task_code=task,
                person_id=person,
                provider_organisation=provider,
                outcome=CompetenceOutcome.COMPETENT,
                assessed_on=row.assessed_on,
                valid_until=worker.competent_until,
            )
        )
        if row.plans_agreed_on is not None:
            facts.append(
                TrainingPlanAgreed(
                    worker_id=worker.worker_id,
                    plan_id=fact_id,
                    delegation_id=delegation.id,
                    task_code=task,
                    provider_organisation=provider,
                    agreed_on=row.plans_agreed_on,
                )
            )
    return facts


def instructed(row: LiveDelegation, delegation: Delegation, worker: Worker) -> Event:
    return InstructionRecorded(
        worker_id=worker.worker_id,
        task_code=row.proposal.task_code,
        person_id=row.proposal.person_id,
        provider_organisation=row.proposal.provider_organisation,
        instructed_on=row.assessed_on,
        delegation_id=delegation.id,
    )


FACT_HANDLERS: dict[type[Event], Any] = {
    ConsentRecorded: projections.on_consent_recorded,
    CompetenceAssessed: projections.on_competence_assessed,
    TrainingPlanAgreed: projections.on_training_plan_agreed,
    InstructionRecorded: projections.on_instruction_recorded,
}


async def apply_fact(session: AsyncSession, event: Event) -> None:
    """Delegation's own consumer handler for the fact, as if its owner's event had arrived."""
    await FACT_HANDLERS[type(event)](session, event)


async def refuse_red_gates(session: AsyncSession, delegation: Delegation) -> None:
    red = [g for g in await gate_states(session, delegation) if not g.green]
    raise RowRefused(
        [
            FieldProblem(GATE_COLUMN[g.gate], f"not live: waiting for {g.waiting_for}", g.rule)
            for g in red
        ]
    )


def guess(detail: str) -> str:
    """A refusal with no field: the column it most likely concerns, by its words."""
    words = detail.lower()
    for hint, column in (
        ("catalogue", "task_code"),
        ("task", "task_code"),
        ("provider", "provider_organisation"),
        ("registration", "practitioner_registration_number"),
        ("practitioner", "practitioner_professional_body"),
        ("member", "mdt_members"),
        ("discipline", "mdt_members"),
        ("s.22", "s22_merely_incidental_or_ancillary"),
        ("section 22", "s22_merely_incidental_or_ancillary"),
        ("risk", "risk_stability"),
        ("best interests", "best_interests"),
        ("support plan", "new_support_plan_id"),
        ("worker", "workers"),
        ("person", "person_id"),
    ):
        if hint in words:
            return column
    return "row"


ALL_PATHS = PROPOSAL | DECISION | ACCEPTANCE


def explain(exc: DomainError) -> RowRefused:
    return from_domain(exc, ALL_PATHS, guess)
