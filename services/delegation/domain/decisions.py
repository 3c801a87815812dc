"""The one decision check (R1, R9-R13) every route to a delegation passes: the MDT's decision,
the Shared Care discussion's decision and a review that continues or changes the task.

Pure: the routes gather the facts (the catalogue entry in force, the MDT's record, a review's
reassessment) and ask here whether a delegation may come about, and on what terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from services.delegation.domain.refusals import Refusal as Refusal
from services.delegation.domain.risk import Complexity as Complexity
from services.delegation.domain.risk import RiskAssessment as RiskAssessment
from services.delegation.domain.risk import Stability as Stability
from services.delegation.domain.risk import complexity_refusal, oversight_refusal
from shared.events.delegation import Discipline as Discipline  # R9: a word events carry too
from shared.events.delegation import Stance
from shared.events.vocabulary import Delegability, Direction, TaskCategory

HEALTH_DISCIPLINES = frozenset(
    {
        Discipline.REGISTERED_NURSE,
        Discipline.DOCTOR,
        Discipline.ALLIED_HEALTH_PROFESSIONAL,
        Discipline.PHARMACIST,
    }
)
SOCIAL_CARE_DISCIPLINES = frozenset({Discipline.SOCIAL_WORKER, Discipline.SOCIAL_CARE_PRACTITIONER})


class FundingBasis(StrEnum):
    """R11 (A 4.6): how a task the council may not meet (s.22 failed) is funded; never the
    council alone."""

    NHS_FUNDED = "nhs_funded"
    JOINT_PACKAGE = "joint_package"


@dataclass(frozen=True)
class Task:
    """R10: a catalogue entry as in force on the day of the decision."""

    code: str
    category: TaskCategory
    delegability: Delegability
    active: bool = True
    needs_specific_training: bool = True


@dataclass(frozen=True)
class Member:
    discipline: Discipline
    organisation: str
    stance: Stance | None = None  # R14: where they stood, when the MDT did not agree
    staff_id: str = ""  # R9: who (an identifier, never a name)
    present: bool = True  # R9: the decision records the members present


@dataclass(frozen=True)
class SupportPlanRef:
    """R19: the version of the person's support plan the MDT agreed."""

    plan_id: UUID
    version: int


@dataclass(frozen=True)
class Section22Test:
    """R11: Care Act s.22, both limbs must hold for a local authority to meet a health need."""

    merely_incidental_or_ancillary: bool
    of_a_nature_a_local_authority_could_provide: bool

    @property
    def passed(self) -> bool:
        return (
            self.merely_incidental_or_ancillary and self.of_a_nature_a_local_authority_could_provide
        )


@dataclass(frozen=True)
class Case:
    """What a route to a delegation must show, whichever route it is."""

    task: Task
    direction: Direction
    members: tuple[Member, ...]
    risk: RiskAssessment
    best_interests: bool
    section_22: Section22Test | None = None
    clinical_justification: str | None = None
    section_22_funding: FundingBasis | None = None
    practitioner_registration: str = ""
    minutes_to_plan: int = 0  # R19: the extra minutes a week this decision commits
    new_support_plan: SupportPlanRef | None = None


@dataclass(frozen=True)
class Terms:
    """R11: on what terms a cleared delegation comes about."""

    section_22_met: bool | None  # None: the test does not apply (social to health)
    funding: FundingBasis | None  # set only when s.22 failed: never charged to the council


def never_delegable(task: Task, direction: Direction) -> Refusal | None:
    """R10: the catalogue per direction; an absolute entry is refused wherever it appears."""
    if not task.active:
        return Refusal("R10", f"task '{task.code}' is no longer in the catalogue")
    if task.delegability is Delegability.NEVER and direction is Direction.HEALTH_TO_SOCIAL:
        return Refusal("R10", f"task '{task.code}' is for a registered nurse only")
    if (
        task.delegability is Delegability.SOCIAL_CARE_ONLY
        and direction is Direction.SOCIAL_TO_HEALTH
    ):
        return Refusal(
            "R10", f"task '{task.code}' is the exclusive remit of Adult Social Care (A 5.11)"
        )
    return None


