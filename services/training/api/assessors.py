"""Routes for assessors: approved by the IPCB (R25), approved by a provider to act for it (R16)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.training.handlers import assessors as handlers
from services.training.queries import assessors as queries
from services.training.schemas.assessors import (
    ApprovedAssessorCreate,
    ApprovedAssessorPage,
    ApprovedAssessorRead,
    AssessorApprovalCreate,
    AssessorApprovalPage,
    AssessorApprovalRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter(tags=["assessors"])
READERS = (Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER, Role.IPCB_MEMBER, Role.AUDITOR)


@router.post(
    "/approved-assessors",
    status_code=status.HTTP_201_CREATED,
    summary="Approve a competence assessor (R25)",
)
async def approve_assessor(
    body: ApprovedAssessorCreate, session: Session, user: CurrentUser = admits(Role.IPCB_MEMBER)
) -> ApprovedAssessorRead:
    """An IPCB member of a board organisation adds someone who is not a registered
    practitioner to the approved assessors."""
    assessor = await handlers.approve_assessor(session, user, body)
    await session.commit()
    return ApprovedAssessorRead.model_validate(assessor)


@router.get("/approved-assessors", summary="The approved competence assessors (R25)")
async def list_approved_assessors(
    request: Request,
    response: Response,
    session: Session,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> ApprovedAssessorPage:
    """Who, besides registered practitioners, may assess competence (of one organisation),
    by user id, a page at a time."""
    found, next_cursor = await queries.approved_assessors(session, organisation, limit, cursor)
    return ApprovedAssessorPage(
        items=[ApprovedAssessorRead.model_validate(a) for a in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.post(
    "/assessor-approvals",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(AssessorApprovalRead),
    summary="Approve an assessor to train and assess the provider's workers (R16)",
)
async def approve_for_provider(
    body: AssessorApprovalCreate,
    session: Session,
    response: Response,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> AssessorApprovalRead:
    """The provider's manager approves an assessor of another organisation (a district nurse,
    an approved assessor), or without `user_id` every registered practitioner of it (the
    district nursing team), to record training, assessments and instructions for its workers;
    the same approval again answers 200."""
    approval, created = await handlers.approve_for_provider(session, user, body)
    await session.commit()
    answer_replay(response, created)
    return AssessorApprovalRead.model_validate(approval)


@router.get("/assessor-approvals", summary="Assessors approved to act for providers (R16)")
async def list_approvals(
    request: Request,
    response: Response,
    session: Session,
    provider_organisation: Annotated[str | None, Query(max_length=200)] = None,
    assessor_organisation: Annotated[str | None, Query(max_length=200)] = None,
    withdrawn: bool | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS, Role.CARE_WORKER),
) -> AssessorApprovalPage:
    """The approvals the caller's organisation gave, and those naming its staff; the IPCB sees
    every one. By provider, a page at a time."""
    where = queries.ApprovalFilter(provider_organisation, assessor_organisation, withdrawn)
    found, next_cursor = await queries.approvals(session, user, where, limit, cursor)
    return AssessorApprovalPage(
        items=[AssessorApprovalRead.model_validate(a) for a in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.post(
    "/assessor-approvals/{approval_id}/withdrawal",
    summary="Withdraw an assessor's approval to act for the provider (R16)",
)
async def withdraw_approval(
    approval_id: UUID, session: Session, user: CurrentUser = admits(Role.PROVIDER_MANAGER)
) -> AssessorApprovalRead:
    """From today the assessor no longer trains or assesses the provider's workers."""
    approval = await handlers.withdraw_approval(session, user, approval_id)
    await session.commit()
    return AssessorApprovalRead.model_validate(approval)
