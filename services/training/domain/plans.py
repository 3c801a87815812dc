"""R24, R25: a delegation's training plan is required, then agreed once or withdrawn."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.training import TrainingPlanAgreed
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


class PlanStatus(StrEnum):
    REQUIRED = "required"
    AGREED = "agreed"
    WITHDRAWN = "withdrawn"


class PlanCommand(StrEnum):
    AGREE = "agreed"
    WITHDRAW = "withdrawn"


PLAN: Lifecycle[PlanStatus, PlanCommand] = Lifecycle(
    "training plan",
    {
        (PlanStatus.REQUIRED, PlanCommand.AGREE): PlanStatus.AGREED,
        (PlanStatus.REQUIRED, PlanCommand.WITHDRAW): PlanStatus.WITHDRAWN,
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


def agree_training_plan(
    plan: PlanFacts, content: Mapping[str, object], today: date
) -> tuple[PlanStatus, list[TrainingPlanAgreed]]:
    """R24, R25: a plan is agreed once, only when it records every item; one event per worker."""
    agreed = PLAN.next(plan.status, PlanCommand.AGREE)
    for field, item in PLAN_ITEMS.items():
        if is_blank(content.get(field)):
            raise RuleViolation(
                "R25",
                f"the training plan must record {item}",
                errors=[{"field": field, "reason": "required by R25"}],
            )
    return agreed, [
        TrainingPlanAgreed(
            worker_id=worker_id,
            plan_id=plan.plan_id,
            delegation_id=plan.delegation_id,
            task_code=plan.task_code,
            provider_organisation=plan.provider_organisation,
            agreed_on=today,
        )
        for worker_id in plan.worker_ids
    ]


def after_delegation_ended(status: PlanStatus) -> PlanStatus:
    """A plan still awaiting agreement is withdrawn when its delegation ends; others stay."""
    if PLAN.allows(status, PlanCommand.WITHDRAW):
        return PLAN.next(status, PlanCommand.WITHDRAW)
    return status


def check_release(status: PlanStatus, hourly_rate_pence: int | None) -> int:
    """Backfill is recorded against an agreed plan, at its hourly rate (returned)."""
    if status is not PlanStatus.AGREED or hourly_rate_pence is None:
        raise Conflict("backfill is recorded against an agreed training plan")
    return hourly_rate_pence


def backfill_cost_pence(minutes: int, hourly_rate_pence: int) -> int:
    """Minutes released x hourly rate / 60, rounded half up to a whole penny."""
    if minutes < 0 or hourly_rate_pence < 0:
        raise InvalidInput("minutes", "must not be negative")
    return (2 * minutes * hourly_rate_pence + 60) // 120
