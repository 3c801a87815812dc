"""One row of the delegations file decided by the domain, step by step as the handlers ask
it (`submit_proposal`, `decide_proposal`, the consumers' projections, `accept`,
`go_live_if_ready`), its rows, events and audit rows collected for the batch's inserts."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import decisions as check
from services.delegation.domain import delegations as lifecycle
from services.delegation.domain import gates as gating
from services.delegation.domain import parties as party_rules
from services.delegation.domain import proposals as rules
from services.delegation.domain.delegations import (
    CompetenceRecord,
    WorkerStanding,
    standing,
)
from services.delegation.domain.proposals import ProposalState
from services.delegation.domain.reviews import regular_review_due
from services.delegation.handlers.delegations import placement_of
from services.delegation.handlers.delegations.loading import facts_of as delegation_facts
from services.delegation.handlers.proposals.decisions import (
    mdt_decision,
    new_decision,
    new_delegation,
    record_plan,
    record_terms,
)
from services.delegation.handlers.proposals.submission import (
    facts_of,
    new_proposal,
    practitioner_of,
    submitted,
    task_rules,
)
from services.delegation.models import (
    Competence,
    Consent,
    Decision,
    Delegation,
    Instruction,
    NamedWorker,
    Person,
    Proposal,
    Task,
    TrainingPlan,
    keep_derived,
)
from services.delegation.settings import Settings
from services.onboarding.delegations.file import NAMESPACE, LiveDelegation
from services.onboarding.runner import operator
from shared.audit import Purpose
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import DomainError
from shared.events import Event
from shared.events.training import (
    CompetenceOutcome,
)


@dataclass
class Written:
    """What a batch adds: rows for the ORM, events and audit rows for one insert each."""

    rows: list[tuple[type[Any], dict[str, Any]]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Known:
    """What the batch's rows need from the database, read once."""

    people: dict[uuid.UUID, Person]
    tasks: dict[str, Task | None]
    kinds: dict[str, Any]
    version: int
    crowded: set[str]  # keys of rows whose person, task or workers have records already


def audit_row(
    session: AsyncSession, actor: CurrentUser, action: str, subject: object, reason: Any = None
) -> dict[str, Any]:
    """The row `shared.audit.audit` writes."""
    return {
        "at": now(session),
        "user_id": actor.user_id,
        "role": actor.role.value,
        "organisation": actor.organisation,
        "action": action,
        "subject": str(subject),
        "reason": None if reason is None else str(reason),
        "person_id": None,
        "purpose": None,
    }


def onboarding_row(session: AsyncSession, user_id: str, made: uuid.UUID, at: str) -> dict[str, Any]:
    """The import's own row, as `runner.onboarded` writes it."""
    row = audit_row(
        session, operator(user_id, "platform"), "onboarding.import.delegations", made, at
    )
    return row | {"purpose": Purpose.ONBOARDING.value}


def live(
    session: AsyncSession,
    user_id: str,
    key: str,
    row: LiveDelegation,
    known: Known,
    out: Written,
) -> Delegation | None:
    """The handlers' steps for one row, decided by the domain: submit (R1, R3, R10, R13),
    decide (R9-R14, R29), the migrated facts (R7, R16, R24), accept (R15), go live (R17);
    None when it would not go live."""
    person, task = known.people.get(row.proposal.person_id), known.tasks.get(row.proposal.task_code)
    if person is None or task is None:
        return None
    proposer = operator(user_id, row.proposed_by)
    proposal = submit(session, proposer, key, row, task, known, out)
    decided = decide(session, operator(user_id, row.decided_by), proposal, row, task, known, out)
    if decided is None:
        return None
    decision, delegation = decided
    try:
        migrate_facts(session, key, row, delegation, out)
        provider = operator(user_id, row.proposal.provider_organisation)
        if not accept_and_go_live(session, provider, row, delegation, person, out):
            return None
    except DomainError:
        return None
    keep_derived(delegation)  # as a flush would: no ORM flush writes these rows
    out.rows += [as_row(proposal), as_row(decision), as_row(delegation)]  # as they stand now
    out.rows += [
        (NamedWorker, {"delegation_id": delegation.id, "worker_id": uuid.UUID(worker)})
        for worker in delegation.worker_ids or []
    ]
    return delegation


