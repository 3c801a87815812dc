"""R22 disputes: raised by a party, resolved by the CSU, settled back to the outcome's date."""

import dataclasses
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import disputes, packages
from services.funding.domain.apportionment import r11_reason
from services.funding.domain.disputes import DisputeState
from services.funding.domain.lines import lines_behind
from services.funding.domain.money import Owed
from services.funding.domain.packages import PackageState
from services.funding.handlers.delegation_disputes import (
    on_delegation_dispute_resolved,
    open_dispute_on,
    raised,
)
from services.funding.handlers.packages import (
    add_terms,
    agreed,
    apply_state,
    party_package,
    shares_document,
)
from services.funding.models import (
    Dispute,
    FundedDelegation,
    JointPackage,
    PackageTerms,
    Settlement,
)
from services.funding.queries.packages import as_terms, package_terms, parties_of
from services.funding.queries.versions import framework_version_in_force
from services.funding.schemas.disputes import DisputeCreate
from services.funding.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import today
from shared.errors import NotFound
from shared.events import funding as events
from shared.events.funding import DisputeReason, DisputeSubject
from shared.events.governance import DisputeResolved
from shared.outbox import publish


async def raise_dispute(
    session: AsyncSession, actor: CurrentUser, package_id: UUID, body: DisputeCreate
) -> Dispute:
    """R22: a party disputes the joint-funded case; it goes to the CSU and the package keeps
    paying on its current shares meanwhile."""
    package, terms = await party_package(session, actor, package_id)
    parties = parties_of(terms)
    package_state, dispute_state = disputes.raise_dispute(
        PackageState(package.status),
        parties,
        actor.organisation,
        await open_dispute_on(session, package_id),
    )
    apply_state(package, package_state)
    dispute = Dispute(
        id=uuid4(),
        subject_kind=DisputeSubject.JOINT_PACKAGE,
        subject_id=package_id,
        package_id=package_id,
        person_id=package.person_id,
        raised_by=actor.organisation,
        raised_by_user=actor.user_id,
        parties={"organisations": parties},
        reason_code=body.reason_code,
        note=body.note,
        raised_on=today(session),
        status=dispute_state,
        outcome=None,
        effective_from=None,
        resolved_on=None,
    )
    session.add(dispute)
    in_force = [t for t in terms if t.effective_from <= dispute.raised_on] or terms[:1]
    # R21: every party to a joint package may pay a share of it.
    await publish(session, raised(dispute, parties, in_force[-1].weekly_cost_pence, []))
    await audit(session, actor, "dispute.raise", dispute.id, "R22 to the CSU")
    return dispute


async def on_dispute_resolved(session: AsyncSession, event: DisputeResolved) -> None:
    """R22: apply the CSU's shares from the date the outcome names and settle back to it;
    R11: a council share of a task failing s.22 goes to the NHS; R29: under the version in
    force on the day it was resolved. A dispute about a delegation is settled on it."""
    known = await session.get(Dispute, event.dispute_id)
    if known is not None and known.subject_kind != DisputeSubject.JOINT_PACKAGE:
        await on_delegation_dispute_resolved(session, known, event)
        return
    package = await session.get(JointPackage, event.package_id)
    if package is None:  # parked in dead letters; replayable once the package is known
        raise NotFound(f"dispute {event.dispute_id} names unknown package {event.package_id}")
    dispute = known or _dispute_from(event)
    settled = disputes.settle(PackageState(package.status), DisputeState(dispute.status))
    if settled is None:
        return
    rows = list(await package_terms(session, package.id))
    shares = await _outcome_shares(session, package, event)
    outcome = disputes.settle_outcome(
        [as_terms(t, package.person_id, package.ends_on) for t in rows],
        shares,
        event.effective_from,
        event.resolved_on,
    )
    version = await framework_version_in_force(session, event.resolved_on)
    await _apply_outcome(session, package, rows, shares, outcome.applies_from)
    for owed in outcome.settlements:
        session.add(_settlement(event, package, owed, outcome, version))
    apply_state(package, settled[0])
    dispute.status, dispute.outcome = settled[1], shares_document(shares)
    dispute.effective_from, dispute.resolved_on = event.effective_from, event.resolved_on
    dispute.framework_version = version
    session.add(dispute)
    await publish(
        session,
        events.DisputeSettled(
            person_id=package.person_id,
            dispute_id=event.dispute_id,
            package_id=package.id,
            effective_from=event.effective_from,
            settlements=[events.Settlement(**dataclasses.asdict(o)) for o in outcome.settlements],
            framework_version=version,
            subject_kind=DisputeSubject.JOINT_PACKAGE,
        ),
    )
    await audit(session, SYSTEM, "dispute.settle", event.dispute_id, "R22 outcome applied")