def wrong_direction(task: Task, direction: Direction) -> Refusal | None:
    """R1: a health task is delegated to social care, a social care task to Health."""
    social_task = task.category is TaskCategory.SOCIAL_CARE
    if social_task == (direction is Direction.SOCIAL_TO_HEALTH):
        return None
    kind = "social care" if social_task else "healthcare"
    return Refusal("R1", f"a {kind} task cannot be delegated {direction.value}")


def refused_at_proposal(task: Task, direction: Direction) -> Refusal | None:
    """R1, R10: what stops a proposal before it reaches the MDT."""
    return never_delegable(task, direction) or wrong_direction(task, direction)


def refusal(case: Case) -> Refusal | None:
    """R1, R9-R13, R19 in order: the first reason the delegation may not come about, or None."""
    found = (check(case) for check in CHECKS)
    return next((refused for refused in found if refused is not None), None)


def refused_at_proposal_of(case: Case) -> Refusal | None:
    return refused_at_proposal(case.task, case.direction)


def mdt_refusal(case: Case) -> Refusal | None:
    return members_refusal(case.members)


def members_refusal(members: tuple[Member, ...]) -> Refusal | None:
    """R9: at least one registered health practitioner and one social care practitioner
    present."""
    disciplines = {m.discipline for m in members if m.present}
    if disciplines & HEALTH_DISCIPLINES and disciplines & SOCIAL_CARE_DISCIPLINES:
        return None
    return Refusal(
        "R9",
        "the MDT must include a registered health practitioner and a social care practitioner, "
        "present",
        "members",
    )


def catalogue_refusal(case: Case) -> Refusal | None:
    """R10: 'some complex dressings' and the like need a recorded clinical justification."""
    if case.task.delegability is not Delegability.CASE_BY_CASE:
        return None
    if (case.clinical_justification or "").strip():
        return None
    return Refusal("R10", f"task '{case.task.code}' needs a recorded clinical justification")


def s22_refusal(case: Case) -> Refusal | None:
    """R11: a health to social delegation records the s.22 test (A 4.8: 'have regard to')."""
    if case.direction is Direction.HEALTH_TO_SOCIAL and case.section_22 is None:
        return Refusal("R11", "a health to social delegation must record the s.22 test")
    return None


def risk_refusal(case: Case) -> Refusal | None:
    """R12: the risk and benefit assessment covers best interests, the expected outcome and how
    the risk is managed; then the condition's stability and the task's complexity."""
    if not case.best_interests:
        return Refusal("R12", "delegation must be in the person's best interests", "best_interests")
    if not case.risk.expected_outcome.strip():
        return Refusal("R12", "record the expected outcome", "risk.expected_outcome")
    if not [m for m in case.risk.mitigations if m.strip()]:
        return Refusal("R12", "the record must say how the clinical risk is managed", "risk")
    return oversight_refusal(case.risk) or complexity_refusal(
        case.risk, case.clinical_justification
    )


def accountability_refusal(case: Case) -> Refusal | None:
    """R13: the delegating registered practitioner stays accountable, so must be on record."""
    if case.practitioner_registration.strip():
        return None
    return Refusal("R13", "the accountable registered practitioner must be recorded")


def replan_refusal(case: Case) -> Refusal | None:
    """R19, A 5.9: a task that does not fit the support plan as it is (extra minutes) needs the
    new support plan the MDT agreed."""
    if case.minutes_to_plan == 0 or case.new_support_plan is not None:
        return None
    return Refusal(
        "R19",
        f"the task needs {case.minutes_to_plan} extra minutes a week: record the new support "
        "plan the MDT agreed",
        "new_support_plan",
    )


CHECKS = (
    refused_at_proposal_of,
    mdt_refusal,
    catalogue_refusal,
    s22_refusal,
    risk_refusal,
    accountability_refusal,
    replan_refusal,
)


def terms(case: Case) -> Terms:
    """R11: when s.22 fails the council may not meet the need: NHS-funded or a joint package."""
    if case.direction is not Direction.HEALTH_TO_SOCIAL or case.section_22 is None:
        return Terms(None, None)
    if case.section_22.passed:
        return Terms(True, None)
    return Terms(False, case.section_22_funding or FundingBasis.NHS_FUNDED)


def check(case: Case) -> Terms:
    """R1, R9-R13: the terms of a delegation that may come about; else the rule that stops it."""
    if (found := refusal(case)) is not None:
        raise found.violation()
    return terms(case)
