"""The read side of instructions in tasks that need no specific training (R16, A 5.13)."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain.instructions import InstructionStatus
from services.training.models import Instruction, InstructionRequirement
from services.training.queries.workers import sees_only_own_organisation
from services.training.schemas.instructions import InstructionRead, InstructionRequirementRead
from shared.auth import CurrentUser
from shared.errors import NotFound


async def load_requirement(
    session: AsyncSession, user: CurrentUser, requirement_id: UUID
) -> InstructionRequirement:
    """The requirement, or 404 when absent or another provider's."""
    found = await session.get(InstructionRequirement, requirement_id)
    if found is None or (
        sees_only_own_organisation(user) and found.provider_organisation != user.organisation
    ):
        raise NotFound(f"no instruction requirement {requirement_id}")
    return found


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


async def requirements(
    session: AsyncSession, user: CurrentUser, status: InstructionStatus | None
) -> list[InstructionRequirementRead]:
    query = select(InstructionRequirement).order_by(
        InstructionRequirement.required_on, InstructionRequirement.id
    )
    if sees_only_own_organisation(user):
        query = query.where(InstructionRequirement.provider_organisation == user.organisation)
    if status is not None:
        query = query.where(InstructionRequirement.status == status.value)
    return [await requirement_read(session, r) for r in await session.scalars(query)]