def submit(
    session: AsyncSession,
    actor: CurrentUser,
    key: str,
    row: LiveDelegation,
    task: Task,
    known: Known,
    out: Written,
) -> Proposal:
    """As `submit_proposal`: the catalogue (R10), direction and practitioner (R1, R13), the
    provider's kind (R2, R15)."""
    body = row.proposal
    rules.check_proposal(task_rules(task), body.direction, practitioner_of(body))
    kind = known.kinds.get(body.provider_organisation)
    if kind is None:
        raise NotPlain("not in the register: the handlers name the field (R2)")
    party_rules.check_provider(body.direction, body.provider_organisation, kind)
    proposal = new_proposal(actor, body, task, key, today(session))
    out.events.append(submitted(proposal))
    out.audits.append(audit_row(session, actor, "proposal.submit", proposal.id, body.task_code))
    return proposal


class NotPlain(DomainError):
    """Left to the handler path, which names what is wrong."""


def decide(
    session: AsyncSession,
    actor: CurrentUser,
    proposal: Proposal,
    row: LiveDelegation,
    task: Task,
    known: Known,
    out: Written,
) -> tuple[Decision, Delegation] | None:
    """As `decide_proposal`: members (R2, R9), the decision check (R9-R14), the version (R29)."""
    body = row.decision
    for index, member in enumerate(body.members):
        kind = known.kinds.get(member.organisation)
        if kind is None:
            raise NotPlain("not in the register: the handlers name the field (R2)")
        name = f"members.{index}.organisation"
        party_rules.check_member(name, member.discipline, member.organisation, kind)
    on, checked = today(session), task_rules(task)
    facts, mdt = facts_of(proposal), mdt_decision(body, actor.organisation)
    transition = rules.decide(facts, checked, mdt, known.version, on)
    if transition.state is not ProposalState.APPROVED:
        return None
    decision = new_decision(proposal, body.outcome, body.model_dump(mode="json"), known.version, on)
    decision.source, decision.decided_by = "mdt", actor.user_id
    decision.organisations = mdt.organisations
    case = rules.case_of(facts, checked, mdt)
    terms = check.terms(case)
    record_terms(decision, terms)
    delegation = new_delegation(session, proposal, known.version, checked, terms, mdt.organisations)
    session.expunge(delegation)  # written with the batch, after its proposal (`write`)
    record_plan(delegation, case)
    proposal.status = transition.state
    out.events.extend(transition.events)
    out.audits.append(audit_row(session, actor, "proposal.decide", proposal.id, body.outcome))
    return decision, delegation


def migrate_facts(
    session: AsyncSession, key: str, row: LiveDelegation, delegation: Delegation, out: Written
) -> None:
    """As delegation's consumer handlers record consent (R7), competence (R16), training
    plans (R24) and instructions (A 5.13) when their owners' events arrive."""
    task, person = row.proposal.task_code, row.proposal.person_id
    out.rows.append(
        (
            Consent,
            {
                "consent_id": row.consent_id,
                "person_id": person,
                "task_code": task,
                "delegation_id": delegation.id,
                "provider_organisation": row.proposal.provider_organisation,
                "withdrawn": False,
            },
        )
    )
    out.audits.append(audit_row(session, SYSTEM, "consent.record", row.consent_id, task))
    for worker in row.workers:
        if not delegation.needs_specific_training:
            out.rows.append(
                (
                    Instruction,
                    {
                        "delegation_id": delegation.id,
                        "worker_id": worker.worker_id,
                        "task_code": task,
                        "instructed_on": row.assessed_on,
                    },
                )
            )
            out.audits.append(
                audit_row(session, SYSTEM, "instruction.record", delegation.id, worker.worker_id)
            )
            continue
        out.rows.append(
            (
                Competence,
                {
                    "worker_id": worker.worker_id,
                    "task_code": task,
                    "scope": str(person),
                    "competent": True,
                    "valid_until": worker.competent_until,
                },
            )
        )
        out.audits.append(
            audit_row(
                session, SYSTEM, "competence.assess", worker.worker_id, CompetenceOutcome.COMPETENT
            )
        )
        if row.plans_agreed_on is not None:
            plan_id = uuid.uuid5(NAMESPACE, f"{key}:{worker.worker_id}")
            plan = {
                "delegation_id": delegation.id,
                "worker_id": worker.worker_id,
                "plan_id": plan_id,
            }
            out.rows.append((TrainingPlan, plan))
            out.audits.append(
                audit_row(session, SYSTEM, "training_plan.agree", delegation.id, worker.worker_id)
            )


