"""The read side of instructions in tasks that need no specific training (R16, A 5.13)."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain.instructions import InstructionStatus
from services.training.models import Instruction, InstructionRequirement
from services.training.queries.assessors import scope, sees_task_for, task_visible
from services.training.queries.plans import TaskFilter
from services.training.schemas.instructions import InstructionRead, InstructionRequirementRead
from shared import pages
from shared.access import listed
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import NotFound

REQUIREMENT = "instruction_requirement"


async def load_requirement(
    session: AsyncSession, user: CurrentUser, requirement_id: UUID, *, acting: bool = False
) -> InstructionRequirement:
    """The requirement, read (and audited) by those who see the person's task, or, `acting`
    (to record an instruction), by the provider and those acting for it; else 404."""
    found = await session.get(InstructionRequirement, requirement_id)
    if found is None or not await _sees(session, user, found, acting):
        raise NotFound(f"no instruction requirement {requirement_id}")
    if not acting:
        await listed(session, user, REQUIREMENT, [found.person_id])
    return found


async def _sees(
    session: AsyncSession, user: CurrentUser, requirement: InstructionRequirement, acting: bool
) -> bool:
    provider = requirement.provider_organisation
    if acting:
        return (await scope(session, user, acting=True)).covers(provider)
    return await sees_task_for(session, user, provider, requirement.person_id)


async def instructions(session: AsyncSession, requirement_id: UUID) -> Sequence[Instruction]:
    rows = await session.scalars(
        select(Instruction)
        .where(Instruction.requirement_id == requirement_id)
        .order_by(Instruction.recorded_at, Instruction.worker_id)
    )
    return rows.all()


async def requirement_read(
    session: AsyncSession, requirement: InstructionRequirement
) -> InstructionRequirementRead:
    given = await instructions(session, requirement.id)
    return InstructionRequirementRead(
        id=requirement.id,
        delegation_id=requirement.delegation_id,
        person_id=requirement.person_id,
        task_code=requirement.task_code,
        provider_organisation=requirement.provider_organisation,
        status=InstructionStatus(requirement.status),
        required_on=requirement.required_on,
        worker_ids=[UUID(w) for w in requirement.worker_ids],
        instructions=[InstructionRead.model_validate(i) for i in given],
    )


ORDER = (
    pages.Key(InstructionRequirement.required_on, date),
    pages.Key(InstructionRequirement.id, UUID),
)


async def requirements(
    session: AsyncSession, user: CurrentUser, where: TaskFilter, limit: int, cursor: str | None
) -> tuple[list[InstructionRequirementRead], str | None]:
    """The requirements of the people's tasks the caller sees, soonest required first, a page
    at a time; each read audited."""
    model = InstructionRequirement
    visible = await scope(session, user)
    query = select(model).where(
        task_visible(user, visible, model.provider_organisation, model.person_id, now(session))
    )
    query = where.apply(query, model)
    found, next_cursor = await pages.keyset(session, query, ORDER, limit, cursor)
    await listed(session, user, REQUIREMENT, [r.person_id for r in found])
    return [await requirement_read(session, r) for r in found], next_cursor
