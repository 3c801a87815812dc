"""Proposals to the MDT and its decisions (R1, R9-R14, R29)."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from services.delegation.handlers import proposals
from services.delegation.queries import proposals as queries
from services.delegation.schemas.proposals import (
    DecisionCreate,
    DecisionRead,
    ProposalCreate,
    ProposalRead,
)
from shared.access import BreakGlass
from shared.auth import CurrentUser, Role, admits
from shared.web import IdempotencyKey, Session, answer_replay, problem_response, replayed

router = APIRouter(tags=["proposals"])


def _read(proposal: object, delegation_id: UUID | None) -> ProposalRead:
    read = ProposalRead.model_validate(proposal)
    return read.model_copy(update={"delegation_id": delegation_id})


@router.post(
    "/proposals",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(ProposalRead)
    | {404: problem_response("No such person, or none your organisation has a relationship with")},
    summary="Propose a delegation to the MDT (R1, R3, R13)",
)
async def submit_proposal(
    body: ProposalCreate,
    response: Response,
    session: Session,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER),
) -> ProposalRead:
    """Propose a task for delegation; a repeated Idempotency-Key returns the first (200)."""
    proposal, created = await proposals.submit_proposal(session, user, body, idempotency_key)
    await session.commit()
    answer_replay(response, created)
    return _read(proposal, None)


@router.get("/proposals/{proposal_id}", summary="A proposal and where it stands")
async def get_proposal(
    proposal_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER, Role.MDT_MEMBER, Role.COMMISSIONER),
) -> ProposalRead:
    """The proposal, its status and, once approved, its delegation; only within a legitimate
    relationship with the person (or with the glass broken), audited."""
    return _read(*await queries.proposal(session, user, proposal_id, break_glass))


@router.post(
    "/proposals/{proposal_id}/decision",
    status_code=status.HTTP_201_CREATED,
    summary="Record the MDT's decision (R9-R14, R29)",
)
async def decide_proposal(
    proposal_id: UUID,
    body: DecisionCreate,
    session: Session,
    user: CurrentUser = admits(Role.MDT_MEMBER),
) -> DecisionRead:
    """Approve, refuse with reasons, or record no consensus (Shared Care); once per proposal."""
    decision, delegation = await proposals.decide_proposal(session, user, proposal_id, body)
    await session.commit()
    read = DecisionRead.model_validate(decision)
    return read.model_copy(update={"delegation_id": delegation.id if delegation else None})
