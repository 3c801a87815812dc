"""Routes for instructions in tasks that need no specific training (R16, A 5.13)."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from services.training.domain.instructions import InstructionStatus
from services.training.handlers import instructions as handlers
from services.training.queries import instructions as queries
from services.training.schemas.instructions import (
    InstructionCreate,
    InstructionRead,
    InstructionRequirementRead,
)
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter(tags=["instructions"])
# About a person's task: as for training plans.
READERS = (Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER)


@router.get("/instruction-requirements", summary="Tasks whose workers are to be instructed")
async def list_requirements(
    session: Session,
    status: InstructionStatus | None = None,
    user: CurrentUser = admits(*READERS),
) -> list[InstructionRequirementRead]:
    """Tasks needing no specific training (A 5.13) that the caller may see, as for plans."""
    return await queries.requirements(session, user, status)


@router.get(
    "/instruction-requirements/{requirement_id}",
    summary="One task's instruction requirement and its instructions (R16)",
)
async def read_requirement(
    requirement_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> InstructionRequirementRead:
    """The workers to instruct and the instructions recorded so far."""
    requirement = await queries.load_requirement(session, user, requirement_id)
    return await queries.requirement_read(session, requirement)


@router.post(
    "/instruction-requirements/{requirement_id}/instructions",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(InstructionRead),
    summary="Record a worker's instruction in the task (R16, A 5.13)",
)
async def record_instruction(
    requirement_id: UUID,
    body: InstructionCreate,
    session: Session,
    response: Response,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER),
) -> InstructionRead:
    """The provider, or an assessor acting for it, records who instructed, in what role, when
    and what was covered; InstructionRecorded follows."""
    instruction, created = await handlers.record_instruction(session, user, requirement_id, body)
    await session.commit()
    answer_replay(response, created)
    return InstructionRead.model_validate(instruction)
