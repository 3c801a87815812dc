"""Provider acceptance (R15), going live (R7, R13, R16, R17, R24), suspension and resumption
(R7, R16), oversight (R17) and the end of a delegation: load, ask the domain, record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delegations as rules
from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.reviews import regular_review_due
from services.delegation.handlers import record
from services.delegation.handlers.gates import gate_states, readiness, workers_of
from services.delegation.models import Delegation, Person
from services.delegation.queries.delegations import visible_to
from services.delegation.schemas.delegations import AcceptanceCreate
from services.delegation.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import today
from shared.errors import NotFound
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.outbox import publish


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


async def accept(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: AcceptanceCreate
) -> Delegation:
    """R13, R15: the accepting organisation names its workers and becomes accountable."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    acceptance = rules.Acceptance(
        tuple(body.worker_ids),
        body.training_confirmed,
        body.supervision_confirmed,
        body.insurance_and_indemnity_confirmed,
    )
    on = today(session)
    transition = rules.accept(facts_of(delegation), acceptance, on)
    delegation.worker_ids = [str(w) for w in dict.fromkeys(body.worker_ids)]
    delegation.accepted_on = on
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.accept", delegation.id, "training, supervision, cover")
    await go_live_if_ready(session, delegation, actor)
    return delegation


async def decline(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, reason: str
) -> Delegation:
    """R15: a provider may decline a task it cannot deliver safely."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    transition = rules.decline(facts_of(delegation), reason, today(session))
    delegation.declined_reason = reason
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.decline", delegation.id, reason)
    return delegation


async def end(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, reason: str
) -> Delegation:
    """A delegation is ended with a reason; ending twice has no second effect (409)."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    await end_delegation(session, actor, delegation, reason)
    return delegation


async def end_delegation(
    session: AsyncSession, actor: CurrentUser, delegation: Delegation, reason: str
) -> None:
    """Ends a loaded delegation: from the end route and from a review's outcome (R26)."""
    on = today(session)
    transition = rules.end(facts_of(delegation), reason, on)
    delegation.ended_on, delegation.end_reason, delegation.next_review_due = on, reason, None
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.end", delegation.id, reason)


async def go_live_if_ready(
    session: AsyncSession, delegation: Delegation, actor: CurrentUser = SYSTEM
) -> bool:
    """R7, R13, R15-R17, R24: when every gate is green the delegation goes live."""
    if not rules.LIFECYCLE.allows(DelegationState(delegation.status), rules.GO_LIVE):
        return False
    gates = await gate_states(session, delegation)
    person = await session.get(Person, delegation.person_id)
    if person is None:  # the oversight gate is red until the person is known
        return False
    start, placement = today(session), placement_of(Settings.of(session), delegation, person)
    transition = rules.go_live(facts_of(delegation), gates, placement, start)
    if transition is None:
        return False
    delegation.accountable_organisation = placement.accountable_organisation
    delegation.local_authority = placement.local_authority
    delegation.oversight_kind = placement.oversight.kind
    delegation.oversight_owner = placement.oversight.owner
    delegation.start_date, delegation.next_review_due = start, regular_review_due(start, 0)
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.live", delegation.id, "every gate is green")
    return True


def placement_of(settings: Settings, delegation: Delegation, person: Person) -> rules.Placement:
    oversight = rules.oversight_for(
        person.open_to_chs, person.gp_practice, settings.chs_organisation
    )
    return rules.placement(
        Direction(delegation.direction),
        person.local_authority,
        oversight,
        settings.icb_organisation,
    )


async def reassess(session: AsyncSession, delegation: Delegation) -> None:
    """After a gate's facts change: go live, suspend (R7, R16) or resume."""
    state = DelegationState(delegation.status)
    if state is DelegationState.AWAITING_GATES:
        await go_live_if_ready(session, delegation)
        return
    if state not in rules.RUNNING:
        return
    facts = await readiness(session, delegation)
    reason = rules.suspension_reason(facts.consent, len(facts.competent_workers))
    if delegation.suspension_reason != reason:
        delegation.suspension_reason = reason
    transition = rules.reassess(facts_of(delegation), reason, today(session))
    if transition is not None:
        await record(session, delegation, transition)
        action = "suspend" if transition.state is DelegationState.SUSPENDED else "resume"
        why = reason or "its gates are green again"
        await audit(session, SYSTEM, f"delegation.{action}", delegation.id, why)


async def reassess_all(session: AsyncSession, delegations: Sequence[Delegation]) -> None:
    for delegation in delegations:
        await reassess(session, delegation)


async def transfer_oversight(
    session: AsyncSession, delegation: Delegation, to: rules.Oversight, on: date
) -> None:
    """R17: oversight follows the person's CHS status."""
    transferred = rules.transfer_oversight(facts_of(delegation), to, on)
    if transferred is None:
        return
    await publish(session, transferred)
    delegation.oversight_kind, delegation.oversight_owner = to.kind, to.owner
    await audit(session, SYSTEM, "delegation.oversight_transfer", delegation.id, to.owner)
