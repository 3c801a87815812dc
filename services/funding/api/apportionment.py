"""Routes for a delegation's apportioned funding (R19, R20)."""

from uuid import UUID

from fastapi import APIRouter

from services.funding.api.roles import MONEY
from services.funding.queries import apportionment as queries
from services.funding.queries import covers as cover_queries
from services.funding.schemas.apportionment import (
    CoverRead,
    DelegationFundingRead,
    SegmentRead,
    SettlementRead,
)
from services.funding.settings import Settings
from shared.auth import CurrentUser, admits
from shared.web import Session

router = APIRouter()


@router.get(
    "/delegations/{delegation_id}/funding",
    tags=["apportionment"],
    summary="A delegation's apportionments and settlements (R19, R20)",
)
async def delegation_funding(
    delegation_id: UUID, session: Session, user: CurrentUser = admits(*MONEY)
) -> DelegationFundingRead:
    """Who pays for a delegation's additional time, from when, at what rate, Health's cover of
    it after a handback, and settlements."""
    health = Settings.of(session).health_commissioner
    delegation, segments, settled = await queries.delegation_funding(
        session, user, delegation_id, health
    )
    covers = await cover_queries.covers_of(session, delegation_id)
    return DelegationFundingRead(
        **{
            k: getattr(delegation, k)
            for k in DelegationFundingRead.model_fields
            if k not in {"segments", "settlements", "covers"}
        },
        segments=[SegmentRead.model_validate(s) for s in segments],
        settlements=[SettlementRead.model_validate(s) for s in settled],
        covers=[CoverRead.model_validate(c) for c in covers],
    )
