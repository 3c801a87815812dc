"""R24, R25: a delegation's training plan is required, agreed by the provider, then by the
accountable practitioner, and only then in force; or withdrawn before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from shared.events.training import TrainingPlanAgreed, TrainingPlanOnSupportPlan
from shared.lifecycle import Lifecycle

# R24 and R25: every item a training plan must record, by the field that carries it.
PLAN_ITEMS: Mapping[str, str] = {
    "knowledge_and_skills_required": "the knowledge and skills required",
    "training_materials": "the training materials",
    "knowledge_training": "who delivers and assesses knowledge training, and the standard",
    "skills_training": "who delivers skills training, assesses competence, and the standard",
    "competence_recording": "how competence is recorded",
    "refresher_interval_months": "the refresher training interval",
    "reassessment_interval_months": "the reassessment interval",
    "ongoing_support": "the ongoing support to the worker",
    "clinical_review": "the clinical review of the person's needs",
    "risks_and_safe_delivery": "the risks of the task and how to deliver it safely",
    "not_competent_process": "what happens when a worker does not achieve competence",
    "release_for_training": "the release of workers for training",
    "backfill_hourly_rate_pence": "the provider's hourly rate for backfill",
}


# R24: the four things the support plan must say of each delegable task's training, by the
# fields that carry them (each is also an R25 item above).
R24_ITEMS: Sequence[str] = (
    "knowledge_training",
    "skills_training",
    "ongoing_support",
    "clinical_review",
)


class PlanStatus(StrEnum):
    REQUIRED = "required"  # the provider is to write and agree it
    AGREED_BY_PROVIDER = "agreed_by_provider"  # the accountable practitioner is to agree it
    IN_FORCE = "in_force"  # both agreed: only now does it count for R16
    WITHDRAWN = "withdrawn"


class PlanCommand(StrEnum):
    PROVIDER_AGREES = "agreed by the provider"
    PRACTITIONER_AGREES = "agreed by the accountable practitioner"
    PRACTITIONER_RETURNS = "returned by the accountable practitioner"
    WITHDRAW = "withdrawn"


PLAN: Lifecycle[PlanStatus, PlanCommand] = Lifecycle(
    "training plan",
    {
        (PlanStatus.REQUIRED, PlanCommand.PROVIDER_AGREES): PlanStatus.AGREED_BY_PROVIDER,
        (PlanStatus.AGREED_BY_PROVIDER, PlanCommand.PRACTITIONER_AGREES): PlanStatus.IN_FORCE,
        # the practitioner does not agree: the provider writes it again
        (PlanStatus.AGREED_BY_PROVIDER, PlanCommand.PRACTITIONER_RETURNS): PlanStatus.REQUIRED,
        (PlanStatus.REQUIRED, PlanCommand.WITHDRAW): PlanStatus.WITHDRAWN,
        (PlanStatus.AGREED_BY_PROVIDER, PlanCommand.WITHDRAW): PlanStatus.WITHDRAWN,
    },
)


@dataclass(frozen=True)
class PlanFacts:
    plan_id: UUID
    delegation_id: UUID
    task_code: str
    provider_organisation: str
    status: PlanStatus
    worker_ids: Sequence[UUID]


@dataclass(frozen=True)
class Practitioner:
    """Who agrees for the clinical side: their role, organisation and its standing."""

    role: str
    organisation: str
    is_health: bool  # an NHS organisation in the partner register
    accountable: bool  # it proposed the task or keeps its clinical oversight (MDT, oversight)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping):
        return any(is_blank(v) for v in value.values()) or not value
    if isinstance(value, list | tuple):
        return not value or any(is_blank(v) for v in value)
    return False


def agree_as_provider(status: PlanStatus, content: Mapping[str, object]) -> PlanStatus:
    """R24, R25: the provider agrees a plan that records every item; it then awaits the
    accountable practitioner."""
    agreed = PLAN.next(status, PlanCommand.PROVIDER_AGREES)
    for field, item in PLAN_ITEMS.items():
        if is_blank(content.get(field)):
            rule = "R24" if field in R24_ITEMS else "R25"
            raise RuleViolation(
                rule,
                f"the training plan must record {item}",
                errors=[{"field": field, "reason": f"required by {rule}"}],
            )
    return agreed


def check_accountable(plan: PlanFacts, practitioner: Practitioner) -> None:
    """R24: the clinical side of the plan is agreed by a registered practitioner of the NHS
    organisation accountable for the task (it proposed it, or keeps its oversight), never by
    the provider itself."""
    if (
        practitioner.role != "registered_practitioner"
        or practitioner.organisation == plan.provider_organisation
        or not (practitioner.is_health and practitioner.accountable)
    ):
        raise Forbidden(
            "R24: a training plan is agreed by a registered practitioner of the NHS "
            "organisation that proposed the task or keeps its clinical oversight"
        )


def agree_as_practitioner(
    plan: PlanFacts, practitioner: Practitioner, today: date
) -> tuple[PlanStatus, list[TrainingPlanAgreed]]:
    """R24: the accountable practitioner's agreement puts the plan in force; one event per
    worker, so that R16 counts the plan only now."""
    check_accountable(plan, practitioner)
    in_force = PLAN.next(plan.status, PlanCommand.PRACTITIONER_AGREES)
    return in_force, [
        TrainingPlanAgreed(
            worker_id=worker_id,
            plan_id=plan.plan_id,
            delegation_id=plan.delegation_id,
            task_code=plan.task_code,
            provider_organisation=plan.provider_organisation,
            agreed_on=today,
            practitioner_organisation=practitioner.organisation,
        )
        for worker_id in plan.worker_ids
    ]


def return_to_provider(plan: PlanFacts, practitioner: Practitioner, reason: str) -> PlanStatus:
    """R24: the accountable practitioner does not agree; the provider writes the plan again."""
    check_accountable(plan, practitioner)
    if is_blank(reason):
        raise InvalidInput("reason", "say why the plan is not agreed")
    return PLAN.next(plan.status, PlanCommand.PRACTITIONER_RETURNS)


def after_delegation_ended(status: PlanStatus) -> PlanStatus:
    """A plan still awaiting agreement is withdrawn when its delegation ends; others stay."""
    if PLAN.allows(status, PlanCommand.WITHDRAW):
        return PLAN.next(status, PlanCommand.WITHDRAW)
    return status


def check_release(status: PlanStatus, hourly_rate_pence: int | None) -> int:
    """Backfill is recorded against a plan the provider agreed, at its hourly rate (returned)."""
    agreed = status in (PlanStatus.AGREED_BY_PROVIDER, PlanStatus.IN_FORCE)
    if not agreed or hourly_rate_pence is None:
        raise Conflict("backfill is recorded against an agreed training plan")
    return hourly_rate_pence


def backfill_cost_pence(minutes: int, hourly_rate_pence: int) -> int:
    """Minutes released x hourly rate / 60, rounded half up to a whole penny."""
    if minutes < 0 or hourly_rate_pence < 0:
        raise InvalidInput("minutes", "must not be negative")
    return (2 * minutes * hourly_rate_pence + 60) // 120


@dataclass(frozen=True)
class InForce:
    """What the support plan records of a plan in force (R24)."""

    person_id: UUID
    practitioner_organisation: str | None
    in_force_on: date
    refresher_interval_months: int
    reassessment_interval_months: int


def on_support_plan(plan: PlanFacts, in_force: InForce | None) -> TrainingPlanOnSupportPlan | None:
    """R24: a task going live puts its training plan on the person's support plan; only a plan
    in force goes there (a task needing no specific training has none)."""
    if in_force is None or plan.status is not PlanStatus.IN_FORCE:
        return None
    return TrainingPlanOnSupportPlan(
        person_id=in_force.person_id,
        plan_id=plan.plan_id,
        delegation_id=plan.delegation_id,
        task_code=plan.task_code,
        provider_organisation=plan.provider_organisation,
        practitioner_organisation=in_force.practitioner_organisation,
        in_force_on=in_force.in_force_on,
        refresher_interval_months=in_force.refresher_interval_months,
        reassessment_interval_months=in_force.reassessment_interval_months,
    )
