"""Routes for Shared Care discussions and case examples (R14) and CSU dispute cases (R22)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, status

from services.governance.domain.disputes import Stage
from services.governance.handlers import disputes, shared_care
from services.governance.models import DisputeCase, DisputeEvidence
from services.governance.queries import cases as queries
from services.governance.schemas.cases import (
    CaseExampleRead,
    DecisionCreate,
    DiscussionRead,
    DisputeCaseRead,
    EvidenceCreate,
    EvidenceRead,
    ResolutionCreate,
    StageChange,
)
from services.governance.settings import Settings
from shared.auth import CurrentUser, Role, admits
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Direction, TaskCategory
from shared.outbox import session_clock
from shared.web import Session

router = APIRouter()
MDT = (Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER)
CASE_READERS = (*MDT, Role.IPCB_MEMBER, Role.AUDITOR)
CSU = admits(Role.CSU_OFFICER)
DISPUTE_READERS = (Role.CSU_OFFICER, Role.IPCB_MEMBER, Role.AUDITOR)
PARTIES = (Role.COMMISSIONER, Role.FINANCE_OFFICER)  # see only their own organisation's cases


@router.get(
    "/shared-care/discussions", tags=["shared care"], summary="Shared Care discussions (R14)"
)
async def list_discussions(
    session: Session, open_only: bool = False, user: CurrentUser = admits(*CASE_READERS)
) -> list[DiscussionRead]:
    """The discussions opened where the MDT could not reach consensus."""
    found = await queries.discussions(session, open_only)
    return [DiscussionRead.model_validate(d) for d in found]


@router.get(
    "/shared-care/discussions/{discussion_id}",
    tags=["shared care"],
    summary="One Shared Care discussion",
)
async def get_discussion(
    discussion_id: UUID, session: Session, user: CurrentUser = admits(*CASE_READERS)
) -> DiscussionRead:
    """The question, the MDT's positions and, once made, the decision."""
    return DiscussionRead.model_validate(await queries.discussion(session, discussion_id))


@router.post(
    "/shared-care/discussions/{discussion_id}/decision",
    status_code=status.HTTP_201_CREATED,
    tags=["shared care"],
    summary="Record a Shared Care decision (R14)",
)
async def record_decision(
    discussion_id: UUID,
    body: DecisionCreate,
    session: Session,
    user: CurrentUser = admits(*MDT, Role.IPCB_MEMBER),
) -> DiscussionRead:
    """Document the decision; it is shared with the IPCB and becomes a case example."""
    discussion = await shared_care.record_decision(session, user, discussion_id, body)
    await session.commit()
    return DiscussionRead.model_validate(discussion)


@router.get(
    "/shared-care/case-examples",
    tags=["shared care"],
    summary="Search the case example repository (R14)",
)
async def search_case_examples(
    session: Session,
    task_code: str | None = None,
    category: TaskCategory | None = None,
    direction: Direction | None = None,
    decision: SharedCareDecision | None = None,
    circumstances: Annotated[str | None, Query(max_length=500)] = None,
    user: CurrentUser = admits(*CASE_READERS),
) -> list[CaseExampleRead]:
    """Precedents from earlier Shared Care decisions; they carry no identifiers."""
    found = await queries.case_examples(
        session,
        task_code=task_code,
        category=category,
        direction=direction,
        decision=decision,
        circumstances=circumstances,
    )
    return [CaseExampleRead.model_validate(e) for e in found]


def _party(user: CurrentUser) -> str | None:
    return user.organisation if user.role in PARTIES else None


def _case_read(case: DisputeCase, evidence: list[DisputeEvidence] | None = None) -> DisputeCaseRead:
    read = DisputeCaseRead.model_validate(case)
    return read.model_copy(
        update={"evidence": [EvidenceRead.model_validate(e) for e in evidence or []]}
    )


def open_too_long_days(request: Request) -> int:
    """R22: the configured threshold (GOVERNANCE_DISPUTE_OPEN_TOO_LONG_DAYS)."""
    settings: Settings = request.app.state.runtime.settings
    return settings.dispute_open_too_long_days


@router.get("/disputes", tags=["disputes"], summary="CSU dispute cases (R22)")
async def list_disputes(
    session: Session,
    stage: Stage | None = None,
    user: CurrentUser = admits(*DISPUTE_READERS, *PARTIES),
) -> list[DisputeCaseRead]:
    """The cases; a commissioner or finance officer sees only those their organisation is in."""
    return [_case_read(c) for c in await queries.dispute_cases(session, _party(user), stage)]


@router.get(
    "/disputes/open-too-long",
    tags=["disputes"],
    summary="Cases open longer than the configured days (R22)",
)
async def list_open_too_long(
    request: Request,
    session: Session,
    days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    user: CurrentUser = admits(*DISPUTE_READERS),
) -> list[DisputeCaseRead]:
    """Unresolved cases raised more than `days` (default: the setting) days ago."""
    today = session_clock(session).now().date()
    threshold = open_too_long_days(request) if days is None else days
    return [_case_read(c) for c in await queries.open_too_long(session, today, threshold)]


@router.get("/disputes/{case_id}", tags=["disputes"], summary="One CSU dispute case")
async def get_dispute(
    case_id: UUID, session: Session, user: CurrentUser = admits(*DISPUTE_READERS, *PARTIES)
) -> DisputeCaseRead:
    """The case with its stages, parties, evidence and outcome."""
    case, evidence = await queries.dispute_case(session, case_id, _party(user))
    return _case_read(case, list(evidence))


@router.post(
    "/disputes/{case_id}/stage", tags=["disputes"], summary="Move a case to its next stage (R22)"
)
async def move_stage(
    case_id: UUID, body: StageChange, session: Session, user: CurrentUser = CSU
) -> DisputeCaseRead:
    """Raised, then local resolution, then CSU review, under the inter-agency policy."""
    case = await disputes.move_stage(session, user, case_id, body)
    await session.commit()
    return _case_read(case)


@router.post(
    "/disputes/{case_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    tags=["disputes"],
    summary="Add a party's evidence to a case (R22)",
)
async def add_evidence(
    case_id: UUID,
    body: EvidenceCreate,
    session: Session,
    user: CurrentUser = admits(Role.CSU_OFFICER, *PARTIES),
) -> EvidenceRead:
    """The CSU records any party's evidence; a party's own staff record only their own."""
    evidence = await disputes.add_evidence(session, user, case_id, body, _party(user))
    await session.commit()
    return EvidenceRead.model_validate(evidence)


@router.post(
    "/disputes/{case_id}/resolution",
    tags=["disputes"],
    summary="Resolve a case: who pays what, from when (R22)",
)
async def resolve_dispute(
    case_id: UUID, body: ResolutionCreate, session: Session, user: CurrentUser = CSU
) -> DisputeCaseRead:
    """Record the outcome; funding applies it from the DisputeResolved event."""
    case = await disputes.resolve(session, user, case_id, body)
    await session.commit()
    return _case_read(case)
