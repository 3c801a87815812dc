"""Provider acceptance (R15), going live (R7, R13, R16, R17, R24), suspension and resumption
(R7, R16), clinical suspension, declining and handing back (R18), workers leaving (R16),
oversight (R17) and the end of a delegation: load, ask the domain, record. Every stop of a
running delegation opens its handback in the same transaction (R18, R20)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delegations as rules
from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.gates import ready_workers
from services.delegation.domain.reviews import regular_review_due
from services.delegation.handlers import handbacks, record
from services.delegation.handlers.gates import gate_states, readiness, workers_of
from services.delegation.models import Delegation, Person, WorkerDeparture
from services.delegation.queries.delegations import visible_to
from services.delegation.schemas.delegations import AcceptanceCreate
from services.delegation.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import today
from shared.errors import NotFound
from shared.events.delegation import HandbackClosure, StopReason, SuspensionReason
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
        local_authority=delegation.local_authority,
        needs_specific_training=delegation.needs_specific_training,
        section_22_met=delegation.section_22_met,
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
    """R15: a provider may decline a task it cannot deliver safely; R18: once it carries it,
    the task returns to its owner."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    facts, on = facts_of(delegation), today(session)
    transition = rules.decline(facts, reason, on)
    delegation.declined_reason = reason
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.decline", delegation.id, reason)
    await stopped(session, facts, StopReason.DECLINED_AFTER_ACCEPTANCE, on)
    return delegation


async def stopped(
    session: AsyncSession, facts: rules.Delegation, reason: StopReason, on: date
) -> None:
    """R18, R20: a running delegation stopped: its handback opens in this transaction."""
    if rules.stops(facts):
        await handbacks.open_for(session, facts, reason, on)


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
    """Ends a loaded delegation: from the end route and from a review's outcome (R26). A running
    task returns to its owner (R18); the handback closes once its funding settles (R20)."""
    on, facts = today(session), facts_of(delegation)
    transition = rules.end(facts, reason, on)
    delegation.ended_on, delegation.end_reason, delegation.next_review_due = on, reason, None
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.end", delegation.id, reason)
    await stopped(session, facts, StopReason.ENDED, on)
    await session.flush()
    await handbacks.close_if_ended_and_settled(session, delegation.id)


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
    await handbacks.close_redelegated(session, delegation, start)
    return True


def placement_of(settings: Settings, delegation: Delegation, person: Person) -> rules.Placement:
    oversight = rules.oversight_for(
        person.open_to_chs,
        person.gp_practice,
        settings.chs_organisation,
        delegation.needs_specific_training,
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
    reason = await gate_reason(session, delegation)
    if delegation.suspension_reason != reason:
        delegation.suspension_reason = reason
    facts, on = facts_of(delegation), today(session)
    transition = rules.reassess(facts, reason, on)
    if transition is None:
        return
    await record(session, delegation, transition)
    if reason is not None:
        await audit(session, SYSTEM, "delegation.suspend", delegation.id, reason)
        await stopped(session, facts, rules.stop_reason(reason), on)
    else:
        await audit(session, SYSTEM, "delegation.resume", delegation.id, "its gates are green")
        await handbacks.close_for(session, delegation.id, HandbackClosure.RESUMED, on)


async def gate_reason(session: AsyncSession, delegation: Delegation) -> SuspensionReason | None:
    """R7, R16: what stops the delegation today, from its gates' facts."""
    facts = await readiness(session, delegation)
    return rules.suspension_reason(facts.consent, len(ready_workers(facts)))


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


async def suspend_clinically(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, reason: str
) -> Delegation:
    """R17, R18: the oversight owner's practitioner stops the task at once; it returns to them."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    facts, on = facts_of(delegation), today(session)
    transition = rules.suspend_clinically(facts, actor.organisation, reason)
    delegation.clinical_suspension_reason = reason
    delegation.clinically_suspended_by, delegation.clinically_suspended_on = actor.user_id, on
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.suspend_clinically", delegation.id, reason)
    await stopped(session, facts, StopReason.CLINICAL_SUSPENSION, on)
    return delegation


async def lift_clinical_suspension(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID
) -> Delegation:
    """R17: the oversight owner lifts its suspension; live again (handback closed) when every
    gate is green, else suspended for the red gate with the handback still open."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    reason, on = await gate_reason(session, delegation), today(session)
    transition = rules.lift(facts_of(delegation), actor.organisation, reason, on)
    delegation.suspension_reason = reason
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.lift_clinical_suspension", delegation.id, reason)
    if transition.state is DelegationState.LIVE:
        await handbacks.close_for(session, delegation.id, HandbackClosure.RESUMED, on)
    return delegation


async def give_notice(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, notice_date: date, reason: str
) -> Delegation:
    """R18: the provider hands the task back from the notice date; today's stops it at once."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    on = today(session)
    transition = rules.give_notice(facts_of(delegation), notice_date, reason, on)
    delegation.handback_notice_on, delegation.handback_notice_reason = notice_date, reason
    await record(session, delegation, transition)
    await audit(
        session, actor, "delegation.handback_notice", delegation.id, f"{notice_date}: {reason}"
    )
    if notice_date <= on:
        await hand_back(session, delegation, on)
    return delegation


async def hand_back(session: AsyncSession, delegation: Delegation, on: date) -> None:
    """R18: on its notice date the task stops and returns to its owner."""
    facts = facts_of(delegation)
    await record(session, delegation, rules.hand_back(facts))
    delegation.next_review_due = None
    await audit(session, SYSTEM, "delegation.hand_back", delegation.id, str(on))
    await stopped(session, facts, StopReason.HANDED_BACK, on)


async def hand_back_on_notice(session: AsyncSession) -> int:
    """Scheduler job, R18: delegations whose notice date has come are handed back."""
    on = today(session)
    due = await session.scalars(
        select(Delegation)
        .where(Delegation.handback_notice_on <= on, Delegation.status.in_(rules.RUNNING))
        .order_by(Delegation.id)
        .with_for_update(skip_locked=True)
    )
    handed_back = 0
    for delegation in due.all():
        await hand_back(session, delegation, on)
        handed_back += 1
    return handed_back


async def record_departure(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, worker_id: UUID
) -> Delegation:
    """R16: a worker who leaves no longer carries out the task; with nobody competent left the
    delegation suspends and the task returns to its owner."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    rules.check_departure(facts_of(delegation), worker_id)
    delegation.worker_ids = [w for w in delegation.worker_ids if w != str(worker_id)]
    session.add(
        WorkerDeparture(
            delegation_id=delegation.id,
            worker_id=worker_id,
            left_on=today(session),
            recorded_by=actor.user_id,
        )
    )
    await audit(session, actor, "delegation.worker_left", delegation.id, str(worker_id))
    await session.flush()
    await reassess(session, delegation)
    return delegation


async def judge_competence_today(session: AsyncSession, batch: int = 500) -> int:
    """Scheduler job, R16: once a day each running delegation's workers are judged on the day,
    so a competence stops counting on its valid_until even before training's CompetenceLapsed
    arrives; with nobody competent left it suspends and the task is handed back (R18)."""
    on = today(session)
    due = await session.scalars(
        select(Delegation)
        .where(
            Delegation.status.in_(rules.RUNNING),
            or_(Delegation.competence_checked_on.is_(None), Delegation.competence_checked_on < on),
        )
        .order_by(Delegation.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    judged = 0
    for delegation in due.all():
        await reassess(session, delegation)
        delegation.competence_checked_on = on
        judged += 1
    return judged
