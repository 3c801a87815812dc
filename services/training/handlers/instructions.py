"""Instructions in tasks that need no specific training (R16, A 5.13), in place of a plan."""

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from services.training.domain import instructions as domain
from services.training.domain.instructions import InstructionStatus, InstructionTopic
from services.training.models import Instruction, InstructionRequirement
from services.training.queries.instructions import instructions, load_requirement
from services.training.schemas.instructions import InstructionCreate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.events.delegation import DelegationAccepted
from shared.outbox import publish


async def require_instructions(session: AsyncSession, event: DelegationAccepted) -> None:
    """A 5.13: the task needs no specific training, so each worker is to be instructed instead."""
    exists = await session.scalar(
        select(InstructionRequirement.id).where(
            InstructionRequirement.delegation_id == event.delegation_id
        )
    )
    if exists is not None:
        return
    requirement = InstructionRequirement(
        id=uuid4(),
        delegation_id=event.delegation_id,
        person_id=event.person_id,
        task_code=event.task_code,
        provider_organisation=event.provider_organisation,
        status=InstructionStatus.REQUIRED,  # born required: no transition leads here
        required_on=event.accepted_on,
        worker_ids=[str(w) for w in dict.fromkeys(event.worker_ids)],
    )
    session.add(requirement)
    await session.flush()
    await audit(session, SYSTEM, "instruction.require", requirement.id, str(event.delegation_id))


async def withdraw_instructions(session: AsyncSession, delegation_id: UUID) -> None:
    """The delegation ended: a requirement still awaiting instructions is withdrawn."""
    requirement = await session.scalar(
        select(InstructionRequirement).where(InstructionRequirement.delegation_id == delegation_id)
    )
    if requirement is not None:
        requirement.status = domain.after_delegation_ended(InstructionStatus(requirement.status))


def _same(earlier: Instruction, body: InstructionCreate) -> bool:
    return (
        earlier.instructed_by,
        earlier.instructor_role,
        earlier.instructed_on,
        sorted(earlier.covered),
        earlier.notes,
    ) == (
        body.instructed_by,
        body.instructor_role.value,
        body.instructed_on,
        sorted(t.value for t in body.covered),
        body.notes,
    )


async def record_instruction(
    session: AsyncSession, actor: CurrentUser, requirement_id: UUID, body: InstructionCreate
) -> tuple[Instruction, bool]:
    """R16, A 5.13: the provider, or an assessor acting for it, records one worker's
    instruction; the same one again has no second effect."""
    requirement = await load_requirement(session, actor, requirement_id, acting=True)
    given = {i.worker_id: i for i in await instructions(session, requirement.id)}
    earlier = given.get(body.worker_id)
    if earlier is not None and _same(earlier, body):
        return earlier, False
    requirement.status, event = domain.record_instruction(
        _facts(requirement, given), _given(body), today(session)
    )
    instruction = _instruction(requirement.id, actor, body, now(session))
    session.add(instruction)
    flag_modified(requirement, "status")  # a compare-and-set on the requirement: one winner
    await session.flush()
    await publish(session, event)
    await audit(session, actor, "instruction.record", requirement.id, str(body.worker_id))
    return instruction, True


def _facts(
    requirement: InstructionRequirement, given: dict[UUID, Instruction]
) -> domain.RequirementFacts:
    return domain.RequirementFacts(
        delegation_id=requirement.delegation_id,
        person_id=requirement.person_id,
        task_code=requirement.task_code,
        provider_organisation=requirement.provider_organisation,
        status=InstructionStatus(requirement.status),
        worker_ids=[UUID(w) for w in requirement.worker_ids],
        instructed=set(given),
    )


def _given(body: InstructionCreate) -> domain.InstructionGiven:
    return domain.InstructionGiven(body.worker_id, body.instructed_on, set(body.covered))


def _instruction(
    requirement_id: UUID, actor: CurrentUser, body: InstructionCreate, at: datetime
) -> Instruction:
    return Instruction(
        requirement_id=requirement_id,
        worker_id=body.worker_id,
        instructed_by=body.instructed_by,
        instructor_role=body.instructor_role.value,
        instructed_on=body.instructed_on,
        covered=[InstructionTopic(t).value for t in body.covered],
        notes=body.notes,
        recorded_by=actor.user_id,
        recorded_at=at,
    )
