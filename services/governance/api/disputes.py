"""Routes for CSU dispute cases under the LLR inter-agency resolution policy (R22)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.governance.domain.disputes import Stage
from services.governance.handlers import disputes as handlers
from services.governance.models import DisputeCase, DisputeEvidence
from services.governance.queries import disputes as queries
from services.governance.schemas.disputes import (
    DisputeCasePage,
    DisputeCaseRead,
    EvidenceCreate,
    EvidenceRead,
    ResolutionCreate,
    StageChange,
)
from services.governance.settings import Settings
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.db import today
from shared.web import Session

router = APIRouter(tags=["disputes"])
# A case is about a person: the CSU that holds it and the parties to it see it; the IPCB and
# auditors see counts (/board/monitoring) and the audit trail, not the case.
CSU = admits(Role.CSU_OFFICER)
PARTIES = (Role.COMMISSIONER, Role.FINANCE_OFFICER)  # see only their own organisation's cases


def _case_read(case: DisputeCase, evidence: list[DisputeEvidence] | None = None) -> DisputeCaseRead:
    read = DisputeCaseRead.model_validate(case)
    return read.model_copy(
        update={"evidence": [EvidenceRead.model_validate(e) for e in evidence or []]}
    )


@router.get("/disputes", summary="CSU dispute cases (R22)")
async def list_disputes(
    request: Request,
    response: Response,
    session: Session,
    stage: Stage | None = None,
    person_id: UUID | None = None,
    raised_by: Annotated[str | None, Query(max_length=100)] = None,
    raised_from: Annotated[date | None, Query(description="Raised on or after")] = None,
    raised_to: Annotated[date | None, Query(description="Raised on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(Role.CSU_OFFICER, *PARTIES),
) -> DisputeCasePage:
    """The cases the caller's CSU holds, or, for a commissioner or finance officer, those their
    organisation is a party to; oldest raised first, a page at a time."""
    where = queries.CaseFilter(stage, person_id, raised_by, (raised_from, raised_to))
    found, next_cursor = await queries.dispute_cases(session, user, where, limit, cursor)
    return DisputeCasePage(
        items=[_case_read(c) for c in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get(
    "/disputes/open-too-long",
    summary="Cases open longer than the configured days (R22)",
)
async def list_open_too_long(
    request: Request,
    response: Response,
    session: Session,
    days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = CSU,
) -> DisputeCasePage:
    """The CSU's unresolved cases raised more than `days` (default: the setting) days ago,
    oldest first, a page at a time."""
    # R22: the configured threshold (GOVERNANCE_DISPUTE_OPEN_TOO_LONG_DAYS) unless given.
    threshold = Settings.of(session).dispute_open_too_long_days if days is None else days
    found, next_cursor = await queries.open_too_long(
        session, user, today(session), threshold, limit, cursor
    )
    return DisputeCasePage(
        items=[_case_read(c) for c in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/disputes/{case_id}", summary="One CSU dispute case")
async def get_dispute(
    case_id: UUID, session: Session, user: CurrentUser = admits(Role.CSU_OFFICER, *PARTIES)
) -> DisputeCaseRead:
    """The case with its stages, parties, evidence and outcome, to its CSU and its parties."""
    case, evidence = await queries.dispute_case(session, user, case_id)
    return _case_read(case, list(evidence))


@router.post("/disputes/{case_id}/stage", summary="Move a case to its next stage (R22)")
async def move_stage(
    case_id: UUID, body: StageChange, session: Session, user: CurrentUser = CSU
) -> DisputeCaseRead:
    """Raised, then local resolution, then CSU review, under the inter-agency policy."""
    case = await handlers.move_stage(session, user, case_id, body)
    await session.commit()
    return _case_read(case)


@router.post(
    "/disputes/{case_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    summary="Add a party's evidence to a case (R22)",
)
async def add_evidence(
    case_id: UUID,
    body: EvidenceCreate,
    session: Session,
    user: CurrentUser = admits(Role.CSU_OFFICER, *PARTIES),
) -> EvidenceRead:
    """The CSU records any party's evidence; a party's own staff record only their own."""
    evidence = await handlers.add_evidence(session, user, case_id, body)
    await session.commit()
    return EvidenceRead.model_validate(evidence)


@router.post(
    "/disputes/{case_id}/resolution",
    summary="Resolve a case: who pays what, from when (R22)",
)
async def resolve_dispute(
    case_id: UUID, body: ResolutionCreate, session: Session, user: CurrentUser = CSU
) -> DisputeCaseRead:
    """Record the outcome; funding applies it from the DisputeResolved event."""
    case = await handlers.resolve(session, user, case_id, body)
    await session.commit()
    return _case_read(case)
