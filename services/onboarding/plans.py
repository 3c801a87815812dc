"""Support plans at go-live (assessment): each row a version of the person's plan, added as
`POST /people/{id}/support-plans` adds it (its versions only ever added; the row's source id
is its Idempotency-Key)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.handlers import plans
from services.assessment.models import SupportPlanVersion
from services.assessment.schemas.plans import SupportPlanCreate
from services.onboarding.rows import FieldProblem, Path, RowRefused, body, cell, flag, from_domain
from services.onboarding.runner import Kind, operator
from shared.errors import DomainError

COLUMNS: dict[str, Path] = {
    "visits_per_day": ("visits_per_day",),
    "minutes_per_visit": ("minutes_per_visit",),
    "days_per_week": ("days_per_week",),
    "provider_organisation": ("provider_organisation",),
    "effective_from": ("effective_from",),
    "reason": ("reason",),
}
OTHER = ("person_id", "recorded_by_organisation")


def parse(row: dict[str, str]) -> tuple[uuid.UUID, str, SupportPlanCreate]:
    problems: list[FieldProblem] = []
    person_id = None
    try:
        person_id = uuid.UUID(cell(row, "person_id") or "")
    except ValueError:
        problems.append(FieldProblem("person_id", "required: the person's id (from people)"))
    by = cell(row, "recorded_by_organisation")
    if by is None:
        problems.append(FieldProblem("recorded_by_organisation", "required: an ODS code"))
    data = {c: flag(row, c) for c in COLUMNS if flag(row, c) is not None}
    try:
        plan = body(SupportPlanCreate, data, COLUMNS)
    except RowRefused as exc:
        problems = exc.problems + problems
    if problems or person_id is None or by is None:
        raise RowRefused(problems)
    return person_id, by, plan


async def existing(session: AsyncSession, rows: Sequence[tuple[str, Any]]) -> dict[str, str]:
    keys = [key for key, _ in rows]
    found = await session.execute(
        select(SupportPlanVersion.idempotency_key, SupportPlanVersion.id).where(
            SupportPlanVersion.idempotency_key.in_(keys)
        )
    )
    return {key: str(made) for key, made in found.all() if key}


async def apply(session: AsyncSession, user_id: str, key: str, row: Any) -> str:
    person_id, by, plan = row
    made, _ = await plans.version_support_plan(session, operator(user_id, by), person_id, plan, key)
    await session.flush()
    return str(made.id)


def explain(exc: DomainError) -> RowRefused:
    return from_domain(exc, COLUMNS, lambda words: "person_id" if "person" in words else "row")


KIND = Kind(
    name="plans",
    service="assessment",
    columns=("source_id", *OTHER, *COLUMNS),
    parse=parse,
    existing=existing,
    apply=apply,
    explain=explain,
)
