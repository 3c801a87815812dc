"""R21 joint packages and R22 disputes: agreed, changed from a date, disputed, settled back."""

import dataclasses
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding import queries
from services.funding.domain import packages
from services.funding.handlers.delegations import lines_behind
from services.funding.models import Dispute, JointPackage, PackageTerms, Settlement
from services.funding.schemas import DisputeCreate, JointPackageCreate, ShareIn, TermsCreate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.errors import Forbidden, NotFound
from shared.events import funding as events
from shared.events.governance import DisputeResolved
from shared.outbox import publish, session_clock

OPEN, SETTLED = "open", "settled"


def _shares(shares: list[ShareIn]) -> list[packages.ShareTerm]:
    return [packages.ShareTerm(s.organisation, s.percent, s.weekly_pence) for s in shares]


def _document(shares: list[packages.ShareTerm]) -> dict[str, object]:
    return {"shares": [dataclasses.asdict(s) for s in shares]}


async def agree_joint_package(
    session: AsyncSession, actor: CurrentUser, body: JointPackageCreate, key: str | None
) -> tuple[JointPackage, bool]:
    """R21: a package funded by the NHS and the local authority in agreed shares, any setting;
    True when this call agreed it (a repeated Idempotency-Key returns the first)."""
    if key is not None:
        existing = await session.scalar(
            select(JointPackage).where(JointPackage.idempotency_key == key)
        )
        if existing is not None:
            return existing, False
    shares = _shares(body.shares)
    packages.check_shares(shares, body.weekly_cost_pence)
    if actor.organisation not in {s.organisation for s in shares}:
        raise Forbidden("an organisation agrees only packages it is party to")
    package = JointPackage(
        id=uuid4(),
        person_id=body.person_id,
        setting=body.setting.value,
        idempotency_key=key,
        created_by=actor.organisation,
        created_at=session_clock(session).now(),
    )
    session.add(package)
    await session.flush()
    await _add_terms(
        session, package, body.weekly_cost_pence, shares, body.effective_from, "agreed"
    )
    await audit(session, actor, "joint_package.agree", package.id, f"R21 {body.setting.value}")
    return package, True


async def change_shares(
    session: AsyncSession, actor: CurrentUser, package_id: UUID, body: TermsCreate
) -> JointPackage:
    """R21: shares (and the weekly cost) change only from an effective date."""
    package, terms = await _locked_package(session, actor, package_id)
    shares = _shares(body.shares)
    packages.check_next_terms(
        [queries.as_terms(t, package.person_id) for t in terms], body.effective_from
    )
    packages.check_shares(shares, body.weekly_cost_pence)
    await _add_terms(
        session, package, body.weekly_cost_pence, shares, body.effective_from, "changed"
    )
    await audit(
        session, actor, "joint_package.change", package_id, f"R21 from {body.effective_from}"
    )
    return package


async def _add_terms(
    session: AsyncSession,
    package: JointPackage,
    weekly_cost_pence: int,
    shares: list[packages.ShareTerm],
    effective_from: date,
    cause: str,
) -> None:
    session.add(
        PackageTerms(
            id=uuid4(),
            package_id=package.id,
            effective_from=effective_from,
            weekly_cost_pence=weekly_cost_pence,
            shares=_document(shares),
            cause=cause,
            recorded_at=session_clock(session).now(),
        )
    )
    await publish(session, _agreed(package, weekly_cost_pence, shares, effective_from))


def _agreed(
    package: JointPackage, weekly: int, shares: list[packages.ShareTerm], on: date
) -> events.JointPackageAgreed:
    return events.JointPackageAgreed(
        person_id=package.person_id,
        package_id=package.id,
        weekly_cost_pence=weekly,
        shares=[events.Share(**dataclasses.asdict(s)) for s in shares],
        effective_from=on,
    )


async def _locked_package(
    session: AsyncSession, actor: CurrentUser, package_id: UUID
) -> tuple[JointPackage, list[PackageTerms]]:
    package = await session.scalar(
        select(JointPackage).where(JointPackage.id == package_id).with_for_update()
    )
    terms = list(await queries.package_terms(session, package_id))
    if package is None or actor.organisation not in queries.parties_of(terms):
        raise NotFound(f"no joint package {package_id}")
    return package, terms


