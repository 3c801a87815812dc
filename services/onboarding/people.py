"""People at go-live (assessment): registered as `POST /people` registers them, so
`PersonRegistered` reaches the other services and the registering organisation and the
person's council hold a relationship with them. The NHS number is the natural key: a person
already registered is not registered again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.handlers import people
from services.assessment.models import Person
from services.assessment.schemas.people import PersonCreate
from services.onboarding.rows import FieldProblem, Path, RowRefused, body, cell, flag, from_domain
from services.onboarding.runner import Kind, operator
from shared.errors import DomainError

COLUMNS: dict[str, Path] = {
    "nhs_number": ("nhs_number",),
    "local_authority": ("local_authority",),
    "gp_practice": ("gp_practice",),
    "setting": ("setting",),
    "open_to_community_health_services": ("open_to_community_health_services",),
}
REGISTERED_BY = "registered_by_organisation"


def parse(row: dict[str, str]) -> tuple[str, PersonCreate]:
    by = cell(row, REGISTERED_BY)
    data = {c: flag(row, c) for c in COLUMNS if flag(row, c) is not None}
    try:
        person = body(PersonCreate, data, COLUMNS)
    except RowRefused as exc:
        missing = [] if by else [FieldProblem(REGISTERED_BY, "required: an ODS code")]
        raise RowRefused(exc.problems + missing) from None
    if by is None:
        raise RowRefused([FieldProblem(REGISTERED_BY, "required: an ODS code")])
    return by, person


async def existing(session: AsyncSession, rows: Sequence[tuple[str, Any]]) -> dict[str, str]:
    """People already registered, by NHS number (the file's or anyone's registration)."""
    numbers = {person.nhs_number: key for key, (_, person) in rows}
    found = await session.execute(
        select(Person.nhs_number, Person.id).where(Person.nhs_number.in_(numbers))
    )
    return {numbers[number]: str(person_id) for number, person_id in found.all()}


async def apply(session: AsyncSession, user_id: str, _key: str, row: Any) -> str:
    registered_by, person = row
    made = await people.register_person(session, operator(user_id, registered_by), person)
    await session.flush()
    return str(made.id)


def explain(exc: DomainError) -> RowRefused:
    return from_domain(exc, COLUMNS, lambda _: "nhs_number")


KIND = Kind(
    name="people",
    service="assessment",
    columns=("source_id", *COLUMNS, REGISTERED_BY),
    parse=parse,
    existing=existing,
    apply=apply,
    explain=explain,
)
