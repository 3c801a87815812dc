"""Delegations as each organisation may see them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from uuid import UUID

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import Delegation
from shared.auth import CurrentUser, Role
from shared.errors import NotFound

PROVIDER_ROLES = (Role.PROVIDER_MANAGER, Role.CARE_WORKER)
Row = TypeVar("Row")


def visible_to(user: CurrentUser, delegation: Delegation) -> bool:
    """Provider staff see only what was delegated to their organisation."""
    if user.role in PROVIDER_ROLES:
        return delegation.provider_organisation == user.organisation
    return True


def organisation_of(user: CurrentUser, organisation: str | None) -> str | None:
    """Provider staff are held to their own organisation whatever they ask for."""
    return user.organisation if user.role in PROVIDER_ROLES else organisation


def concerning(query: Select[Row], organisation: str) -> Select[Row]:
    """What the organisation provides or is accountable for."""
    return query.where(
        or_(
            Delegation.provider_organisation == organisation,
            Delegation.accountable_organisation == organisation,
        )
    )


async def delegation(session: AsyncSession, user: CurrentUser, delegation_id: UUID) -> Delegation:
    found = await session.get(Delegation, delegation_id)
    if found is None or not visible_to(user, found):
        raise NotFound(f"no delegation {delegation_id}")
    return found


async def delegations(
    session: AsyncSession, user: CurrentUser, organisation: str | None, person_id: UUID | None
) -> Sequence[Delegation]:
    query = select(Delegation).order_by(Delegation.created_at, Delegation.id)
    if (org := organisation_of(user, organisation)) is not None:
        query = concerning(query, org)
    if person_id is not None:
        query = query.where(Delegation.person_id == person_id)
    return (await session.scalars(query)).all()
