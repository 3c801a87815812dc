"""The delegation service's use cases and event reactions: load, decide, record; never commit."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import Transition
from shared.outbox import publish

S = TypeVar("S", bound=StrEnum)


class HasStatus(Protocol):
    status: str


async def record(session: AsyncSession, row: HasStatus, transition: Transition[S]) -> None:
    """Apply what the domain decided: its state on the row, its events in the outbox. The row's
    version makes the flush a compare-and-set, so a concurrent change makes this a 409."""
    row.status = transition.state
    for event in transition.events:
        await publish(session, event)
