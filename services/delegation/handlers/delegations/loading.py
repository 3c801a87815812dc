"""Loading a delegation and its facts; a stop that opens the handback (R18, R20)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delegations as rules
from services.delegation.domain.delegations import DelegationState
from services.delegation.handlers import handbacks
from services.delegation.handlers.gates import workers_of
from services.delegation.models import Delegation, NamedWorker
from services.delegation.queries.delegations import visible_to
from shared.auth import CurrentUser
from shared.errors import NotFound
from shared.events.delegation import StopReason
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory


async def name_workers(
    session: AsyncSession, delegation: Delegation, worker_ids: list[str]
) -> None:
    """R16: the delegation's named workers, and a row for each (a care worker's tasks are read
    through them on an index): every change of `worker_ids` goes through here."""
    gone = [UUID(w) for w in delegation.worker_ids or [] if w not in worker_ids]
    added = [w for w in worker_ids if w not in (delegation.worker_ids or [])]
    delegation.worker_ids = worker_ids
    if gone:
        await session.execute(
            delete(NamedWorker).where(
                NamedWorker.delegation_id == delegation.id, NamedWorker.worker_id.in_(gone)
            )
        )
    session.add_all(NamedWorker(delegation_id=delegation.id, worker_id=UUID(w)) for w in added)


def facts_of(delegation: Delegation) -> rules.Delegation:
    oversight = None
    if delegation.oversight_kind is not None and delegation.oversight_owner is not None:
        oversight = rules.Oversight(
            OversightKind(delegation.oversight_kind), delegation.oversight_owner
        )
    return rules.Delegation(
        delegation_id=delegation.id,
        person_id=delegation.person_id,
        task_code=delegation.task_code,
        category=TaskCategory(delegation.category),
        direction=Direction(delegation.direction),
        setting=Setting(delegation.setting),
        provider_organisation=delegation.provider_organisation,
        additional_minutes_per_week=delegation.additional_minutes_per_week,
        state=DelegationState(delegation.status),
        worker_ids=workers_of(delegation),
        oversight=oversight,
        local_authority=delegation.local_authority,
        needs_specific_training=delegation.needs_specific_training,
        section_22_met=delegation.section_22_met,
        mdt_organisations=tuple(delegation.mdt_organisations or ()),
        proposal_id=delegation.proposal_id,
    )


async def delegation_for_update(
    session: AsyncSession, delegation_id: UUID, user: CurrentUser
) -> Delegation:
    """The delegation, locked where the database can; another organisation's is 'not found'."""
    delegation = await session.scalar(
        select(Delegation).where(Delegation.id == delegation_id).with_for_update()
    )
    if delegation is None or not visible_to(user, delegation):
        raise NotFound(f"no delegation {delegation_id}")
    return delegation


async def stopped(
    session: AsyncSession, facts: rules.Delegation, reason: StopReason, on: date
) -> None:
    """R18, R20: a running delegation stopped: its handback opens in this transaction."""
    if rules.stops(facts):
        await handbacks.open_for(session, facts, reason, on)
