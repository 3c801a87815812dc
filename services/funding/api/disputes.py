"""Routes for disputes of joint-funded cases (R22)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from services.funding.api.roles import MONEY
from services.funding.domain import disputes
from services.funding.domain.disputes import DisputeState
from services.funding.handlers import delegation_disputes
from services.funding.handlers import disputes as handlers
from services.funding.models import Dispute
from services.funding.queries import disputes as queries
from services.funding.queries import packages as package_queries
from services.funding.schemas.disputes import (
    DelegationDisputeCreate,
    DisputeCreate,
    DisputePage,
    DisputeRead,
)
from services.funding.schemas.packages import (
    ShareIn,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.events.funding import DisputeReason, DisputeSubject
from shared.web import Session

router = APIRouter()


@router.post(
    "/joint-packages/{package_id}/disputes",
    status_code=201,
    tags=["disputes"],
    summary="Dispute a joint-funded case: it goes to the CSU (R22)",
)
async def raise_dispute(
    package_id: UUID, body: DisputeCreate, session: Session, user: CurrentUser = admits(*MONEY)
) -> DisputeRead:
    """A party raises a dispute; care and the current funding continue meanwhile."""
    dispute = await handlers.raise_dispute(session, user, package_id, body)
    await session.commit()
    return _dispute(dispute)


@router.post(
    "/delegations/{delegation_id}/funding/disputes",
    status_code=201,
    tags=["disputes"],
    summary="Dispute a delegation's apportionment or without-prejudice decision: to the CSU (R22)",
)
async def raise_delegation_dispute(
    delegation_id: UUID,
    body: DelegationDisputeCreate,
    session: Session,
    user: CurrentUser = admits(*MONEY),
) -> DisputeRead:
    """A party raises it; the delegation's funding continues as it is meanwhile (R20)."""
    dispute = await delegation_disputes.raise_delegation_dispute(session, user, delegation_id, body)
    await session.commit()
    return _dispute(dispute)


@router.get("/disputes", tags=["disputes"], summary="Funding disputes (R22)")
async def list_disputes(
    request: Request,
    response: Response,
    session: Session,
    status: DisputeState | None = None,
    subject_kind: DisputeSubject | None = None,
    person_id: UUID | None = None,
    package_id: UUID | None = None,
    raised_from: Annotated[date | None, Query(description="Raised on or after")] = None,
    raised_to: Annotated[date | None, Query(description="Raised on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*MONEY, Role.CSU_OFFICER),
) -> DisputePage:
    """CSU officers read every dispute; a party's officers the ones it is party to; oldest
    raised first, a page at a time."""
    where = queries.DisputeFilter(
        status, subject_kind, person_id, package_id, raised_from, raised_to
    )
    found, next_cursor = await queries.disputes(session, user, where, limit, cursor)
    return DisputePage(
        items=[_dispute(d) for d in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/disputes/{dispute_id}", tags=["disputes"], summary="A funding dispute (R22)")
async def get_dispute(
    dispute_id: UUID, session: Session, user: CurrentUser = admits(*MONEY, Role.CSU_OFFICER)
) -> DisputeRead:
    """A dispute, its parties, and once resolved its outcome and effective date."""
    return _dispute(await queries.dispute(session, user, dispute_id))


def _dispute(dispute: Dispute) -> DisputeRead:
    outcome = dispute.outcome
    return DisputeRead(
        id=dispute.id,
        subject_kind=DisputeSubject(dispute.subject_kind),
        subject_id=dispute.subject_id,
        package_id=dispute.package_id,
        person_id=dispute.person_id,
        raised_by=dispute.raised_by,
        parties=list(dispute.parties.get("organisations", [])),
        reason_code=DisputeReason(dispute.reason_code),
        summary=disputes.summary_of(DisputeReason(dispute.reason_code)),
        note=dispute.note,
        raised_on=dispute.raised_on,
        status=dispute.status,
        outcome=None
        if outcome is None
        else [
            ShareIn.model_validate(s, from_attributes=True)
            for s in package_queries.shares_of(outcome)
        ],
        effective_from=dispute.effective_from,
        resolved_on=dispute.resolved_on,
        framework_version=dispute.framework_version,
    )
