"""R12: the clinical risk and benefit assessment the national guidance asks for (A 5.8, A 5.13):
the stability of the person's condition, the complexity of the task, the expected outcome; and the
oversight a changing condition needs (A 5.12).

A changing or fluctuating condition does not stop a delegation: it needs closer oversight,
recorded as how often the oversight owner reviews the task (at least weekly). A highly complex
task needs a clinical justification, and is not delegated at all while the condition is changing:
a complex task on a condition that moves is where a care worker's training runs out first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.delegation.domain.refusals import Refusal


class Stability(StrEnum):
    """R12: how stable or predictable the person's condition is."""

    STABLE = "stable"
    PREDICTABLE = "predictable"
    FLUCTUATING = "fluctuating"
    UNSTABLE = "unstable"


# A 5.12: oversight matters most where needs are changing or fluctuating. Such a condition does
# not stop a delegation; it needs the oversight owner to review the task at least this often.
CHANGING = frozenset({Stability.FLUCTUATING, Stability.UNSTABLE})
CLOSE_OVERSIGHT_MAX_DAYS = 7


class Complexity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class RiskAssessment:
    """R12: the risk and benefit assessment the national guidance asks for."""

    stability: Stability
    complexity: Complexity
    expected_outcome: str
    mitigations: tuple[str, ...]
    oversight_interval_days: int | None = None  # A 5.12: how often oversight reviews the task


def oversight_refusal(risk: RiskAssessment) -> Refusal | None:
    """R12, A 5.12: a changing or fluctuating condition needs closer oversight, recorded as the
    interval at which the oversight owner reviews the task."""
    if risk.stability not in CHANGING:
        return None
    interval = risk.oversight_interval_days
    if interval is not None and interval <= CLOSE_OVERSIGHT_MAX_DAYS:
        return None
    return Refusal(
        "R12",
        f"a condition that is {risk.stability.value} needs the oversight owner to review the "
        f"task at least every {CLOSE_OVERSIGHT_MAX_DAYS} days (A 5.12)",
        "risk.oversight_interval_days",
    )


def complexity_refusal(risk: RiskAssessment, justification: str | None) -> Refusal | None:
    """R12: a highly complex task is delegated only with a recorded clinical justification, and
    never while the condition is changing or fluctuating: the registered practitioner keeps it."""
    if risk.complexity is not Complexity.HIGH:
        return None
    if risk.stability in CHANGING:
        return Refusal(
            "R12",
            "a highly complex task is not delegated while the person's condition is "
            f"{risk.stability.value}",
            "risk.complexity",
        )
    if (justification or "").strip():
        return None
    return Refusal(
        "R12",
        "a highly complex task needs a recorded clinical justification",
        "clinical_justification",
    )
