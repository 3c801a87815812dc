"""What an organisation's recharge lines are worked out from, and its fingerprint: lines for the
same days from the same sources are the same lines, so an issued period whose sources have not
changed since it was last stated needs no second look."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import recharges
from services.funding.domain.apportionment import Rate as RateTerm
from services.funding.domain.lines import CostLine
from services.funding.domain.packages import Terms
from services.funding.domain.recharges import Period, RechargeLine
from services.funding.models import FundingSegment, Settlement
from services.funding.queries.statements import paid_lines, statement_sources
from services.funding.schemas.statements import LineRead


@dataclass(frozen=True)
class Sources:
    """The runs, rates, package terms and settlements of a span of days, loaded once."""

    segments: Sequence[FundingSegment]
    rates: dict[str, list[RateTerm]]
    terms: list[Terms]
    settlements: Sequence[Settlement]


async def sources(session: AsyncSession, organisation: str, start: date, end: date) -> Sources:
    """The sources that reach into the days [start, end)."""
    segments, rates, terms, _ = await statement_sources(session, organisation, start, end)
    settled = await _settlements(session, organisation, start, end)
    return Sources(segments, rates, terms, settled)


async def _settlements(
    session: AsyncSession, organisation: str, start: date, end: date
) -> Sequence[Settlement]:
    """Settlements the organisation is party to whose days reach into [start, end)."""
    query = (
        select(Settlement)
        .where(
            or_(Settlement.payer == organisation, Settlement.payee == organisation),
            Settlement.period_start < end,
            Settlement.period_end >= start,
        )
        .order_by(Settlement.period_start, Settlement.id)
    )
    return (await session.scalars(query)).all()


def _runs_in(found: Sources, period: Period) -> list[FundingSegment]:
    return [
        s
        for s in found.segments
        if s.effective_from < period.end
        and (s.effective_to is None or s.effective_to > period.start)
    ]


def _settled_in(found: Sources, period: Period) -> list[Settlement]:
    return [
        s for s in found.settlements if s.period_start < period.end and s.period_end >= period.start
    ]


def lines_in(organisation: str, found: Sources, period: Period) -> list[RechargeLine]:
    """The organisation's lines for the period's days: what providers charge it, and what it
    recharges or is recharged (`recharges`)."""
    runs = _runs_in(found, period)
    charged = paid_lines(organisation, runs, found.rates, found.terms, period.start, period.end)
    lines = recharges.charges(charged)
    for settlement in _settled_in(found, period):
        lines += recharges.recharges(_settled(settlement), period)
    return [ln for ln in lines if organisation in (ln.commissioner, ln.payer)]


def fingerprint(organisation: str, found: Sources, period: Period) -> str:
    """A digest of every source field the period's lines are worked out from."""
    runs = sorted(
        (
            str(s.id),
            str(s.delegation_id),
            str(s.person_id),
            s.payer,
            s.provider_organisation,
            s.minutes_per_week,
            s.effective_from,
            s.effective_to,
            s.without_prejudice,
            s.accrues_from,
        )
        for s in _runs_in(found, period)
    )
    providers = sorted({run[4] for run in runs})
    rates = [(p, sorted(map(repr, found.rates.get(p, [])))) for p in providers]
    terms = sorted(map(repr, found.terms))
    settled = sorted(
        (str(s.id), s.kind, s.payer, s.payee, s.amount_pence, s.period_start, s.period_end)
        for s in _settled_in(found, period)
    )
    material = repr((organisation, period, runs, rates, terms, settled))
    return hashlib.sha256(material.encode()).hexdigest()


def _settled(settlement: Settlement) -> recharges.Settled:
    owed = [
        CostLine(**LineRead.model_validate(ln).model_dump(exclude={"days"}))
        for ln in settlement.lines.get("owed", [])
    ]
    return recharges.Settled(
        settlement_id=settlement.id,
        kind=settlement.kind,
        source_id=settlement.source_id,
        person_id=settlement.person_id,
        commissioner=settlement.payee,
        payer=settlement.payer,
        amount_pence=settlement.amount_pence,
        period_start=settlement.period_start,
        period_end=settlement.period_end,
        owed=owed,
    )
