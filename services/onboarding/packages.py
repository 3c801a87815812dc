"""Joint packages at go-live (funding, R21): agreed as `POST /joint-packages` agrees them, the
row's source id its Idempotency-Key. The apportionments of imported delegations need no file:
funding makes them from the delegations' TaskDelegated events (R19), as for any delegation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.handlers import packages
from services.funding.models import JointPackage
from services.funding.schemas.packages import JointPackageCreate
from services.onboarding.rows import (
    PART_SEPARATOR,
    FieldProblem,
    Path,
    RowRefused,
    body,
    cell,
    from_domain,
    items,
)
from services.onboarding.runner import Kind, operator
from shared.errors import DomainError

COLUMNS: dict[str, Path] = {
    "person_id": ("person_id",),
    "setting": ("setting",),
    "weekly_cost_pence": ("weekly_cost_pence",),
    "shares": ("shares",),
    "effective_from": ("effective_from",),
    "delegation_id": ("delegation_id",),
    "chc_outcome": ("chc_outcome",),
    "chc_decided_on": ("chc_decided_on",),
}
AGREED_BY = "agreed_by_organisation"


def shares(row: dict[str, str]) -> list[dict[str, Any]]:
    """`organisation:percent` each (R21)."""
    found = []
    for item in items(row, "shares"):
        organisation, _, percent = item.partition(PART_SEPARATOR)
        found.append({"organisation": organisation, "percent": percent or None})
    return found


def parse(row: dict[str, str]) -> tuple[str, JointPackageCreate]:
    data: dict[str, Any] = {c: cell(row, c) for c in COLUMNS if cell(row, c) is not None}
    data["shares"] = shares(row)
    by = cell(row, AGREED_BY)
    missing = [] if by else [FieldProblem(AGREED_BY, "required: an ODS code")]
    try:
        package = body(JointPackageCreate, data, COLUMNS)
    except RowRefused as exc:
        raise RowRefused(exc.problems + missing) from None
    if by is None:
        raise RowRefused(missing)
    return by, package


async def existing(session: AsyncSession, rows: Sequence[tuple[str, Any]]) -> dict[str, str]:
    keys = [key for key, _ in rows]
    found = await session.execute(
        select(JointPackage.idempotency_key, JointPackage.id).where(
            JointPackage.idempotency_key.in_(keys)
        )
    )
    return {key: str(made) for key, made in found.all() if key}


async def apply(session: AsyncSession, user_id: str, key: str, row: Any) -> str:
    by, package = row
    made, _ = await packages.agree_joint_package(session, operator(user_id, by), package, key)
    await session.flush()
    return str(made.id)


def explain(exc: DomainError) -> RowRefused:
    return from_domain(exc, COLUMNS, guess)


def guess(words: str) -> str:
    if "party" in words:
        return AGREED_BY
    return "shares" if "share" in words else "row"


KIND = Kind(
    name="packages",
    service="funding",
    columns=("source_id", *COLUMNS, AGREED_BY),
    parse=parse,
    existing=existing,
    apply=apply,
    explain=explain,
)
