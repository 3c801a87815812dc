"""Recharge statements: an organisation's lines for a period as issued, or as they stand now;
the open period (the one after the latest issued) adds what changed in the issued ones since."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import recharges
from services.funding.domain.recharges import Cadence, Period, PeriodState, RechargeLine
from services.funding.models import FinanceCode, RechargeStatement
from services.funding.queries.recharges.sources import Sources, fingerprint, lines_in, sources
from shared import pages


@dataclass(frozen=True)
class Statement:
    """A statement's lines, and whether they are frozen (issued) or worked out now. An open one
    also says the fingerprint of its sources and of each issued period it checked, so that an
    issue records them."""

    organisation: str
    period: Period
    state: PeriodState
    lines: list[RechargeLine]
    codes: dict[str, dict[str, str]]
    issued: RechargeStatement | None = None
    fingerprint: str | None = None
    checked: dict[str, str] = field(default_factory=dict)


async def lines_now(session: AsyncSession, organisation: str, period: Period) -> list[RechargeLine]:
    """The organisation's lines for the period's days as the records stand now."""
    found = await sources(session, organisation, period.start, period.end)
    return lines_in(organisation, found, period)


async def issued_statements(
    session: AsyncSession, organisation: str
) -> Sequence[RechargeStatement]:
    query = (
        select(RechargeStatement)
        .where(RechargeStatement.organisation == organisation)
        .order_by(RechargeStatement.period_start)
    )
    return (await session.scalars(query)).all()


def issued_periods(issued: Sequence[RechargeStatement]) -> list[tuple[Cadence, date]]:
    return [(Cadence(r.cadence), r.period_start) for r in issued]


def period_of(row: RechargeStatement) -> Period:
    return Period(Cadence(row.cadence), row.period_start, row.period_end)


def stated_lines(row: RechargeStatement) -> list[RechargeLine]:
    return [recharges.from_document(ln) for ln in row.document["lines"]]


def as_issued(row: RechargeStatement) -> Statement:
    codes = row.document["codes"]
    return Statement(
        row.organisation, period_of(row), PeriodState.ISSUED, stated_lines(row), codes, row
    )


async def statement(
    session: AsyncSession, organisation: str, period: Period, to_issue: bool = False
) -> Statement:
    """Issued: the lines as issued. Open (the period after the latest issued): the lines now and
    the adjustments to every issued period. Any other: the lines now. `to_issue`: with the
    fingerprint of its sources, for the issue to record."""
    issued = await issued_statements(session, organisation)
    for row in issued:
        if row.period_start == period.start:
            return as_issued(row)
    is_open = bool(issued) and period == recharges.following(period_of(issued[-1]))
    since = issued[0].period_start if is_open else period.start
    found = await sources(session, organisation, since, period.end)  # one load for all
    lines = lines_in(organisation, found, period)
    checked: dict[str, str] = {}
    if is_open:
        adjusted, checked = adjustments_since(organisation, issued, found)
        lines += adjusted
    codes = await codes_of(session, organisation)
    own = fingerprint(organisation, found, period) if to_issue else None
    return Statement(organisation, period, PeriodState.OPEN, lines, codes, None, own, checked)


def adjustments_since(
    organisation: str, issued: Sequence[RechargeStatement], found: Sources
) -> tuple[list[RechargeLine], dict[str, str]]:
    """For each issued period whose sources changed since it was last stated (issued, or
    checked when a later period was issued): its lines now, less what was issued for it and
    every adjustment to it issued since. Also each period's fingerprint now."""
    last_stated = _last_stated(issued)
    out: list[RechargeLine] = []
    checked: dict[str, str] = {}
    stated: dict[date, list[RechargeLine]] | None = None
    for row in issued:
        period = period_of(row)
        now = checked[period.start.isoformat()] = fingerprint(organisation, found, period)
        if now == last_stated.get(period.start.isoformat()):
            continue  # the same sources make the same lines: nothing to adjust
        stated = stated if stated is not None else _stated_by_period(issued)
        current = lines_in(organisation, found, period)
        out += recharges.adjustments(period, current, stated.get(period.start, []))
    return out, checked


def _last_stated(issued: Sequence[RechargeStatement]) -> dict[str, str]:
    """Each issued period's fingerprint when it was last stated: at its issue, or as checked
    by the latest statement issued after it."""
    found: dict[str, str] = {}
    for row in issued:  # oldest first: later statements' checks win
        if own := row.document.get("fingerprint"):
            found[row.period_start.isoformat()] = own
        found |= row.document.get("checked", {})
    return found


def _stated_by_period(issued: Sequence[RechargeStatement]) -> dict[date, list[RechargeLine]]:
    """What was stated for each issued period: its own lines and the adjustments to it."""
    stated: dict[date, list[RechargeLine]] = {}
    for row in issued:
        for line in stated_lines(row):
            corrects = line.corrects_start if line.adjustment else None
            stated.setdefault(corrects or row.period_start, []).append(line)
    return stated


async def codes_of(session: AsyncSession, organisation: str) -> dict[str, dict[str, str]]:
    """The organisation's finance codes by kind: `provider` -> its reference for a provider,
    `service_element` -> its cost code."""
    rows = await session.scalars(
        select(FinanceCode).where(FinanceCode.organisation == organisation)
    )
    codes: dict[str, dict[str, str]] = {"provider": {}, "service_element": {}}
    for row in rows:
        codes.setdefault(row.kind, {})[row.key] = row.code
    return codes


CODE_ORDER = (pages.Key(FinanceCode.kind, str), pages.Key(FinanceCode.key, str))


async def finance_codes(
    session: AsyncSession, organisation: str, kind: str | None, limit: int, cursor: str | None
) -> tuple[list[FinanceCode], str | None]:
    """The organisation's finance codes by kind and key (its primary key's order), a page."""
    query = select(FinanceCode).where(FinanceCode.organisation == organisation)
    if kind is not None:
        query = query.where(FinanceCode.kind == kind)
    return await pages.keyset(session, query, CODE_ORDER, limit, cursor)
