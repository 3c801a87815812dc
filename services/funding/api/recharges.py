"""Routes for recharge statements (finance exports for councils and the ICB) and finance codes."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.api.roles import MONEY
from services.funding.domain import recharges
from services.funding.domain.recharges import Cadence, Period
from services.funding.handlers import recharges as handlers
from services.funding.handlers.organisations import commissioning
from services.funding.queries import recharges as queries
from services.funding.schemas.recharges import (
    FinanceCodeKind,
    FinanceCodePage,
    FinanceCodeRead,
    FinanceCodeSet,
    RechargeIssue,
    RechargeStatementRead,
)
from services.funding.settings import Settings
from shared import pages
from shared.access import listed
from shared.auth import CurrentUser, Role, admits
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter()


def _period(session: AsyncSession, cadence: Cadence, start: date, field: str) -> Period:
    anchor = Settings.of(session).four_weekly_anchor
    return recharges.period_at(cadence, start, anchor, field)


async def _statement(
    session: AsyncSession, user: CurrentUser, cadence: Cadence, start: date
) -> RechargeStatementRead:
    await commissioning(session, user, "reads recharge statements")
    period = _period(session, cadence, start, "query.period_start")
    found = await queries.statement(session, user.organisation, period)
    await listed(session, user, "recharge_statement", {ln.person_id for ln in found.lines})
    return queries.as_read(found)


@router.get("/recharges", tags=["recharges"], summary="Your organisation's recharge statement")
async def get_recharges(
    session: Session,
    cadence: Annotated[Cadence, Query()],
    period_start: Annotated[date, Query()],
    user: CurrentUser = admits(*MONEY),
) -> RechargeStatementRead:
    """The lines a finance system imports for one period (the first of a month, or a
    four-weekly start): issued ones as issued; the period after the latest issued one also
    carries the adjustments to issued periods. Only lines your organisation is party to."""
    return await _statement(session, user, cadence, period_start)


@router.get(
    "/recharges.csv",
    tags=["recharges"],
    summary="Your organisation's recharge statement as CSV",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
async def get_recharges_csv(
    session: Session,
    cadence: Annotated[Cadence, Query()],
    period_start: Annotated[date, Query()],
    user: CurrentUser = admits(*MONEY),
) -> Response:
    """The same statement as CSV, one row per line (columns: docs/finance-export.md)."""
    read = await _statement(session, user, cadence, period_start)
    name = f"recharges-{user.organisation}-{read.cadence}-{read.period_start}.csv"
    return Response(
        queries.as_csv(read),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/recharges/issue",
    status_code=201,
    responses=replayed(RechargeStatementRead),
    tags=["recharges"],
    summary="Issue a period's recharge statement: it is frozen from then on",
)
async def issue_recharges(
    body: RechargeIssue,
    response: Response,
    session: Session,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(Role.FINANCE_OFFICER),
) -> RechargeStatementRead:
    """A finance officer issues a period that has ended, in one cadence, each right after the
    one before; it is never issued again (409): later changes come as adjustments in the next
    period."""
    period = _period(session, body.cadence, body.period_start, "period_start")
    row, created = await handlers.issue_statement(session, user, period, idempotency_key)
    await session.commit()
    answer_replay(response, created)
    return queries.as_read(queries.as_issued(row))


@router.put("/finance-codes", tags=["recharges"], summary="Set one of your finance codes")
async def set_finance_code(
    body: FinanceCodeSet, session: Session, user: CurrentUser = admits(Role.FINANCE_OFFICER)
) -> FinanceCodeRead:
    """Your organisation's reference for a provider, or its cost code for a service element:
    the recharge statements carry them (an issued one keeps the codes it was issued with)."""
    row = await handlers.set_finance_code(session, user, body)
    await session.commit()
    return FinanceCodeRead(
        organisation=row.organisation, kind=body.kind, key=row.key, code=row.code
    )


@router.get("/finance-codes", tags=["recharges"], summary="Your finance codes")
async def list_finance_codes(
    request: Request,
    response: Response,
    session: Session,
    kind: FinanceCodeKind | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*MONEY),
) -> FinanceCodePage:
    """Your organisation's references for providers and cost codes for service elements, by
    kind and key, a page at a time."""
    found, next_cursor = await queries.finance_codes(
        session, user.organisation, kind, limit, cursor
    )
    return FinanceCodePage(
        items=[
            FinanceCodeRead(organisation=c.organisation, kind=c.kind, key=c.key, code=c.code)
            for c in found
        ],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
