"""Readiness gates before a delegation goes live, and what keeps it live: R7, R15-R17, R24."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from shared.errors import RuleViolation
from shared.events.delegation import SuspensionReason
from shared.events.vocabulary import OversightKind


class Gate(StrEnum):
    PROVIDER_ACCEPTANCE = "provider_acceptance"
    CONSENT = "consent"
    COMPETENCE = "competence"
    TRAINING_PLAN = "training_plan"
    CLINICAL_OVERSIGHT = "clinical_oversight"


RULE_OF = {
    Gate.PROVIDER_ACCEPTANCE: "R15",
    Gate.CONSENT: "R7",
    Gate.COMPETENCE: "R16",
    Gate.TRAINING_PLAN: "R24",
    Gate.CLINICAL_OVERSIGHT: "R17",
}


@dataclass(frozen=True)
class GateState:
    gate: Gate
    rule: str
    green: bool
    waiting_for: str | None


@dataclass(frozen=True)
class Readiness:
    """The facts the gates look at, gathered from this service's projections."""

    accepted: bool
    consent: bool
    workers: tuple[UUID, ...]
    competent_workers: frozenset[UUID]
    planned_workers: frozenset[UUID]
    person_known: bool
    contact_arrangements: str


@dataclass(frozen=True)
class Oversight:
    kind: OversightKind
    owner: str


def gates(facts: Readiness) -> list[GateState]:
    """Each gate, green or what it is waiting for."""
    uncompetent = [w for w in facts.workers if w not in facts.competent_workers]
    unplanned = [w for w in facts.workers if w not in facts.planned_workers]
    waiting = {
        Gate.PROVIDER_ACCEPTANCE: None if facts.accepted else "the provider to accept the task",
        Gate.CONSENT: None if facts.consent else "the person's consent to this task",
        Gate.COMPETENCE: _workers_waiting(facts, uncompetent, "assessed competent and in date"),
        Gate.TRAINING_PLAN: _workers_waiting(
            facts, unplanned, "covered by an agreed training plan"
        ),
        Gate.CLINICAL_OVERSIGHT: None
        if facts.person_known and facts.contact_arrangements.strip()
        else "the person's registration (CHS status and GP practice) and contact arrangements",
    }
    return [GateState(g, RULE_OF[g], waiting[g] is None, waiting[g]) for g in Gate]


def _workers_waiting(facts: Readiness, missing: list[UUID], what: str) -> str | None:
    if not facts.workers:
        return "the provider to name its workers"
    if missing:
        return f"workers {', '.join(str(w) for w in missing)} to be {what}"
    return None


def all_green(states: list[GateState]) -> bool:
    return all(state.green for state in states)


def competence_in_date(competent: bool, valid_until: date | None, today: date) -> bool:
    """R16: a competence counts only while it is competent and not past its expiry."""
    return competent and (valid_until is None or valid_until >= today)


def check_acceptance(
    worker_ids: list[UUID], training: bool, supervision: bool, insurance: bool
) -> None:
    """R15: a provider accepts only what it can deliver safely."""
    if not worker_ids:
        raise RuleViolation("R15", "the provider must name the workers who will do the task")
    missing = [
        name
        for name, confirmed in (
            ("training", training),
            ("supervision", supervision),
            ("insurance and indemnity", insurance),
        )
        if not confirmed
    ]
    if missing:
        raise RuleViolation("R15", f"the provider must confirm {', '.join(missing)}")


def oversight_for(open_to_chs: bool, gp_practice: str, chs_organisation: str) -> Oversight:
    """R17: Community Health Services while the person is open to them, else the GP practice."""
    if open_to_chs:
        return Oversight(OversightKind.COMMUNITY_HEALTH_SERVICES, chs_organisation)
    return Oversight(OversightKind.PRIMARY_CARE, gp_practice)


def suspension_reason(consent: bool, competent_workers: int) -> SuspensionReason | None:
    """R7, R16: what stops a live delegation; None when it may carry on."""
    if not consent:
        return SuspensionReason.CONSENT_WITHDRAWN
    if competent_workers == 0:
        return SuspensionReason.NO_COMPETENT_WORKER
    return None
