"""Routes for equality monitoring (R28), competence sign-off oversight and decision monitoring."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.governance.api.common import READERS_OF_EVERYTHING
from services.governance.domain.monitoring import ReportStatus
from services.governance.handlers import monitoring as handlers
from services.governance.queries import monitoring as queries
from services.governance.queries.organisations import as_board_reader
from services.governance.schemas.monitoring import (
    EqualityReportCreate,
    EqualityReportPage,
    EqualityReportRead,
    MonitoringCountPage,
    ProviderSignOffPage,
    ProviderSignOffRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.errors import NotFound
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter()


@router.post(
    "/equality/reports",
    status_code=status.HTTP_202_ACCEPTED,
    responses=replayed(EqualityReportRead),
    tags=["equality monitoring"],
    summary="Ask for an equality monitoring report over a period (R28)",
)
async def request_equality_report(
    body: EqualityReportCreate,
    session: Session,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(Role.IPCB_MEMBER),
) -> EqualityReportRead:
    """The assessment service compiles it from pseudonymised data; it arrives here later."""
    report, created = await handlers.request_equality_report(session, user, body, idempotency_key)
    await session.commit()
    answer_replay(response, created)
    return queries.equality_report_read(report)


@router.get(
    "/equality/reports", tags=["equality monitoring"], summary="Equality monitoring reports"
)
async def list_equality_reports(
    request: Request,
    response: Response,
    session: Session,
    status: ReportStatus | None = None,
    period_from: Annotated[date | None, Query(description="Periods starting on or after")] = None,
    period_to: Annotated[date | None, Query(description="Periods ending on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS_OF_EVERYTHING),
) -> EqualityReportPage:
    """Every report asked for, compiled or not, by period, a page at a time; counts under 5 are
    shown as null."""
    await as_board_reader(session, user)
    found, next_cursor = await queries.equality_reports(
        session, status, (period_from, period_to), limit, cursor
    )
    return EqualityReportPage(
        items=found, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
    )


@router.get(
    "/equality/reports/{report_id}",
    tags=["equality monitoring"],
    summary="One equality monitoring report (R28)",
)
async def get_equality_report(
    report_id: UUID, session: Session, user: CurrentUser = admits(*READERS_OF_EVERYTHING)
) -> EqualityReportRead:
    """Use of the Framework by each protected characteristic; counts under 5 are null."""
    await as_board_reader(session, user)
    return await queries.equality_report(session, report_id)


@router.get(
    "/board/competence-sign-offs",
    tags=["board"],
    summary="Competence sign-off per provider and task (R27)",
)
async def list_competence_sign_offs(
    request: Request,
    response: Response,
    session: Session,
    provider: Annotated[str | None, Query(max_length=100)] = None,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS_OF_EVERYTHING, Role.PROVIDER_MANAGER),
) -> ProviderSignOffPage:
    """How many assessments found workers competent or not yet, per provider and task, a page
    of providers at a time; a provider manager sees only their own."""
    await as_board_reader(session, user)
    if user.role is Role.PROVIDER_MANAGER:
        provider = user.organisation
    found, next_cursor = await queries.competence_sign_offs(
        session, provider, task_code, limit, cursor
    )
    return ProviderSignOffPage(
        items=found, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
    )


@router.get(
    "/board/competence-sign-offs/{provider}",
    tags=["board"],
    summary="One provider's competence sign-off (R27)",
)
async def get_competence_sign_off(
    provider: str,
    session: Session,
    user: CurrentUser = admits(*READERS_OF_EVERYTHING, Role.PROVIDER_MANAGER),
) -> ProviderSignOffRead:
    """The provider's sign-off counts per task; a provider manager sees only their own."""
    await as_board_reader(session, user)
    visible = user.role is not Role.PROVIDER_MANAGER or user.organisation == provider
    found, _ = await queries.competence_sign_offs(session, provider) if visible else ([], None)
    if not found:
        raise NotFound(f"no competence sign-offs for {provider}")
    return found[0]


@router.get(
    "/board/monitoring",
    tags=["board"],
    summary="Counts of decisions and outcomes across the Framework",
)
async def monitoring_counts(
    request: Request,
    response: Response,
    session: Session,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    since: date | None = None,
    until: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS_OF_EVERYTHING),
) -> MonitoringCountPage:
    """MDT decisions by outcome and Framework version, delegations live and ended, settlements;
    by kind and version, a page at a time."""
    await as_board_reader(session, user)
    found, next_cursor = await queries.monitoring_counts(
        session, kind, (since, until), limit, cursor
    )
    return MonitoringCountPage(
        items=found, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
    )
