"""Routes for instructions in tasks that need no specific training (R16, A 5.13)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.training.domain.instructions import InstructionStatus
from services.training.handlers import instructions as handlers
from services.training.queries import instructions as queries
from services.training.queries.plans import TaskFilter
from services.training.schemas.instructions import (
    InstructionCreate,
    InstructionRead,
    InstructionRequirementPage,
    InstructionRequirementRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter(tags=["instructions"])
# About a person's task: as for training plans.
READERS = (Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER)


@router.get("/instruction-requirements", summary="Tasks whose workers are to be instructed")
async def list_requirements(
    request: Request,
    response: Response,
    session: Session,
    status: InstructionStatus | None = None,
    person_id: UUID | None = None,
    delegation_id: UUID | None = None,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    provider_organisation: Annotated[str | None, Query(max_length=200)] = None,
    required_from: date | None = None,
    required_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> InstructionRequirementPage:
    """Tasks needing no specific training (A 5.13) that the caller may see, as for plans,
    soonest required first, a page at a time; filtered as plans are."""
    where = TaskFilter(
        status,
        person_id,
        delegation_id,
        task_code,
        provider_organisation,
        required_from,
        required_to,
    )
    found, next_cursor = await queries.requirements(session, user, where, limit, cursor)
    return InstructionRequirementPage(
        items=found, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
    )


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
