"""Routes for joint packages (R21)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from services.funding.api.roles import MONEY
from services.funding.domain import reviews
from services.funding.domain.packages import PackageState
from services.funding.handlers import packages as handlers
from services.funding.models import JointPackage, PackageTerms
from services.funding.queries import packages as queries
from services.funding.schemas.packages import (
    JointPackageCreate,
    JointPackagePage,
    JointPackageRead,
    PackageEnd,
    PackageReviewCreate,
    PackageReviewPage,
    PackageReviewRead,
    ShareIn,
    TermsCreate,
    TermsRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.db import today
from shared.events.funding import ChcOutcome, PackageEndReason
from shared.events.vocabulary import Setting
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter()


@router.post(
    "/joint-packages",
    status_code=201,
    responses=replayed(JointPackageRead),
    tags=["joint packages"],
    summary="Agree a joint package's shares (R21)",
)
async def agree_joint_package(
    body: JointPackageCreate,
    response: Response,
    session: Session,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> JointPackageRead:
    """A package funded by the NHS and the local authority, in any setting, from a date."""
    package, created = await handlers.agree_joint_package(session, user, body, idempotency_key)
    await session.commit()
    answer_replay(response, created)
    return await _package(session, package)


@router.post(
    "/joint-packages/{package_id}/terms",
    status_code=201,
    tags=["joint packages"],
    summary="Change a joint package's shares from a date (R21)",
)
async def change_shares(
    package_id: UUID,
    body: TermsCreate,
    session: Session,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> JointPackageRead:
    """Shares and weekly cost change only from an effective date after the current terms."""
    package = await handlers.change_shares(session, user, package_id, body)
    await session.commit()
    return await _package(session, package)


@router.post(
    "/joint-packages/{package_id}/end",
    tags=["joint packages"],
    summary="End a joint package from a date, with a coded reason (R21)",
)
async def end_package(
    package_id: UUID,
    body: PackageEnd,
    session: Session,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> JointPackageRead:
    """Its parties pay nothing from `ends_on`; an open dispute still settles the days paid."""
    package = await handlers.end_package(session, user, package_id, body)
    await session.commit()
    return await _package(session, package)


@router.post(
    "/joint-packages/{package_id}/reviews",
    status_code=201,
    tags=["joint packages"],
    summary="Record a joint package's review (R21, A 5.14)",
)
async def review_package(
    package_id: UUID,
    body: PackageReviewCreate,
    session: Session,
    user: CurrentUser = admits(Role.COMMISSIONER),
) -> PackageReviewRead:
    """A party records the review; the next falls due twelve months after it."""
    review = await handlers.review_package(session, user, package_id, body)
    await session.commit()
    return PackageReviewRead.model_validate(review)


@router.get(
    "/joint-packages/reviews/overdue",
    tags=["joint packages"],
    summary="Joint packages whose review is overdue (R21, A 5.14)",
)
async def overdue_reviews(
    request: Request,
    response: Response,
    session: Session,
    person_id: UUID | None = None,
    status: Annotated[PackageState | None, Query(description="agreed or in_dispute")] = None,
    setting: Setting | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*MONEY),
) -> JointPackagePage:
    """Running packages your organisation is party to whose review is past due, longest first,
    a page at a time."""
    where = queries.OverdueFilter(person_id, status, setting)
    found, next_cursor = await queries.overdue_reviews(session, user, where, limit, cursor)
    return JointPackagePage(
        items=[await _package(session, p) for p in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get(
    "/joint-packages/{package_id}/reviews",
    tags=["joint packages"],
    summary="A joint package's reviews (R21, A 5.14)",
)
async def package_reviews(
    package_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    reviewed_from: Annotated[date | None, Query(description="Held on or after")] = None,
    reviewed_to: Annotated[date | None, Query(description="Held on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*MONEY),
) -> PackageReviewPage:
    """Every review recorded, oldest first, a page at a time, for the organisations party to
    the package."""
    await queries.package_for(session, user, package_id)
    found, next_cursor = await queries.package_reviews(
        session, package_id, (reviewed_from, reviewed_to), limit, cursor
    )
    return PackageReviewPage(
        items=[PackageReviewRead.model_validate(r) for r in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get(
    "/joint-packages/{package_id}", tags=["joint packages"], summary="A joint package (R21)"
)
async def get_joint_package(
    package_id: UUID, session: Session, user: CurrentUser = admits(*MONEY)
) -> JointPackageRead:
    """A package's terms over time, for the organisations party to it."""
    package, _ = await queries.package_for(session, user, package_id)
    return await _package(session, package)


async def _package(session: Session, package: JointPackage) -> JointPackageRead:
    rows = await queries.package_terms(session, package.id)
    return JointPackageRead(
        id=package.id,
        person_id=package.person_id,
        setting=package.setting,
        terms=[_terms(t) for t in rows],
        delegation_id=package.delegation_id,
        status=PackageState(package.status),
        chc_outcome=ChcOutcome(package.chc_outcome) if package.chc_outcome else None,
        chc_decided_on=package.chc_decided_on,
        review_due=package.review_due,
        review_overdue=reviews.is_overdue(
            PackageState(package.status), package.review_due, today(session)
        ),
        ends_on=package.ends_on,
        end_reason=PackageEndReason(package.end_reason) if package.end_reason else None,
    )


def _terms(terms: PackageTerms) -> TermsRead:
    return TermsRead(
        id=terms.id,
        effective_from=terms.effective_from,
        weekly_cost_pence=terms.weekly_cost_pence,
        shares=[
            ShareIn.model_validate(s, from_attributes=True) for s in queries.shares_of(terms.shares)
        ],
        cause=terms.cause,
    )