async def _outcome_shares(
    session: AsyncSession, package: JointPackage, event: DisputeResolved
) -> list[packages.ShareTerm]:
    """The CSU's shares; for a package funding a task that failed the s.22 test the council's
    share is charged to the NHS instead, and the audit trail says why (R11)."""
    shares = [packages.ShareTerm(s.organisation, s.percent, s.weekly_pence) for s in event.shares]
    delegation = (
        await session.get(FundedDelegation, package.delegation_id)
        if package.delegation_id is not None
        else None
    )
    if delegation is None:
        return shares
    health = Settings.of(session).health_commissioner
    shares, moved = packages.council_share_to_nhs(
        shares, delegation.section_22_met, delegation.local_authority, health
    )
    if moved:
        why = r11_reason(delegation.local_authority)
        await audit(session, SYSTEM, "dispute.outcome_recharged", event.dispute_id, why)
    return shares


def _settlement(
    event: DisputeResolved,
    package: JointPackage,
    owed: Owed,
    outcome: disputes.Outcome,
    version: int | None,
) -> Settlement:
    return Settlement(
        id=uuid4(),
        kind="dispute",
        source_id=event.dispute_id,
        person_id=package.person_id,
        payer=owed.payer,
        payee=owed.payee,
        amount_pence=owed.amount_pence,
        period_start=event.effective_from,
        period_end=outcome.applies_from,
        settled_on=event.resolved_on,
        lines=lines_behind(outcome.paid_lines, outcome.lines),
        framework_version=version,
    )


async def _apply_outcome(
    session: AsyncSession,
    package: JointPackage,
    rows: list[PackageTerms],
    shares: list[packages.ShareTerm],
    applies_from: date,
) -> None:
    """The outcome's shares hold from `applies_from` on, in the terms then and after."""
    later = [t for t in rows if t.effective_from >= applies_from]
    for terms in later:
        terms.shares = shares_document(shares)
        await publish(
            session, agreed(package, terms.weekly_cost_pence, shares, terms.effective_from)
        )
    if any(t.effective_from == applies_from for t in later):
        return
    if package.ends_on is not None and applies_from >= package.ends_on:
        return  # the package has ended: the outcome only settles the days it paid
    in_force = [t for t in rows if t.effective_from < applies_from]
    weekly = in_force[-1].weekly_cost_pence if in_force else rows[0].weekly_cost_pence
    await add_terms(session, package, weekly, shares, applies_from, "dispute_outcome")


def _dispute_from(event: DisputeResolved) -> Dispute:
    """A dispute the CSU resolved that this service did not see raised: recorded as it comes."""
    parties = sorted({s.organisation for s in event.shares})
    return Dispute(
        id=event.dispute_id,
        subject_kind=DisputeSubject.JOINT_PACKAGE,
        subject_id=event.package_id,
        package_id=event.package_id,
        person_id=event.person_id,
        raised_by="unknown",
        raised_by_user="unknown",
        parties={"organisations": parties},
        reason_code=DisputeReason.OTHER,
        note=None,
        raised_on=event.resolved_on,
        status=DisputeState.OPEN,
        outcome=None,
        effective_from=None,
        resolved_on=None,
    )
