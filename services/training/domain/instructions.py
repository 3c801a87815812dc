"""R16, A 5.13: a task that needs no specific training (medication prompts, eye drops) is not
put through a training plan and a competence assessment; each worker is instructed instead,
and the instruction is recorded: who instructed, in what role, when and what it covered."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.training import InstructionRecorded
from shared.lifecycle import Lifecycle


class InstructionStatus(StrEnum):
    REQUIRED = "required"  # some workers are still to be instructed
    INSTRUCTED = "instructed"  # every worker named by the provider has been instructed
    WITHDRAWN = "withdrawn"  # the delegation ended before every worker was instructed


class InstructionCommand(StrEnum):
    INSTRUCT = "instructed"  # one worker, others still to go
    INSTRUCT_LAST = "instructed (the last worker)"
    NAME_WORKER = "another worker named on the live task"
    WITHDRAW = "withdrawn"


INSTRUCTION: Lifecycle[InstructionStatus, InstructionCommand] = Lifecycle(
    "instruction requirement",
    {
        (InstructionStatus.REQUIRED, InstructionCommand.INSTRUCT): InstructionStatus.REQUIRED,
        (
            InstructionStatus.REQUIRED,
            InstructionCommand.INSTRUCT_LAST,
        ): InstructionStatus.INSTRUCTED,
        (InstructionStatus.REQUIRED, InstructionCommand.WITHDRAW): InstructionStatus.WITHDRAWN,
        # R16: a worker named later is to be instructed too, before they carry out the task
        (InstructionStatus.REQUIRED, InstructionCommand.NAME_WORKER): InstructionStatus.REQUIRED,
        (
            InstructionStatus.INSTRUCTED,
            InstructionCommand.NAME_WORKER,
        ): InstructionStatus.REQUIRED,
    },
)


class InstructorRole(StrEnum):
    """Who may instruct a worker in a task that needs no specific training."""

    REGISTERED_NURSE = "registered_nurse"
    PHARMACIST = "pharmacist"
    GENERAL_PRACTITIONER = "general_practitioner"
    ALLIED_HEALTH_PROFESSIONAL = "allied_health_professional"
    PROVIDER_TRAINER = "provider_trainer"


class InstructionTopic(StrEnum):
    """What an instruction covered; the first three are always required (`REQUIRED_TOPICS`)."""

    HOW_TO_CARRY_OUT = "how_to_carry_out_the_task"
    WHAT_TO_RECORD = "what_to_record"
    WHEN_TO_SEEK_ADVICE = "when_and_whom_to_ask_for_advice"  # the oversight contact (R17)
    RISKS_TO_WATCH_FOR = "risks_and_changes_to_watch_for"
    THE_PERSONS_PREFERENCES = "the_persons_preferences"


REQUIRED_TOPICS: Sequence[InstructionTopic] = (
    InstructionTopic.HOW_TO_CARRY_OUT,
    InstructionTopic.WHAT_TO_RECORD,
    InstructionTopic.WHEN_TO_SEEK_ADVICE,
)


@dataclass(frozen=True)
class RequirementFacts:
    delegation_id: UUID
    person_id: UUID
    task_code: str
    provider_organisation: str
    status: InstructionStatus
    worker_ids: Sequence[UUID]
    instructed: Collection[UUID]  # workers already instructed


@dataclass(frozen=True)
class InstructionGiven:
    worker_id: UUID
    instructed_on: date
    covered: Collection[InstructionTopic]


def needs_training_plan(needs_specific_training: bool) -> bool:
    """A 5.13: only a task that needs specific training is given a training plan (R24)."""
    return needs_specific_training


def record_instruction(
    requirement: RequirementFacts, given: InstructionGiven, today: date
) -> tuple[InstructionStatus, InstructionRecorded]:
    """R16: a worker named by the provider is instructed once, in the required topics at least."""
    if given.worker_id in requirement.instructed:
        raise Conflict("this worker's instruction in the task is already recorded", rule="R16")
    if given.worker_id not in requirement.worker_ids:
        raise InvalidInput("worker_id", "the worker is not one the provider named for this task")
    last = set(requirement.worker_ids) - set(requirement.instructed) == {given.worker_id}
    command = InstructionCommand.INSTRUCT_LAST if last else InstructionCommand.INSTRUCT
    status = INSTRUCTION.next(requirement.status, command)
    if given.instructed_on > today:
        raise InvalidInput("instructed_on", "an instruction cannot be given in the future")
    missing = [t.value for t in REQUIRED_TOPICS if t not in given.covered]
    if missing:
        raise RuleViolation(
            "R16",
            f"the instruction must cover: {', '.join(missing)}",
            errors=[{"field": "covered", "reason": f"missing {', '.join(missing)}"}],
        )
    return status, InstructionRecorded(
        worker_id=given.worker_id,
        task_code=requirement.task_code,
        person_id=requirement.person_id,
        provider_organisation=requirement.provider_organisation,
        instructed_on=given.instructed_on,
        delegation_id=requirement.delegation_id,
    )


def worker_named(status: InstructionStatus) -> InstructionStatus | None:
    """R16: a worker named on the live task is to be instructed too; None when the requirement
    is withdrawn (the delegation ended)."""
    if INSTRUCTION.allows(status, InstructionCommand.NAME_WORKER):
        return INSTRUCTION.next(status, InstructionCommand.NAME_WORKER)
    return None


def after_delegation_ended(status: InstructionStatus) -> InstructionStatus:
    """A requirement still awaiting instructions is withdrawn when its delegation ends."""
    if INSTRUCTION.allows(status, InstructionCommand.WITHDRAW):
        return INSTRUCTION.next(status, InstructionCommand.WITHDRAW)
    return status
