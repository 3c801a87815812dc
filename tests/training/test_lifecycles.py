"""The training service's lifecycle tables, pure: every allowed pair, and a refused one."""

from __future__ import annotations

import pytest

from services.training.domain.competence import COMPETENCE, CompetenceCommand, CompetenceState
from services.training.domain.instructions import (
    INSTRUCTION,
    InstructionCommand,
    InstructionStatus,
)
from services.training.domain.plans import PLAN, PlanCommand, PlanStatus, after_delegation_ended
from shared.errors import Conflict

PLAN_STEPS = [
    (PlanStatus.REQUIRED, PlanCommand.PROVIDER_AGREES, PlanStatus.AGREED_BY_PROVIDER),
    (PlanStatus.AGREED_BY_PROVIDER, PlanCommand.PRACTITIONER_AGREES, PlanStatus.IN_FORCE),
    (PlanStatus.AGREED_BY_PROVIDER, PlanCommand.PRACTITIONER_RETURNS, PlanStatus.REQUIRED),
    (PlanStatus.REQUIRED, PlanCommand.WITHDRAW, PlanStatus.WITHDRAWN),
    (PlanStatus.AGREED_BY_PROVIDER, PlanCommand.WITHDRAW, PlanStatus.WITHDRAWN),
]


@pytest.mark.parametrize(("state", "command", "after"), PLAN_STEPS)
def test_r24_a_plan_is_in_force_only_after_the_provider_then_the_practitioner_agree(
    state: PlanStatus, command: PlanCommand, after: PlanStatus
) -> None:
    assert PLAN.next(state, command) is after


def test_r24_the_plan_table_is_exactly_these_five_transitions_over_four_states() -> None:
    assert dict(PLAN.table) == {(s, c): a for s, c, a in PLAN_STEPS}
    assert PLAN.states() == set(PlanStatus)


@pytest.mark.parametrize("state", [PlanStatus.IN_FORCE, PlanStatus.WITHDRAWN])
@pytest.mark.parametrize("command", list(PlanCommand))
def test_r24_a_plan_in_force_or_withdrawn_moves_no_further(
    state: PlanStatus, command: PlanCommand
) -> None:
    with pytest.raises(Conflict, match=f"the training plan is {state}"):
        PLAN.next(state, command)


def test_r24_the_provider_alone_never_puts_a_plan_in_force() -> None:
    assert not PLAN.allows(PlanStatus.REQUIRED, PlanCommand.PRACTITIONER_AGREES)
    assert [s for (s, c), a in PLAN.table.items() if a is PlanStatus.IN_FORCE] == [
        PlanStatus.AGREED_BY_PROVIDER
    ]


@pytest.mark.parametrize("status", list(PlanStatus))
def test_an_ended_delegation_withdraws_only_a_plan_awaiting_agreement(status: PlanStatus) -> None:
    awaiting = status in (PlanStatus.REQUIRED, PlanStatus.AGREED_BY_PROVIDER)
    expected = PlanStatus.WITHDRAWN if awaiting else status
    assert after_delegation_ended(status) is expected


ASSESSED = [
    (CompetenceCommand.ASSESS_COMPETENT, CompetenceState.COMPETENT),
    (CompetenceCommand.ASSESS_NOT_YET_COMPETENT, CompetenceState.NOT_YET_COMPETENT),
]


@pytest.mark.parametrize("state", list(CompetenceState))
@pytest.mark.parametrize(("command", "after"), ASSESSED)
def test_r16_r25_a_worker_may_be_assessed_from_every_state(
    state: CompetenceState, command: CompetenceCommand, after: CompetenceState
) -> None:
    assert COMPETENCE.next(state, command) is after


def test_r16_only_a_competent_worker_lapses() -> None:
    assert COMPETENCE.next(CompetenceState.COMPETENT, CompetenceCommand.LAPSE) is (
        CompetenceState.LAPSED
    )
    for state in set(CompetenceState) - {CompetenceState.COMPETENT}:
        with pytest.raises(Conflict, match=f"the competence is {state}"):
            COMPETENCE.next(state, CompetenceCommand.LAPSE)
    assert len(COMPETENCE.table) == 9


@pytest.mark.parametrize(
    ("command", "after"),
    [
        (InstructionCommand.INSTRUCT, InstructionStatus.REQUIRED),
        (InstructionCommand.INSTRUCT_LAST, InstructionStatus.INSTRUCTED),
        (InstructionCommand.WITHDRAW, InstructionStatus.WITHDRAWN),
    ],
)
def test_r16_a_required_instruction_is_given_worker_by_worker_or_withdrawn(
    command: InstructionCommand, after: InstructionStatus
) -> None:
    assert INSTRUCTION.next(InstructionStatus.REQUIRED, command) is after


@pytest.mark.parametrize(
    ("state", "command"),
    [(InstructionStatus.WITHDRAWN, c) for c in InstructionCommand]
    + [
        (InstructionStatus.INSTRUCTED, c)
        for c in InstructionCommand
        if c is not InstructionCommand.NAME_WORKER
    ],
)
def test_r16_an_instructed_or_withdrawn_requirement_moves_no_further(
    state: InstructionStatus, command: InstructionCommand
) -> None:
    with pytest.raises(Conflict, match=f"the instruction requirement is {state}"):
        INSTRUCTION.next(state, command)


@pytest.mark.parametrize("state", [InstructionStatus.REQUIRED, InstructionStatus.INSTRUCTED])
def test_r16_a_worker_named_later_is_to_be_instructed_too(state: InstructionStatus) -> None:
    assert INSTRUCTION.next(state, InstructionCommand.NAME_WORKER) is InstructionStatus.REQUIRED


def test_r16_the_instruction_table_has_five_transitions_over_three_states() -> None:
    assert len(INSTRUCTION.table) == 5
    assert INSTRUCTION.states() == set(InstructionStatus)
