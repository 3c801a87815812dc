"""Routes for without-prejudice funding: funding gaps and the funding decision (R20)."""

from uuid import UUID

from fastapi import APIRouter, Response

from services.funding.api.apportionment import delegation_funding
from services.funding.handlers import segments as handlers
from services.funding.schemas.apportionment import DelegationFundingRead
from services.funding.schemas.segments import (
    FundingDecisionCreate,
    FundingGapCreate,
    FundingGapRead,
)
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter()


@router.post(
    "/funding-gaps",
    status_code=201,
    responses=replayed(FundingGapRead),
    tags=["apportionment"],
    summary="Declare that a healthcare task has no funding decision yet (R20)",
)
async def declare_funding_gap(
    body: FundingGapCreate,
    response: Response,
    session: Session,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> FundingGapRead:
    """The delegation's accountable commissioner, before the task goes live: Health will fund it
    without prejudice from its start date. A live delegation must be yours (else 404) and the
    person its person (else 422); a word given before go-live counts only if both hold then."""
    gap, created = await handlers.declare_funding_gap(session, user, body)
    await session.commit()
    answer_replay(response, created)
    return FundingGapRead.model_validate(gap)


@router.post(
    "/delegations/{delegation_id}/funding-decision",
    tags=["apportionment"],
    summary="Make the funding decision and settle back to the start date (R20)",
)
async def make_funding_decision(
    delegation_id: UUID,
    body: FundingDecisionCreate,
    session: Session,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> DelegationFundingRead:
    """Name the accountable organisation; what Health paid without prejudice is settled."""
    await handlers.make_funding_decision(session, user, delegation_id, body)
    await session.commit()
    return await delegation_funding(delegation_id, session, user)
