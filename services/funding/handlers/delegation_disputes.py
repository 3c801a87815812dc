"""R22: a dispute about a delegation's apportioned cost (R19), or about the funding decision that
settled its without-prejudice funding (R20), goes to the CSU like a joint package's; its outcome
names the one organisation that pays, from its date, and the days already paid are settled back.
Nothing stops paying meanwhile (R20)."""

from dataclasses import replace
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import apportionment, disputes, money
from services.funding.domain.disputes import DisputeState
from services.funding.domain.lines import lines_behind
from services.funding.domain.packages import ShareTerm
from services.funding.handlers.segments import concerning, hand_over, lines_until
from services.funding.models import Dispute, FundedDelegation, FundingSegment, Settlement
from services.funding.queries.rates import rates_of
from services.funding.queries.segments import segments_of
from services.funding.queries.versions import framework_version_in_force
from services.funding.schemas.disputes import DelegationDisputeCreate
from services.funding.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import today
from shared.errors import NotFound
from shared.events import funding as events
from shared.events.funding import DisputeReason, DisputeSubject
from shared.events.governance import DisputeResolved
from shared.outbox import publish


async def raise_delegation_dispute(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: DelegationDisputeCreate
) -> Dispute:
    """R22: a party (the NHS, the council, the accountable organisation or the payer) disputes
    the delegation's apportionment or its without-prejudice decision; it goes to the CSU."""
    health = Settings.of(session).health_commissioner
    delegation = await concerning(session, actor, delegation_id, health)
    parties = sorted(
        {health, delegation.local_authority, delegation.accountable_organisation, delegation.payer}
    )
    state = disputes.raise_about_delegation(
        body.subject_kind,
        delegation.decided_on is not None,
        parties,
        actor.organisation,
        await open_dispute_on(session, delegation_id),
    )
    dispute = Dispute(
        id=uuid4(),
        subject_kind=body.subject_kind,
        subject_id=delegation_id,
        package_id=None,
        person_id=delegation.person_id,
        raised_by=actor.organisation,
        raised_by_user=actor.user_id,
        parties={"organisations": parties},
        reason_code=body.reason_code,
        note=body.note,
        raised_on=today(session),
        status=state,
        outcome=None,
        effective_from=None,
        resolved_on=None,
    )
    session.add(dispute)
    weekly = await weekly_cost(session, delegation_id, dispute.raised_on)
    barred = [
        party
        for party in parties
        if apportionment.charges_the_council(
            delegation.section_22_met, party, delegation.local_authority
        )
    ]
    await publish(session, raised(dispute, parties, weekly, barred))
    await audit(session, actor, "dispute.raise", dispute.id, f"R22 {body.subject_kind} to the CSU")
    return dispute


async def open_dispute_on(session: AsyncSession, subject_id: UUID) -> UUID | None:
    """The subject's open dispute, if it has one (one at a time, R22)."""
    return await session.scalar(
        select(Dispute.id).where(
            Dispute.subject_id == subject_id, Dispute.status == DisputeState.OPEN
        )
    )


def raised(
    dispute: Dispute, parties: list[str], weekly_cost: int | None, may_not_pay: list[str]
) -> events.DisputeRaised:
    """R22: the CSU is told the subject (its kind and id), its weekly cost and who may not pay
    it (R11), never the note."""
    return events.DisputeRaised(
        person_id=dispute.person_id,
        dispute_id=dispute.id,
        package_id=dispute.subject_id,
        raised_by=dispute.raised_by,
        parties=parties,
        summary=disputes.summary_of(DisputeReason(dispute.reason_code)),
        raised_on=dispute.raised_on,
        reason_code=DisputeReason(dispute.reason_code),
        subject_kind=DisputeSubject(dispute.subject_kind),
        subject_id=dispute.subject_id,
        weekly_cost_pence=weekly_cost,
        may_not_pay=may_not_pay,
    )


async def weekly_cost(session: AsyncSession, delegation_id: UUID, on: date) -> int | None:
    """The delegation's own additional cost a week on a day, at its payer's rate then in force
    (None while no run is open or no rate is in force)."""
    run = await session.scalar(
        select(FundingSegment).where(
            FundingSegment.delegation_id == delegation_id,
            FundingSegment.cover_id.is_(None),
            FundingSegment.effective_to.is_(None),
        )
    )
    if run is None:
        return None
    rates = await rates_of(session, run.payer, run.provider_organisation)
    rate = apportionment.rate_in_force(rates, on)
    return (
        None
        if rate is None
        else money.weekly_cost_pence(run.minutes_per_week, rate.hourly_rate_pence)
    )


