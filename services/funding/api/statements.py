"""Routes for statements per organisation per period, and their CSV."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse

from services.funding.api.roles import MONEY
from services.funding.domain import dates
from services.funding.queries import statements
from services.funding.schemas.statements import StatementRead
from shared.auth import CurrentUser, admits
from shared.web import Session

router = APIRouter()


Period = tuple[date, date]


def _period(period_start: date, period_end: date) -> Period:
    dates.check_period(period_start, period_end, "query.period_start", "query.period_end")
    return period_start, period_end


@router.get("/statements", tags=["statements"], summary="Your organisation's statement")
async def get_statement(
    session: Session,
    period_start: Annotated[date, Query()],
    period_end: Annotated[date, Query()],
    user: CurrentUser = admits(*MONEY),
) -> StatementRead:
    """What your organisation pays, recharges and is recharged over a period (at most three
    years), line by line: your organisation's own lines only."""
    start, end = _period(period_start, period_end)
    return await statements.statement(session, user, start, end)


@router.get(
    "/statements.csv",
    tags=["statements"],
    summary="Your organisation's statement as CSV",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
async def get_statement_csv(
    session: Session,
    period_start: Annotated[date, Query()],
    period_end: Annotated[date, Query()],
    user: CurrentUser = admits(*MONEY),
) -> Response:
    """The statement for finance systems: one row per line and per settlement (text/csv)."""
    start, end = _period(period_start, period_end)
    read = await statements.statement(session, user, start, end)
    name = f"statement-{user.organisation}-{start}-{end}.csv"
    return Response(
        statements.as_csv(read),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