async def raise_dispute(
    session: AsyncSession, actor: CurrentUser, package_id: UUID, body: DisputeCreate
) -> Dispute:
    """R22: a party disputes the joint-funded case; it goes to the CSU and the package keeps
    paying on its current shares meanwhile."""
    package, terms = await _locked_package(session, actor, package_id)
    parties = queries.parties_of(terms)
    already = await session.scalar(
        select(Dispute.id).where(Dispute.package_id == package_id, Dispute.status == OPEN)
    )
    packages.check_dispute(parties, actor.organisation, already)
    dispute = Dispute(
        id=uuid4(),
        package_id=package_id,
        person_id=package.person_id,
        raised_by=actor.organisation,
        raised_by_user=actor.user_id,
        parties={"organisations": parties},
        summary=body.summary,
        raised_on=session_clock(session).now().date(),
        status=OPEN,
        outcome=None,
        effective_from=None,
        resolved_on=None,
    )
    session.add(dispute)
    await publish(
        session,
        events.DisputeRaised(
            person_id=package.person_id,
            dispute_id=dispute.id,
            package_id=package_id,
            raised_by=actor.organisation,
            parties=parties,
            summary=body.summary,
            raised_on=dispute.raised_on,
        ),
    )
    await audit(session, actor, "dispute.raise", dispute.id, "R22 to the CSU")
    return dispute


async def on_dispute_resolved(session: AsyncSession, event: DisputeResolved) -> None:
    """R22: apply the CSU's shares from the date the outcome names and settle back to it."""
    package = await session.scalar(
        select(JointPackage).where(JointPackage.id == event.package_id).with_for_update()
    )
    if package is None:  # parked in dead letters; replayable once the package is known
        raise NotFound(f"dispute {event.dispute_id} names unknown package {event.package_id}")
    dispute = await session.get(Dispute, event.dispute_id) or _dispute_from(event)
    if dispute.status == SETTLED:
        return
    rows = list(await queries.package_terms(session, package.id))
    shares = [packages.ShareTerm(s.organisation, s.percent, s.weekly_pence) for s in event.shares]
    outcome = packages.settle_outcome(
        [queries.as_terms(t, package.person_id) for t in rows],
        shares,
        event.effective_from,
        event.resolved_on,
    )
    await _apply_outcome(session, package, rows, shares, outcome.applies_from)
    for owed in outcome.settlements:
        session.add(
            Settlement(
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
            )
        )
    dispute.status, dispute.outcome = SETTLED, _document(shares)
    dispute.effective_from, dispute.resolved_on = event.effective_from, event.resolved_on
    session.add(dispute)
    await publish(
        session,
        events.DisputeSettled(
            person_id=package.person_id,
            dispute_id=event.dispute_id,
            package_id=package.id,
            effective_from=event.effective_from,
            settlements=[events.Settlement(**dataclasses.asdict(o)) for o in outcome.settlements],
        ),
    )
    await audit(session, SYSTEM, "dispute.settle", event.dispute_id, "R22 outcome applied")


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
        terms.shares = _document(shares)
        await publish(
            session, _agreed(package, terms.weekly_cost_pence, shares, terms.effective_from)
        )
    if any(t.effective_from == applies_from for t in later):
        return
    in_force = [t for t in rows if t.effective_from < applies_from]
    weekly = in_force[-1].weekly_cost_pence if in_force else rows[0].weekly_cost_pence
    await _add_terms(session, package, weekly, shares, applies_from, "dispute_outcome")


def _dispute_from(event: DisputeResolved) -> Dispute:
    """A dispute the CSU resolved that this service did not see raised: recorded as it comes."""
    parties = sorted({s.organisation for s in event.shares})
    return Dispute(
        id=event.dispute_id,
        package_id=event.package_id,
        person_id=event.person_id,
        raised_by="unknown",
        raised_by_user="unknown",
        parties={"organisations": parties},
        summary="resolved by the CSU",
        raised_on=event.resolved_on,
        status=OPEN,
        outcome=None,
        effective_from=None,
        resolved_on=None,
    )
