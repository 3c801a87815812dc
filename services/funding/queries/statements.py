"""Statements per organisation per period, and their CSV export for finance systems."""

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import apportionment, packages
from services.funding.domain.apportionment import Rate as RateTerm
from services.funding.domain.lines import CostLine
from services.funding.domain.packages import Terms
from services.funding.models import FundingSegment, JointPackage, PackageTerms, Settlement
from services.funding.queries.packages import as_terms, shares_of
from services.funding.queries.rates import rates_of
from services.funding.queries.segments import as_funded
from services.funding.schemas.statements import LineRead, StatementRead, StatementSettlement
from shared.access import listed
from shared.auth import CurrentUser

CSV_COLUMNS = [
    "organisation",
    "section",
    "counterparty",
    "kind",
    "reference_id",
    "subject_id",
    "person_id",
    "provider_organisation",
    "minutes_per_week",
    "rate_id",
    "hourly_rate_pence",
    "weekly_cost_pence",
    "share_percent",
    "share_weekly_pence",
    "accrues_from",
    "from",
    "until",
    "days",
    "amount_pence",
    "without_prejudice",
    "awaiting_rate",
]


async def statement(
    session: AsyncSession, user: CurrentUser, period_start: date, period_end: date
) -> StatementRead:
    """What the caller's organisation pays for the days period_start..period_end (both
    included), what it recharges to whom and what others recharge to it, with the lines behind
    each figure; the people its lines are about are audited as read."""
    organisation = user.organisation
    end = period_end + timedelta(days=1)  # the period is bounded (`dates`): never overflows
    segments, rates, terms, settlements = await statement_sources(
        session, organisation, period_start, end
    )
    lines = paid_lines(organisation, segments, rates, terms, period_start, end)
    recharges = [_settled(s, s.payer) for s in settlements if s.payee == organisation]
    recharged_by = [_settled(s, s.payee) for s in settlements if s.payer == organisation]
    pays = sum(line.amount_pence for line in lines)
    people = [line.person_id for line in lines] + [s.person_id for s in settlements]
    await listed(session, user, "funding_statement", people)
    return StatementRead(
        organisation=organisation,
        period_start=period_start,
        period_end=period_end,
        pays_pence=pays,
        recharges_pence=_by_counterparty(recharges),
        recharged_by_pence=_by_counterparty(recharged_by),
        net_pence=pays
        - sum(s.amount_pence for s in recharges)
        + sum(s.amount_pence for s in recharged_by),
        lines=[LineRead(**vars(line), days=line.days) for line in lines],
        recharges=recharges,
        recharged_by=recharged_by,
    )


def paid_lines(
    organisation: str,
    segments: Sequence[FundingSegment],
    rates: dict[str, list[RateTerm]],
    terms: list[Terms],
    start: date,
    end: date,
) -> list[CostLine]:
    """What `organisation` pays for the days [start, end): its runs and its package shares."""
    lines: list[CostLine] = [
        line
        for s in segments
        for line in apportionment.cost_lines(
            as_funded(s), rates[s.provider_organisation], start, end
        )
    ]
    return lines + [
        line
        for line in packages.package_lines(terms, start, end)
        if line.organisation == organisation
    ]


def _settled(settlement: Settlement, counterparty: str) -> StatementSettlement:
    return StatementSettlement(
        id=settlement.id,
        kind=settlement.kind,
        source_id=settlement.source_id,
        person_id=settlement.person_id,
        counterparty=counterparty,
        amount_pence=settlement.amount_pence,
        period_start=settlement.period_start,
        period_end=settlement.period_end,
        settled_on=settlement.settled_on,
        paid_lines=[LineRead.model_validate(ln) for ln in settlement.lines.get("paid", [])],
        owed_lines=[LineRead.model_validate(ln) for ln in settlement.lines.get("owed", [])],
    )


def _by_counterparty(settlements: list[StatementSettlement]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for s in settlements:
        totals[s.counterparty] = totals.get(s.counterparty, 0) + s.amount_pence
    return totals


def as_csv(read: StatementRead) -> str:
    """One row per line and per settlement: `pays`, `recharges` (to the counterparty) and
    `recharged_by` (the counterparty recharges this organisation)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for line in read.lines:
        row = line.model_dump(mode="json")
        row |= {
            "section": "pays",
            "counterparty": line.provider_organisation or "",
            "from": row.pop("line_from"),
            "until": row.pop("line_until"),
        }
        writer.writerow(
            {k: row.get(k, "") for k in CSV_COLUMNS} | {"organisation": read.organisation}
        )
    for section, settlements in (
        ("recharges", read.recharges),
        ("recharged_by", read.recharged_by),
    ):
        for s in settlements:
            writer.writerow(
                {k: "" for k in CSV_COLUMNS}
                | {
                    "organisation": read.organisation,
                    "section": section,
                    "counterparty": s.counterparty,
                    "kind": f"settlement:{s.kind}",
                    "reference_id": str(s.id),
                    "subject_id": str(s.source_id),
                    "person_id": str(s.person_id),
                    "from": s.period_start.isoformat(),
                    "until": s.period_end.isoformat(),
                    "days": (s.period_end - s.period_start).days,
                    "amount_pence": s.amount_pence,
                }
            )
    return out.getvalue()


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
    rates_by_provider = {p: await rates_of(session, organisation, p) for p in providers}
    rows = (
        await session.execute(
            select(PackageTerms, JointPackage.person_id, JointPackage.ends_on).join(
                JointPackage, JointPackage.id == PackageTerms.package_id
            )
        )
    ).all()
    parties: dict[UUID, set[str]] = {}
    for row, _, _ in rows:
        parties.setdefault(row.package_id, set()).update(
            s.organisation for s in shares_of(row.shares)
        )
    terms = [
        as_terms(row, person, ends_on)
        for row, person, ends_on in rows
        if organisation in parties[row.package_id]
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
