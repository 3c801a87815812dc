"""Routes for commissioners' hourly rates for providers (R19)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.funding.api.roles import MONEY
from services.funding.handlers import rates as handlers
from services.funding.queries import rates as queries
from services.funding.schemas.rates import RateCreate, RatePage, RateRead
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter()


@router.post(
    "/rates",
    status_code=201,
    responses=replayed(RateRead),
    tags=["rates"],
    summary="Record what your organisation pays a provider an hour",
)
async def record_rate(
    body: RateCreate, response: Response, session: Session, user: CurrentUser = admits(*MONEY)
) -> RateRead:
    """A commissioning organisation (an ICB or a council) records its hourly rate for a provider
    in the register from a date; the same rate again returns the first (200). Each
    commissioner's rates are its own: its runs with the provider are costed at them."""
    rate, created = await handlers.record_rate(session, user, body)
    await session.commit()
    answer_replay(response, created)
    return RateRead.model_validate(rate)


@router.get("/rates", tags=["rates"], summary="List the hourly rates you set or were set for you")
async def list_rates(
    request: Request,
    response: Response,
    session: Session,
    provider_organisation: Annotated[str | None, Query(max_length=200)] = None,
    commissioner: Annotated[str | None, Query(max_length=200)] = None,
    effective_since: Annotated[date | None, Query(description="Effective on or after")] = None,
    effective_until: Annotated[date | None, Query(description="Effective on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*MONEY, Role.PROVIDER_MANAGER),
) -> RatePage:
    """Hourly rates with their effective dates, a page at a time: those your organisation set
    (a commissioner) and those set for it (a provider); no other organisation's."""
    where = queries.RateFilter(
        provider_organisation, commissioner, effective_since, effective_until
    )
    found, next_cursor = await queries.rates(session, user, where, limit, cursor)
    return RatePage(
        items=[RateRead.model_validate(r) for r in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
