"""Routes for providers' hourly rates (R19)."""

from fastapi import APIRouter, Response

from services.funding.api.roles import MONEY
from services.funding.handlers import rates as handlers
from services.funding.models import Rate
from services.funding.queries import rates as queries
from services.funding.schemas.rates import RateCreate, RateRead
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter()


@router.post(
    "/rates",
    status_code=201,
    responses=replayed(RateRead),
    tags=["rates"],
    summary="Record a provider's hourly rate",
)
async def record_rate(
    body: RateCreate, response: Response, session: Session, user: CurrentUser = admits(*MONEY)
) -> RateRead:
    """Record a provider's hourly rate from a date; the same rate again returns the first (200)."""
    rate, created = await handlers.record_rate(session, user, body)
    await session.commit()
    answer_replay(response, created)
    return RateRead.model_validate(rate)


@router.get("/rates", tags=["rates"], summary="List providers' hourly rates")
async def list_rates(
    session: Session,
    provider_organisation: str | None = None,
    user: CurrentUser = admits(*MONEY, Role.PROVIDER_MANAGER),
) -> list[RateRead]:
    """Hourly rates with their effective dates; a provider manager sees its own rates only."""
    rows: list[Rate] = list(await queries.rates(session, user, provider_organisation))
    return [RateRead.model_validate(r) for r in rows]
