"""What every use case needs: today's date, and a delegation loaded under its row lock."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import Delegation, DelegationStatus
from shared.auth import CurrentUser, Role
from shared.errors import NotFound
from shared.outbox import session_clock

ACTIVE = (DelegationStatus.AWAITING_GATES, DelegationStatus.LIVE, DelegationStatus.SUSPENDED)
RUNNING = (DelegationStatus.LIVE, DelegationStatus.SUSPENDED)


def today(session: AsyncSession) -> date:
    return session_clock(session).now().date()


def visible_to(user: CurrentUser, delegation: Delegation) -> bool:
    """Provider staff see only what was delegated to their organisation."""
    if user.role in (Role.PROVIDER_MANAGER, Role.CARE_WORKER):
        return delegation.provider_organisation == user.organisation
    return True


async def delegation_for_update(
    session: AsyncSession, delegation_id: UUID, user: CurrentUser
) -> Delegation:
    """Lock the delegation; another organisation's is 'not found', so nothing leaks."""
    delegation = await session.scalar(
        select(Delegation).where(Delegation.id == delegation_id).with_for_update()
    )
    if delegation is None or not visible_to(user, delegation):
        raise NotFound(f"no delegation {delegation_id}")
    return delegation
