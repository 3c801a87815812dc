"""Routes for needs assessments (R4, R5, R6) and changes in need (R8)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.assessment.api.roles import ASSESSORS, CLINICAL_READERS
from services.assessment.domain.assessments import AssessmentKind
from services.assessment.handlers import assessments as handlers
from services.assessment.queries import assessments as queries
from services.assessment.schemas.assessments import (
    AssessmentCreate,
    AssessmentPage,
    AssessmentRead,
    NeedChangeCreate,
    NeedChangePage,
    NeedChangeRead,
)
from shared import pages
from shared.access import BreakGlass
from shared.auth import CurrentUser, admits
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter(tags=["assessments"])


@router.post(
    "/people/{person_id}/assessments",
    status_code=status.HTTP_201_CREATED,
    summary="Record a needs assessment (R4, R5, R6)",
)
async def record_assessment(
    person_id: UUID,
    body: AssessmentCreate,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*ASSESSORS),
) -> AssessmentRead:
    """Health and social care needs and the Care Act determination; 409 while one is current.
    The assessing organisation holds a relationship with the person from now; one without a
    relationship yet (a referral) states why in `X-Break-Glass-Reason`, else 404."""
    assessment = await handlers.record_assessment(session, user, person_id, body, break_glass)
    await session.commit()
    return AssessmentRead.model_validate(assessment)


@router.get("/people/{person_id}/assessments", summary="List the person's assessments")
async def list_assessments(
    person_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*CLINICAL_READERS),
    current: bool = False,
    kind: AssessmentKind | None = None,
    partner_organisation: Annotated[str | None, Query(max_length=200)] = None,
    assessed_from: date | None = None,
    assessed_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> AssessmentPage:
    """Every assessment (or only the current ones, of a kind, by a partner, assessed between
    two days), oldest recorded first, a page at a time: any related partner reuses them (R6)."""
    where = queries.AssessmentFilter(
        current, kind, partner_organisation, assessed_from, assessed_to
    )
    found, next_cursor = await queries.assessments(
        session, user, person_id, where, limit, cursor, break_glass
    )
    return AssessmentPage(
        items=[AssessmentRead.model_validate(a) for a in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/people/{person_id}/assessments/{assessment_id}", summary="Read an assessment")
async def read_assessment(
    person_id: UUID,
    assessment_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*CLINICAL_READERS),
) -> AssessmentRead:
    """One assessment: who assessed, for which organisation, when, and what was found."""
    return AssessmentRead.model_validate(
        await queries.assessment(session, user, person_id, assessment_id, break_glass)
    )


@router.post(
    "/people/{person_id}/need-changes",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(NeedChangeRead),
    summary="Record a change in need (R8)",
)
async def record_need_change(
    person_id: UUID,
    body: NeedChangeCreate,
    session: Session,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(*ASSESSORS),
) -> NeedChangeRead:
    """Published for review; a significant change calls for an MDT. A repeated key answers 200."""
    change, created = await handlers.record_need_change(
        session, user, person_id, body, idempotency_key
    )
    await session.commit()
    answer_replay(response, created)
    return NeedChangeRead.model_validate(change)


@router.get("/people/{person_id}/need-changes", summary="List the person's changes in need")
async def list_need_changes(
    person_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*CLINICAL_READERS),
    significant: bool | None = None,
    recorded_from: date | None = None,
    recorded_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> NeedChangePage:
    """Every change in need recorded (or only the significant ones, recorded between two
    days), oldest first, a page at a time."""
    where = queries.NeedChangeFilter(significant, recorded_from, recorded_to)
    found, next_cursor = await queries.need_changes(
        session, user, person_id, where, limit, cursor, break_glass
    )
    return NeedChangePage(
        items=[NeedChangeRead.model_validate(c) for c in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
