"""Routes for the board (R27): partners, members, reported issues, rulings, areas, themes."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.governance.api.common import (
    EVERYONE,
    READERS_OF_EVERYTHING,
    STAFF,
)
from services.governance.domain.board import IssueStatus, RulingKind
from services.governance.handlers import board as handlers
from services.governance.queries import board as queries
from services.governance.queries import organisations
from services.governance.queries.organisations import as_board_reader
from services.governance.schemas.board import (
    AreaCreate,
    AreaPage,
    AreaRead,
    IssueCreate,
    IssuePage,
    IssueRead,
    IssueTriage,
    MemberCreate,
    MemberPage,
    MemberRead,
    MemberStandDown,
    PartnerPage,
    PartnerRead,
    RulingCreate,
    RulingPage,
    RulingRead,
    ThemeCreate,
    ThemePage,
    ThemeRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.events.vocabulary import OrganisationKind
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter(prefix="/board", tags=["board"])
BOARD = admits(Role.IPCB_MEMBER)  # of a board organisation: each handler checks the register


@router.get("/partners", summary="The partner organisations of the Framework (R2)")
async def list_partners(
    request: Request,
    response: Response,
    session: Session,
    kind: OrganisationKind | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*EVERYONE),
) -> PartnerPage:
    """The partner organisations, each of which has one member of the board, by code."""
    found, next_cursor = await organisations.register(session, kind, True, limit, cursor)
    return PartnerPage(
        items=[PartnerRead(code=p.ods_code, name=p.name, kind=p.kind.value) for p in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.post(
    "/members",
    status_code=status.HTTP_201_CREATED,
    summary="Record a partner's member of the board (R27)",
)
async def appoint_member(
    body: MemberCreate, session: Session, user: CurrentUser = BOARD
) -> MemberRead:
    """Record the member for a partner organisation; a second for the same partner is a 409."""
    member = await handlers.appoint_member(session, user, body)
    await session.commit()
    return MemberRead.model_validate(member)


@router.post(
    "/members/{member_id}/stand-down",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="A member stands down, freeing the partner's seat (R27)",
)
async def stand_down_member(
    member_id: UUID, body: MemberStandDown, session: Session, user: CurrentUser = BOARD
) -> None:
    """The partner may then send its next member; the audit trail keeps who sat when."""
    await handlers.stand_down_member(session, user, member_id, body.reason)
    await session.commit()


@router.get("/members", summary="The board's members")
async def list_members(
    request: Request,
    response: Response,
    session: Session,
    organisation: Annotated[str | None, Query(max_length=100)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS_OF_EVERYTHING),
) -> MemberPage:
    """One member per partner organisation, by organisation."""
    await as_board_reader(session, user)
    found, next_cursor = await queries.members(session, organisation, limit, cursor)
    return MemberPage(
        items=[MemberRead.model_validate(m) for m in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.post(
    "/issues",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(IssueRead),
    summary="Report a practical problem with the Framework (R27)",
)
async def report_issue(
    body: IssueCreate,
    session: Session,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(*STAFF),
) -> IssueRead:
    """Any member of staff reports an issue for the board to consider."""
    issue, created = await handlers.report_issue(session, user, body, idempotency_key)
    await session.commit()
    answer_replay(response, created)
    return IssueRead.model_validate(issue)


@router.get("/issues", summary="The reported issues")
async def list_issues(
    request: Request,
    response: Response,
    session: Session,
    status: IssueStatus | None = None,
    reporter_organisation: Annotated[str | None, Query(max_length=100)] = None,
    reported_from: Annotated[date | None, Query(description="Reported on or after (UTC)")] = None,
    reported_to: Annotated[date | None, Query(description="Reported on or before (UTC)")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS_OF_EVERYTHING),
) -> IssuePage:
    """Reported issues, oldest first, a page at a time."""
    await as_board_reader(session, user)
    where = queries.IssueFilter(status, reporter_organisation, (reported_from, reported_to))
    found, next_cursor = await queries.issues(session, where, limit, cursor)
    return IssuePage(
        items=[IssueRead.model_validate(i) for i in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/issues/{issue_id}", summary="One reported issue")
async def get_issue(
    issue_id: UUID, session: Session, user: CurrentUser = admits(*READERS_OF_EVERYTHING)
) -> IssueRead:
    """A reported issue with how the board agreed to deal with it and its outcome."""
    await as_board_reader(session, user)
    return IssueRead.model_validate(await queries.issue(session, issue_id))


@router.post("/issues/{issue_id}/triage", summary="Agree how an issue is dealt with (R27)")
async def triage_issue(
    issue_id: UUID, body: IssueTriage, session: Session, user: CurrentUser = BOARD
) -> IssueRead:
    """The board agrees how the issue is dealt with, then closes it with its outcome linked."""
    issue = await handlers.triage_issue(session, user, issue_id, body)
    await session.commit()
    return IssueRead.model_validate(issue)


@router.post(
    "/rulings",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(RulingRead),
    summary="Issue a ruling or new guidance (R27)",
)
async def issue_ruling(
    body: RulingCreate,
    session: Session,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = BOARD,
) -> RulingRead:
    """Issue a ruling or guidance with its effective date; a ruling may change the catalogue."""
    ruling, created = await handlers.issue_ruling(session, user, body, idempotency_key)
    await session.commit()
    answer_replay(response, created)
    return RulingRead.model_validate(ruling)


@router.get("/rulings", summary="Rulings and guidance")
async def list_rulings(
    request: Request,
    response: Response,
    session: Session,
    kind: RulingKind | None = None,
    effective_since: Annotated[date | None, Query(description="Effective on or after")] = None,
    effective_until: Annotated[date | None, Query(description="Effective on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*EVERYONE),
) -> RulingPage:
    """Every ruling and piece of guidance, by effective date, a page at a time."""
    found, next_cursor = await queries.rulings(
        session, kind, (effective_since, effective_until), limit, cursor
    )
    return RulingPage(
        items=[RulingRead.model_validate(r) for r in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/rulings/{ruling_id}", summary="One ruling or piece of guidance")
async def get_ruling(
    ruling_id: UUID, session: Session, user: CurrentUser = admits(*EVERYONE)
) -> RulingRead:
    """A ruling with its catalogue changes."""
    return RulingRead.model_validate(await queries.ruling(session, ruling_id))


@router.post(
    "/new-areas",
    status_code=status.HTTP_201_CREATED,
    summary="Record a new area for delegated working (R27)",
)
async def record_new_area(
    body: AreaCreate, session: Session, user: CurrentUser = BOARD
) -> AreaRead:
    """Record a new area for joint and delegated working the board has identified."""
    area = await handlers.record_new_area(session, user, body)
    await session.commit()
    return AreaRead.model_validate(area)


@router.get("/new-areas", summary="New areas for delegated working")
async def list_new_areas(
    request: Request,
    response: Response,
    session: Session,
    proposed_by: Annotated[str | None, Query(max_length=200)] = None,
    identified_from: Annotated[date | None, Query(description="Identified on or after")] = None,
    identified_to: Annotated[date | None, Query(description="Identified on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*EVERYONE),
) -> AreaPage:
    """The new areas for joint and delegated working, oldest first, a page at a time."""
    found, next_cursor = await queries.new_areas(
        session, proposed_by, (identified_from, identified_to), limit, cursor
    )
    return AreaPage(
        items=[AreaRead.model_validate(a) for a in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.post(
    "/shared-care-themes",
    status_code=status.HTTP_201_CREATED,
    summary="Record a theme from the shared care panel (R27)",
)
async def record_theme(body: ThemeCreate, session: Session, user: CurrentUser = BOARD) -> ThemeRead:
    """Record a theme the shared care panel brings to the board for shared learning."""
    theme = await handlers.record_theme(session, user, body)
    await session.commit()
    return ThemeRead.model_validate(theme)


@router.get("/shared-care-themes", summary="Themes from the shared care panel")
async def list_themes(
    request: Request,
    response: Response,
    session: Session,
    received_from: Annotated[date | None, Query(description="Received on or after")] = None,
    received_to: Annotated[date | None, Query(description="Received on or before")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*EVERYONE),
) -> ThemePage:
    """The themes received from the shared care panel, oldest first, a page at a time."""
    found, next_cursor = await queries.themes(session, (received_from, received_to), limit, cursor)
    return ThemePage(
        items=[ThemeRead.model_validate(t) for t in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
