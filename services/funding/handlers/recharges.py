"""Issuing a recharge statement (it is frozen from then on), and an organisation's finance codes."""

from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain import recharges
from services.funding.domain.recharges import Period, PeriodState
from services.funding.handlers.organisations import commissioning
from services.funding.models import FinanceCode, RechargeStatement
from services.funding.queries import recharges as queries
from services.funding.schemas.recharges import FinanceCodeKind, FinanceCodeSet
from shared import organisations
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now, today
from shared.errors import InvalidInput


async def issue_statement(
    session: AsyncSession, actor: CurrentUser, period: Period, idempotency_key: str | None
) -> tuple[RechargeStatement, bool]:
    """A finance officer of a commissioning organisation issues its statement for a period
    that has ended: its lines (with the adjustments to earlier issued periods) are frozen.
    True when this call issued it; the same Idempotency-Key answers the first issue."""
    await commissioning(session, actor, "issues recharge statements")
    if idempotency_key is not None:
        replay = await session.scalar(
            select(RechargeStatement).where(RechargeStatement.idempotency_key == idempotency_key)
        )
        if replay is not None:
            return replay, False
    issued = await queries.issued_statements(session, actor.organisation)
    state = (
        PeriodState.ISSUED
        if any(r.period_start == period.start for r in issued)
        else PeriodState.OPEN
    )
    recharges.may_issue(period, today(session), queries.issued_periods(issued), state)
    found = await queries.statement(session, actor.organisation, period, to_issue=True)
    row = RechargeStatement(
        id=uuid4(),
        organisation=actor.organisation,
        cadence=period.cadence,
        period_start=period.start,
        period_end=period.end,
        document={
            "lines": [recharges.document(ln) for ln in found.lines],
            "codes": found.codes,
            "fingerprint": found.fingerprint,
            "checked": found.checked,
        },
        total_pence=sum(ln.amount_pence for ln in found.lines),
        issued_by=actor.user_id,
        issued_at=now(session),
        idempotency_key=idempotency_key,
    )
    session.add(row)
    await session.flush()
    why = f"{period.cadence} {period.start}..{period.last_day}: {len(found.lines)} lines frozen"
    await audit(session, actor, "recharge_statement.issue", row.id, why)
    return row, True


async def set_finance_code(
    session: AsyncSession, actor: CurrentUser, body: FinanceCodeSet
) -> FinanceCode:
    """The caller's organisation's own code: its reference for a provider (in the register) or
    its cost code for a service element."""
    await commissioning(session, actor, "keeps finance codes")
    if body.kind is FinanceCodeKind.SERVICE_ELEMENT:
        if body.key not in set(recharges.ServiceElement):
            allowed = ", ".join(recharges.ServiceElement)
            raise InvalidInput("key", f"is not a service element ({allowed})")
    else:
        await organisations.named(session, body.key, "key")
    row = await session.get(FinanceCode, (actor.organisation, body.kind.value, body.key))
    if row is None:
        row = FinanceCode(organisation=actor.organisation, kind=body.kind.value, key=body.key)
        session.add(row)
    row.code, row.recorded_by, row.recorded_at = body.code, actor.user_id, now(session)
    await audit(session, actor, "finance_code.set", f"{body.kind}:{body.key}", body.code)
    return row
