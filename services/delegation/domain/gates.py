"""Readiness gates before a delegation goes live: R7, R15-R17, R24.

`gates(facts)` is a pure function of the facts one handler loads (`handlers.gates.readiness`).
A new gate is a `Gate` member, a fact on `Readiness` and one check in `CHECKS`.

A task that needs no specific training (A 5.13: medication prompts, eye drops) needs a recorded
instruction per worker instead: it passes both the competence and the training-plan gate for
that worker, and does not expire.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class Gate(StrEnum):
    PROVIDER_ACCEPTANCE = "provider_acceptance"
    CONSENT = "consent"
    COMPETENCE = "competence"
    TRAINING_PLAN = "training_plan"
    CLINICAL_OVERSIGHT = "clinical_oversight"


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
    needs_specific_training: bool = True
    instructed_workers: frozenset[UUID] = frozenset()


def instructed(facts: Readiness) -> frozenset[UUID]:
    """A 5.13, R16: workers whose recorded instruction stands for plan and competence; none
    when the task needs specific training."""
    return frozenset() if facts.needs_specific_training else facts.instructed_workers


def ready_workers(facts: Readiness) -> frozenset[UUID]:
    """R16: named workers who may carry out the task today: competent and in date, or
    instructed in a task that needs no specific training."""
    return frozenset(facts.workers) & (facts.competent_workers | instructed(facts))


def _acceptance(facts: Readiness) -> str | None:
    return None if facts.accepted else "the provider to accept the task"


def _consent(facts: Readiness) -> str | None:
    return None if facts.consent else "the person's consent to this task"


def _competence(facts: Readiness) -> str | None:
    missing = [w for w in facts.workers if w not in ready_workers(facts)]
    return _workers_waiting(facts, missing, _what(facts, "assessed competent and in date"))


def _training_plan(facts: Readiness) -> str | None:
    covered = facts.planned_workers | instructed(facts)
    missing = [w for w in facts.workers if w not in covered]
    return _workers_waiting(facts, missing, _what(facts, "covered by an agreed training plan"))


def _what(facts: Readiness, trained: str) -> str:
    return trained if facts.needs_specific_training else "instructed in the task (A 5.13)"


def _oversight(facts: Readiness) -> str | None:
    if facts.person_known and facts.contact_arrangements.strip():
        return None
    return "the person's registration (CHS status and GP practice) and contact arrangements"


def _workers_waiting(facts: Readiness, missing: list[UUID], what: str) -> str | None:
    if not facts.workers:
        return "the provider to name its workers"
    if missing:
        return f"workers {', '.join(str(w) for w in missing)} to be {what}"
    return None


Check = Callable[[Readiness], str | None]
# Each gate, the rule it enforces and what it is waiting for (None when green), in order.
CHECKS: tuple[tuple[Gate, str, Check], ...] = (
    (Gate.PROVIDER_ACCEPTANCE, "R15", _acceptance),
    (Gate.CONSENT, "R7", _consent),
    (Gate.COMPETENCE, "R16", _competence),
    (Gate.TRAINING_PLAN, "R24", _training_plan),
    (Gate.CLINICAL_OVERSIGHT, "R17", _oversight),
)
RULE_OF = {gate: rule for gate, rule, _ in CHECKS}


def gates(facts: Readiness) -> list[GateState]:
    """Each gate, green or what it is waiting for."""
    states = []
    for gate, rule, check in CHECKS:
        waiting = check(facts)
        states.append(GateState(gate, rule, waiting is None, waiting))
    return states


def all_green(states: list[GateState]) -> bool:
    return all(state.green for state in states)
