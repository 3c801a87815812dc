"""The funding service's read side, and the loads its handlers share (statements: `statements`)."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.apportionment import Funded
from services.funding.domain.apportionment import Rate as RateTerm
from services.funding.domain.packages import ShareTerm, Terms
from services.funding.models import (
    Dispute,
    FundedDelegation,
    FundingSegment,
    JointPackage,
    PackageTerms,
    Rate,
    Settlement,
)
from shared.auth import CurrentUser, Role
from shared.errors import NotFound


def as_rate(rate: Rate) -> RateTerm:
    return RateTerm(
        rate.id, rate.provider_organisation, rate.hourly_rate_pence, rate.effective_from
    )


def as_funded(segment: FundingSegment) -> Funded:
    return Funded(
        segment_id=segment.id,
        delegation_id=segment.delegation_id,
        person_id=segment.person_id,
        payer=segment.payer,
        provider_organisation=segment.provider_organisation,
        minutes_per_week=segment.minutes_per_week,
        effective_from=segment.effective_from,
        effective_to=segment.effective_to,
        without_prejudice=segment.without_prejudice,
        accrues_from=segment.accrues_from,
    )


def shares_of(document: dict[str, object]) -> tuple[ShareTerm, ...]:
    raw = document.get("shares", [])
    assert isinstance(raw, list)
    return tuple(ShareTerm(s["organisation"], s.get("percent"), s.get("weekly_pence")) for s in raw)


def as_terms(terms: PackageTerms, person_id: UUID) -> Terms:
    return Terms(
        terms.id,
        terms.package_id,
        person_id,
        terms.effective_from,
        terms.weekly_cost_pence,
        shares_of(terms.shares),
    )


async def rates_of(session: AsyncSession, provider: str) -> list[RateTerm]:
    rows = await session.scalars(select(Rate).where(Rate.provider_organisation == provider))
    return [as_rate(r) for r in rows]


async def rates(session: AsyncSession, user: CurrentUser, provider: str | None) -> Sequence[Rate]:
    """Commissioners and finance officers see every rate; a provider only its own."""
    query = select(Rate).order_by(Rate.provider_organisation, Rate.effective_from)
    if user.role is Role.PROVIDER_MANAGER:
        if provider not in (None, user.organisation):
            return []
        provider = user.organisation
    if provider is not None:
        query = query.where(Rate.provider_organisation == provider)
    return (await session.scalars(query)).all()


async def segments_of(session: AsyncSession, delegation_id: UUID) -> Sequence[FundingSegment]:
    query = (
        select(FundingSegment)
        .where(FundingSegment.delegation_id == delegation_id)
        .order_by(FundingSegment.effective_from, FundingSegment.recorded_at)
    )
    return (await session.scalars(query)).all()


async def settlements_for(session: AsyncSession, source_id: UUID) -> Sequence[Settlement]:
    query = select(Settlement).where(Settlement.source_id == source_id)
    return (await session.scalars(query)).all()


async def delegation_funding(
    session: AsyncSession, user: CurrentUser, delegation_id: UUID, health_commissioner: str
) -> tuple[FundedDelegation, Sequence[FundingSegment], Sequence[Settlement]]:
    """A delegation's funding, for the organisations concerned only (others get 404)."""
    delegation = await session.get(FundedDelegation, delegation_id)
    segments = await segments_of(session, delegation_id)
    concerned = {s.payer for s in segments}
    if any(s.without_prejudice for s in segments):
        concerned.add(health_commissioner)  # Health funded it without prejudice (R20)
    if delegation is not None:
        concerned |= {delegation.accountable_organisation, delegation.local_authority}
        concerned.add(delegation.payer)
    if delegation is None or user.organisation not in concerned:
        raise NotFound(f"no funding on record for delegation {delegation_id}")
    return delegation, segments, await settlements_for(session, delegation_id)


async def package_terms(session: AsyncSession, package_id: UUID) -> Sequence[PackageTerms]:
    query = (
        select(PackageTerms)
        .where(PackageTerms.package_id == package_id)
        .order_by(PackageTerms.effective_from)
    )
    return (await session.scalars(query)).all()


def parties_of(terms: Sequence[PackageTerms]) -> list[str]:
    return sorted({s.organisation for t in terms for s in shares_of(t.shares)})


async def package_for(
    session: AsyncSession, user: CurrentUser, package_id: UUID
) -> tuple[JointPackage, Sequence[PackageTerms]]:
    """A joint package, for the organisations party to it only (others get 404)."""
    package = await session.get(JointPackage, package_id)
    terms = await package_terms(session, package_id)
    if package is None or user.organisation not in parties_of(terms):
        raise NotFound(f"no joint package {package_id}")
    return package, terms


async def disputes(session: AsyncSession, user: CurrentUser) -> list[Dispute]:
    """CSU officers read every dispute; a party's officers read the ones it is party to."""
    rows = (await session.scalars(select(Dispute).order_by(Dispute.raised_on))).all()
    return [d for d in rows if _may_read(user, d)]


async def dispute(session: AsyncSession, user: CurrentUser, dispute_id: UUID) -> Dispute:
    found = await session.get(Dispute, dispute_id)
    if found is None or not _may_read(user, found):
        raise NotFound(f"no dispute {dispute_id}")
    return found


def _may_read(user: CurrentUser, dispute: Dispute) -> bool:
    parties = dispute.parties.get("organisations", [])
    return user.role is Role.CSU_OFFICER or user.organisation in parties


async def statement_sources(
    session: AsyncSession, organisation: str, start: date, end: date
) -> tuple[Sequence[FundingSegment], dict[str, list[RateTerm]], list[Terms], Sequence[Settlement]]:
    """What a statement is worked out from: segments, their rates, packages and settlements."""
    segments = (
        await session.scalars(
            select(FundingSegment)
            .where(
                FundingSegment.payer == organisation,
                FundingSegment.effective_from < end,
                or_(FundingSegment.effective_to.is_(None), FundingSegment.effective_to > start),
            )
            .order_by(FundingSegment.effective_from, FundingSegment.recorded_at)
        )
    ).all()
    providers = {s.provider_organisation for s in segments}
    rates_by_provider = {p: await rates_of(session, p) for p in providers}
    rows = (
        await session.execute(
            select(PackageTerms, JointPackage.person_id).join(
                JointPackage, JointPackage.id == PackageTerms.package_id
            )
        )
    ).all()
    parties: dict[UUID, set[str]] = {}
    for row, _ in rows:
        parties.setdefault(row.package_id, set()).update(
            s.organisation for s in shares_of(row.shares)
        )
    terms = [
        as_terms(row, person) for row, person in rows if organisation in parties[row.package_id]
    ]
    settlements = (
        await session.scalars(
            select(Settlement)
            .where(
                or_(Settlement.payer == organisation, Settlement.payee == organisation),
                Settlement.settled_on >= start,
                Settlement.settled_on < end,
            )
            .order_by(Settlement.settled_on)
        )
    ).all()
    return segments, rates_by_provider, terms, settlements
