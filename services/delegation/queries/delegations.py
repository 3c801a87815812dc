"""Delegations as each organisation may see them: a person's records only within a legitimate
relationship (or with the glass broken), every read audited; provider staff only what was
delegated to their organisation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVarTuple
from uuid import UUID

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.delegations import DelegationState
from services.delegation.models import Delegation
from shared import organisations, pages
from shared.access import listed, person_record, visible_people
from shared.auth import CurrentUser, Role
from shared.db import now
from shared.errors import NotFound

PROVIDER_ROLES = (Role.PROVIDER_MANAGER, Role.CARE_WORKER)
Columns = TypeVarTuple("Columns")


def visible_to(user: CurrentUser, delegation: Delegation) -> bool:
    """Provider staff see only what was delegated to their organisation."""
    if user.role in PROVIDER_ROLES:
        return delegation.provider_organisation == user.organisation
    return True


async def readable(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    record: str,
    subject: str,
    break_glass: str | None = None,
) -> None:
    """One read of a person's `record`: within a relationship, or with the glass broken, and
    audited; else 'not found', naming only what was asked for (not the person)."""
    try:
        await person_record(session, user, person_id, record, break_glass)
    except NotFound:
        raise NotFound(f"no {subject}") from None


def people_filter(session: AsyncSession, user: CurrentUser) -> Select[tuple[UUID]] | None:
    """The people a list may show the caller now (None: all, for the platform's services)."""
    return visible_people(user, now(session))


async def organisation_of(
    session: AsyncSession, user: CurrentUser, organisation: str | None
) -> str | None:
    """Provider staff are held to their own organisation whatever they ask for; one asked for
    is a partner in the register (R2)."""
    if user.role in PROVIDER_ROLES:
        return user.organisation
    if organisation is not None:
        await organisations.named(session, organisation, "organisation")
    return organisation


def concerning(query: Select[*Columns], organisation: str) -> Select[*Columns]:
    """What the organisation provides or is accountable for."""
    return query.where(
        or_(
            Delegation.provider_organisation == organisation,
            Delegation.accountable_organisation == organisation,
        )
    )


async def delegation(
    session: AsyncSession,
    user: CurrentUser,
    delegation_id: UUID,
    break_glass: str | None = None,
    record: str = "delegation",
) -> Delegation:
    found = await session.get(Delegation, delegation_id)
    if found is None or not visible_to(user, found):
        raise NotFound(f"no delegation {delegation_id}")
    await readable(
        session, user, found.person_id, record, f"delegation {delegation_id}", break_glass
    )
    return found


@dataclass(frozen=True)
class DelegationFilter:
    organisation: str | None = None
    person_id: UUID | None = None
    state: DelegationState | None = None
    task_code: str | None = None
    provider_organisation: str | None = None
    oversight_owner: str | None = None


ORDER = (pages.Key(Delegation.created_at, datetime), pages.Key(Delegation.id, UUID))


async def delegations(
    session: AsyncSession,
    user: CurrentUser,
    where: DelegationFilter,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Delegation], str | None]:
    """Oldest first, a page at a time, of the people the caller may see (each read audited);
    provider staff only what was delegated to their organisation."""
    query = select(Delegation)
    if (people := people_filter(session, user)) is not None:
        query = query.where(Delegation.person_id.in_(people))
    if (org := await organisation_of(session, user, where.organisation)) is not None:
        query = concerning(query, org)
    for name, value in (
        ("provider_organisation", where.provider_organisation),
        ("oversight_owner", where.oversight_owner),
    ):
        if value is not None:
            await organisations.named(session, value, name)  # R2
    for column, wanted in (
        (Delegation.person_id, where.person_id),
        (Delegation.status, where.state),
        (Delegation.task_code, where.task_code),
        (Delegation.provider_organisation, where.provider_organisation),
        (Delegation.oversight_owner, where.oversight_owner),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    page, next_cursor = await pages.keyset(session, query, ORDER, limit, cursor)
    await listed(session, user, "delegation", [d.person_id for d in page])
    return page, next_cursor
