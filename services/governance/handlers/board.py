"""R27: the board's use cases: members, reported issues, rulings, new areas and themes."""

import uuid
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from services.governance.domain import board
from services.governance.domain.identifiers import refuse_identifiers
from services.governance.models import (
    BoardMember,
    NewArea,
    ReportedIssue,
    Ruling,
    SharedCareTheme,
)
from services.governance.schemas.board import (
    AreaCreate,
    IssueCreate,
    IssueTriage,
    MemberCreate,
    RulingCreate,
    ThemeCreate,
)
from shared.audit import audit
from shared.auth import CurrentUser
from shared.dates import not_in_future
from shared.db import now, today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.organisations import find, require_board_member
from shared.outbox import publish

Keyed = TypeVar("Keyed", ReportedIssue, Ruling)


async def appoint_member(
    session: AsyncSession, actor: CurrentUser, body: MemberCreate
) -> BoardMember:
    """R27: record a partner's member of the board; its unique seat leaves racers one winner."""
    await require_board_member(session, actor)
    not_in_future("appointed_on", body.appointed_on, today(session))
    partner = await find(session, body.organisation)
    sitting = await session.scalar(
        select(BoardMember.member_id).where(BoardMember.organisation == body.organisation)
    )
    board.appoint_member(
        body.organisation, [partner.ods_code] if partner and partner.ipcb_member else [], sitting
    )
    member = BoardMember(
        member_id=uuid.uuid4(),
        **body.model_dump(),
        recorded_at=now(session),
        recorded_by=actor.user_id,
    )
    session.add(member)
    await session.flush()
    await audit(session, actor, "board_member.appoint", member.member_id, body.organisation)
    return member


async def stand_down_member(
    session: AsyncSession, actor: CurrentUser, member_id: uuid.UUID, reason: str
) -> None:
    """R27: a member stands down, leaving the partner's seat free; the audit trail keeps them."""
    await require_board_member(session, actor)
    member = await session.get(BoardMember, member_id)
    if member is None:
        raise NotFound(f"no board member {member_id}")
    await session.delete(member)
    await audit(session, actor, "board_member.stand_down", member_id, reason)


async def report_issue(
    session: AsyncSession, actor: CurrentUser, body: IssueCreate, key: str | None
) -> tuple[ReportedIssue, bool]:
    """R27: staff report a practical problem with the Framework; a repeated key has no effect."""
    if key and (found := await _by_key(session, ReportedIssue, key)):
        return found, False
    at = now(session)
    issue = ReportedIssue(
        issue_id=uuid.uuid4(),
        idempotency_key=key,
        **body.model_dump(),
        reported_by=actor.user_id,
        reporter_organisation=actor.organisation,
        reported_at=at,
        status=board.IssueStatus.REPORTED,  # an issue is born reported: no transition leads here
        updated_at=at,
    )
    session.add(issue)
    await session.flush()
    await audit(session, actor, "issue.report", issue.issue_id, body.title)
    return issue, True


async def triage_issue(
    session: AsyncSession, actor: CurrentUser, issue_id: uuid.UUID, body: IssueTriage
) -> ReportedIssue:
    """R27: the board agrees how a reported issue is dealt with and links its outcome."""
    await require_board_member(session, actor)
    issue = await session.get(ReportedIssue, issue_id)
    if issue is None:
        raise NotFound(f"no reported issue {issue_id}")
    if body.outcome_ruling_id and await session.get(Ruling, body.outcome_ruling_id) is None:
        raise InvalidInput("outcome_ruling_id", "no such ruling")
    current = board.Triage(board.IssueStatus(issue.status), issue.agreed_handling, issue.outcome)
    wanted = board.Triage(body.status, body.agreed_handling, body.outcome)
    decided = board.triage_issue(current, wanted)
    issue.status, issue.agreed_handling = decided.status, decided.agreed_handling
    issue.outcome = decided.outcome
    issue.outcome_ruling_id = body.outcome_ruling_id or issue.outcome_ruling_id
    issue.updated_at = now(session)
    await audit(session, actor, f"issue.{decided.status}", issue_id, decided.agreed_handling)
    return issue


async def issue_ruling(
    session: AsyncSession, actor: CurrentUser, body: RulingCreate, key: str | None
) -> tuple[Ruling, bool]:
    """R27: issue a ruling or guidance from its date; a ruling may change the task catalogue."""
    await require_board_member(session, actor)
    if key and (found := await _by_key(session, Ruling, key)):
        return found, False
    refuse_identifiers({"title": body.title, "summary": body.summary}, "R27", dates=False)
    ruling_id = uuid.uuid4()
    edits = [board.CatalogueEdit(**c.model_dump()) for c in body.catalogue_changes]
    decided = board.Ruling(
        ruling_id, body.kind, body.title, body.summary, body.effective_from, edits
    )
    events = board.issue_ruling(decided, today(session))
    ruling = Ruling(
        ruling_id=ruling_id,
        idempotency_key=key,
        kind=body.kind,
        title=body.title,
        summary=body.summary,
        effective_from=body.effective_from,
        catalogue_changes=[c.model_dump(mode="json") for c in body.catalogue_changes],
        issued_at=now(session),
        issued_by=actor.user_id,
    )
    session.add(ruling)
    await session.flush()
    for event in events:
        await publish(session, event)
    await audit(session, actor, f"{body.kind}.issue", ruling.ruling_id, body.title)
    return ruling, True


async def record_new_area(session: AsyncSession, actor: CurrentUser, body: AreaCreate) -> NewArea:
    """R27: record a new area for joint and delegated working the board has identified."""
    await require_board_member(session, actor)
    not_in_future("identified_on", body.identified_on, today(session))
    texts = {"title": body.title, "description": body.description}
    refuse_identifiers(texts, "R27", dates=False)
    await _refuse_same_title(session, NewArea.area_id, NewArea.title, body.title)
    area = NewArea(
        area_id=uuid.uuid4(),
        **body.model_dump(),
        recorded_at=now(session),
        recorded_by=actor.user_id,
    )
    session.add(area)
    await session.flush()
    await audit(session, actor, "new_area.record", area.area_id, body.title)
    return area


async def record_theme(
    session: AsyncSession, actor: CurrentUser, body: ThemeCreate
) -> SharedCareTheme:
    """R27: record a theme the shared care panel brings to the board for shared learning."""
    await require_board_member(session, actor)
    not_in_future("received_on", body.received_on, today(session))
    refuse_identifiers({"title": body.title, "summary": body.summary}, "R27", dates=False)
    await _refuse_same_title(session, SharedCareTheme.theme_id, SharedCareTheme.title, body.title)
    theme = SharedCareTheme(
        theme_id=uuid.uuid4(),
        **body.model_dump(),
        recorded_at=now(session),
        recorded_by=actor.user_id,
    )
    session.add(theme)
    await session.flush()
    await audit(session, actor, "shared_care_theme.record", theme.theme_id, body.title)
    return theme


async def _by_key(session: AsyncSession, model: type[Keyed], key: str) -> Keyed | None:
    return await session.scalar(select(model).where(model.idempotency_key == key))


async def _refuse_same_title(
    session: AsyncSession, id_column: Mapped[uuid.UUID], title_column: Mapped[str], title: str
) -> None:
    """A record the board already holds under this title is not recorded twice."""
    found = await session.scalar(select(id_column).where(title_column == title))
    if found is not None:
        raise Conflict(f"'{title}' is already recorded", existing=str(found))
