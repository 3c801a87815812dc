"""Gates, going live, suspension and resumption, oversight: R7, R13, R15-R18, R24."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import gates as rules
from services.delegation.domain.decision import accountable_organisation
from services.delegation.domain.reviews import regular_review_due
from services.delegation.handlers.common import today
from services.delegation.models import Delegation, DelegationStatus, Person
from services.delegation.queries import competent_workers, gate_states, has_consent, workers_of
from services.delegation.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.events.delegation import (
    DelegationResumed,
    DelegationSuspended,
    OversightTransferred,
    SuspensionReason,
    TaskDelegated,
)
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.outbox import publish


async def go_live_if_ready(
    session: AsyncSession, delegation: Delegation, actor: CurrentUser = SYSTEM
) -> bool:
    """R7, R13, R15-R17, R24: when every gate is green the delegation goes live."""
    if delegation.status != DelegationStatus.AWAITING_GATES:
        return False
    if not rules.all_green(await gate_states(session, delegation)):
        return False
    person = await session.get(Person, delegation.person_id)
    assert person is not None  # the oversight gate is green only once the person is known
    settings, start = Settings.of(session), today(session)
    oversight = rules.oversight_for(
        person.open_to_chs, person.gp_practice, settings.chs_organisation
    )
    direction = Direction(delegation.direction)
    delegation.accountable_organisation = accountable_organisation(
        direction, settings.icb_organisation, person.local_authority
    )
    delegation.local_authority = person.local_authority
    delegation.oversight_kind, delegation.oversight_owner = oversight.kind, oversight.owner
    delegation.status, delegation.start_date = DelegationStatus.LIVE, start
    delegation.next_review_due = regular_review_due(start, 0)
    await publish(session, task_delegated(delegation, start))
    await audit(session, actor, "delegation.live", delegation.id, "every gate is green")
    return True


def task_delegated(delegation: Delegation, start: date) -> TaskDelegated:
    return TaskDelegated(
        person_id=delegation.person_id,
        delegation_id=delegation.id,
        task_code=delegation.task_code,
        category=TaskCategory(delegation.category),
        direction=Direction(delegation.direction),
        setting=Setting(delegation.setting),
        accountable_organisation=delegation.accountable_organisation or "",
        provider_organisation=delegation.provider_organisation,
        local_authority=delegation.local_authority or "",
        additional_minutes_per_week=delegation.additional_minutes_per_week,
        start_date=start,
        oversight_kind=OversightKind(delegation.oversight_kind or OversightKind.PRIMARY_CARE),
        oversight_owner=delegation.oversight_owner or "",
        worker_ids=list(workers_of(delegation)),
    )


async def reassess(session: AsyncSession, delegation: Delegation) -> None:
    """After a gate's facts change: go live, suspend (R7, R16) or resume."""
    if delegation.status == DelegationStatus.AWAITING_GATES:
        await go_live_if_ready(session, delegation)
        return
    if delegation.status not in (DelegationStatus.LIVE, DelegationStatus.SUSPENDED):
        return
    on = today(session)
    reason = rules.suspension_reason(
        await has_consent(session, delegation),
        len(await competent_workers(session, delegation, on)),
    )
    if reason is not None and delegation.status == DelegationStatus.LIVE:
        await suspend(session, delegation, reason, on)
    elif reason is not None:
        delegation.suspension_reason = reason
    elif delegation.status == DelegationStatus.SUSPENDED:
        await resume(session, delegation, on)


async def suspend(
    session: AsyncSession, delegation: Delegation, reason: SuspensionReason, on: date
) -> None:
    delegation.status, delegation.suspension_reason = DelegationStatus.SUSPENDED, reason
    await publish(
        session,
        DelegationSuspended(
            person_id=delegation.person_id,
            delegation_id=delegation.id,
            reason=reason,
            effective_date=on,
        ),
    )
    await audit(session, SYSTEM, "delegation.suspend", delegation.id, reason)


async def resume(session: AsyncSession, delegation: Delegation, on: date) -> None:
    delegation.status, delegation.suspension_reason = DelegationStatus.LIVE, None
    await publish(
        session,
        DelegationResumed(
            person_id=delegation.person_id, delegation_id=delegation.id, effective_date=on
        ),
    )
    await audit(session, SYSTEM, "delegation.resume", delegation.id, "its gates are green again")


async def reassess_all(session: AsyncSession, delegations: Sequence[Delegation]) -> None:
    for delegation in delegations:
        await reassess(session, delegation)


async def transfer_oversight(
    session: AsyncSession, delegation: Delegation, to: rules.Oversight, on: date
) -> None:
    """R17: oversight follows the person's CHS status."""
    if delegation.oversight_kind == to.kind and delegation.oversight_owner == to.owner:
        return
    await publish(
        session,
        OversightTransferred(
            person_id=delegation.person_id,
            delegation_id=delegation.id,
            from_kind=OversightKind(delegation.oversight_kind or to.kind),
            from_owner=delegation.oversight_owner or "",
            to_kind=to.kind,
            to_owner=to.owner,
            effective_date=on,
        ),
    )
    delegation.oversight_kind, delegation.oversight_owner = to.kind, to.owner
    await audit(session, SYSTEM, "delegation.oversight_transfer", delegation.id, to.owner)