async def on_delegation_dispute_resolved(
    session: AsyncSession, dispute: Dispute, event: DisputeResolved
) -> None:
    """R22: the organisation the CSU names pays the delegation's runs from the outcome's date;
    the days already paid since `effective_from` are settled back to it. R11: never the council
    for a task failing the s.22 test; R29: under the version in force when it was resolved."""
    if not disputes.DISPUTE.allows(DisputeState(dispute.status), disputes.DisputeCommand.SETTLE):
        return  # the outcome was applied once
    delegation = await session.get(FundedDelegation, dispute.subject_id)
    if delegation is None:  # parked in dead letters; replayable once the delegation is known
        raise NotFound(f"dispute {dispute.id} names unknown delegation {dispute.subject_id}")
    shares = [ShareTerm(s.organisation, s.percent, s.weekly_pence) for s in event.shares]
    payer = disputes.payer_of(
        shares, await weekly_cost(session, delegation.delegation_id, event.resolved_on)
    )
    apportionment.check_not_the_council(
        delegation.section_22_met, payer, delegation.local_authority, "shares"
    )
    applies_from = max(event.effective_from, event.resolved_on, delegation.start_date)
    runs = await segments_of(session, delegation.delegation_id)
    lines = await lines_until(session, event.effective_from, runs, applies_from)
    owed = disputes.settle_delegation_outcome(
        lines, await _settled_before(session, delegation.delegation_id), payer, event.effective_from
    )
    version = await framework_version_in_force(session, event.resolved_on)
    await hand_over(session, runs, payer, applies_from, every_run=True)
    delegation.payer = payer
    behind = lines_behind(lines, [replace(ln, organisation=payer) for ln in lines])
    for o in owed:
        session.add(
            _settlement(
                dispute,
                delegation,
                o,
                (event.effective_from, applies_from),
                behind,
                event.resolved_on,
                version,
            )
        )
    dispute.status = disputes.DISPUTE.next(
        DisputeState(dispute.status), disputes.DisputeCommand.SETTLE
    )
    dispute.outcome = {"shares": [{"organisation": payer, "percent": 100, "weekly_pence": None}]}
    dispute.effective_from, dispute.resolved_on = event.effective_from, event.resolved_on
    dispute.framework_version = version
    await publish(
        session,
        events.DisputeSettled(
            person_id=delegation.person_id,
            dispute_id=dispute.id,
            package_id=dispute.subject_id,
            effective_from=event.effective_from,
            settlements=[
                events.Settlement(payer=o.payer, payee=o.payee, amount_pence=o.amount_pence)
                for o in owed
            ],
            framework_version=version,
            subject_kind=DisputeSubject(dispute.subject_kind),
        ),
    )
    await audit(
        session, SYSTEM, "dispute.settle", dispute.id, f"R22 {payer} pays from {applies_from}"
    )


async def _settled_before(session: AsyncSession, delegation_id: UUID) -> list[disputes.Settled]:
    """What earlier decisions about the delegation already moved between organisations."""
    rows = await session.scalars(
        select(Settlement).where(
            Settlement.source_id == delegation_id, Settlement.kind == "without_prejudice"
        )
    )
    return [
        disputes.Settled(money.Owed(s.payer, s.payee, s.amount_pence), s.period_start, s.period_end)
        for s in rows
    ]


def _settlement(
    dispute: Dispute,
    delegation: FundedDelegation,
    owed: money.Owed,
    period: tuple[date, date],
    behind: dict[str, object],
    settled_on: date,
    version: int | None,
) -> Settlement:
    return Settlement(
        id=uuid4(),
        kind="dispute",
        source_id=dispute.id,
        person_id=delegation.person_id,
        payer=owed.payer,
        payee=owed.payee,
        amount_pence=owed.amount_pence,
        period_start=period[0],
        period_end=period[1],
        settled_on=settled_on,
        lines=behind,
        framework_version=version,
    )