def readiness(row: LiveDelegation, delegation: Delegation, on: date) -> gating.Readiness:
    """As `handlers.gates.readiness`, from the facts this row brings (nothing else is held for
    its person, task or workers: `crowded` saw to that)."""
    trained = delegation.needs_specific_training
    workers = tuple(dict.fromkeys(w.worker_id for w in row.workers))
    competent = frozenset(
        w.worker_id
        for w in row.workers
        if trained
        and standing([CompetenceRecord(True, w.competent_until)], False, on)
        is WorkerStanding.IN_DATE
    )
    return gating.Readiness(
        accepted=True,
        consent=True,
        workers=workers,
        competent_workers=competent,
        planned_workers=frozenset(workers) if trained and row.plans_agreed_on else frozenset(),
        person_known=True,
        contact_arrangements=delegation.contact_arrangements,
        needs_specific_training=trained,
        instructed_workers=frozenset() if trained else frozenset(workers),
    )


def accept_and_go_live(
    session: AsyncSession,
    actor: CurrentUser,
    row: LiveDelegation,
    delegation: Delegation,
    person: Person,
    out: Written,
) -> bool:
    """As `accept` then `go_live_if_ready` (R13, R15-R17, R24)."""
    body, on = row.acceptance, today(session)
    acceptance = lifecycle.Acceptance(
        tuple(body.worker_ids),
        body.training_confirmed,
        body.supervision_confirmed,
        body.insurance_and_indemnity_confirmed,
    )
    accepted = lifecycle.accept(delegation_facts(delegation), acceptance, on)
    delegation.worker_ids = [str(w) for w in dict.fromkeys(body.worker_ids)]
    delegation.accepted_on = on
    delegation.status = accepted.state
    gates = gating.gates(readiness(row, delegation, on))
    placement = placement_of(Settings.of(session), delegation, person)
    going = lifecycle.go_live(delegation_facts(delegation), gates, placement, on)
    if going is None:
        return False
    delegation.accountable_organisation = placement.accountable_organisation
    delegation.local_authority = placement.local_authority
    delegation.oversight_kind = placement.oversight.kind
    delegation.oversight_owner = placement.oversight.owner
    delegation.start_date, delegation.next_review_due = on, regular_review_due(on, 0)
    delegation.status = going.state
    delegation.updated_at = now(session)  # as the model's before_insert hook stamps it
    out.events.extend(accepted.events)
    out.audits.append(
        audit_row(
            session, actor, "delegation.accept", delegation.id, "training, supervision, cover"
        )
    )
    out.events.extend(going.events)
    out.audits.append(
        audit_row(session, actor, "delegation.live", delegation.id, "every gate is green")
    )
    return True


_COLUMNS: dict[type[Any], tuple[tuple[str, str, Any], ...]] = {}


def columns_of(model: type[Any]) -> tuple[tuple[str, str, Any], ...]:
    """Each column's key, its attribute's name and its default (a callable, a value or None),
    read once per model."""
    if model in _COLUMNS:
        return _COLUMNS[model]
    found = []
    for attribute in inspect(model).column_attrs:
        column = attribute.columns[0]
        default = column.default
        value = None if default is None else default.arg
        if default is not None and default.is_callable:
            value = functools.partial(default.arg, None)
        found.append((column.key, attribute.key, value))
    _COLUMNS[model] = tuple(found)
    return _COLUMNS[model]


def as_row(made: Any) -> tuple[type[Any], dict[str, Any]]:
    """An object a handler's constructor made, as the row the ORM would insert (its defaults
    filled in)."""
    state, row = made.__dict__, {}
    for column, name, default in columns_of(type(made)):
        if name in state:
            row[column] = state[name]
        else:
            row[column] = default() if callable(default) else default
    return type(made), row
