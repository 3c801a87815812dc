"""The governance service's lifecycle tables, pure: every allowed pair, and a refused one."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest

from services.governance.domain.board import ISSUE, IssueCommand, IssueStatus
from services.governance.domain.disputes import CASE, Stage, StageCommand
from services.governance.domain.monitoring import REPORT, ReportCommand, ReportStatus
from services.governance.domain.shared_care import (
    DISCUSSION,
    DiscussionCommand,
    DiscussionStatus,
)
from shared.errors import Conflict
from shared.lifecycle import Lifecycle

ALLOWED: list[tuple[Lifecycle[Any, Any], StrEnum, StrEnum, StrEnum]] = [
    (ISSUE, IssueStatus.REPORTED, IssueCommand.AGREE, IssueStatus.AGREED),
    (ISSUE, IssueStatus.REPORTED, IssueCommand.CLOSE, IssueStatus.CLOSED),
    (ISSUE, IssueStatus.AGREED, IssueCommand.AGREE, IssueStatus.AGREED),
    (ISSUE, IssueStatus.AGREED, IssueCommand.CLOSE, IssueStatus.CLOSED),
    (CASE, Stage.RAISED, StageCommand.TAKE_UP, Stage.LOCAL_RESOLUTION),
    (CASE, Stage.LOCAL_RESOLUTION, StageCommand.REFER, Stage.CSU_REVIEW),
    (CASE, Stage.LOCAL_RESOLUTION, StageCommand.RESOLVE, Stage.RESOLVED),
    (CASE, Stage.CSU_REVIEW, StageCommand.RESOLVE, Stage.RESOLVED),
    (DISCUSSION, DiscussionStatus.OPEN, DiscussionCommand.DECIDE, DiscussionStatus.DECIDED),
    (
        DISCUSSION,
        DiscussionStatus.DECIDED,
        DiscussionCommand.REFUSE_DELEGATION,
        DiscussionStatus.DELEGATION_REFUSED,
    ),
    (REPORT, ReportStatus.REQUESTED, ReportCommand.COMPILE, ReportStatus.COMPILED),
    (REPORT, ReportStatus.COMPILED, ReportCommand.COMPILE, ReportStatus.COMPILED),
]


@pytest.mark.parametrize(("lifecycle", "state", "command", "after"), ALLOWED)
def test_every_allowed_transition_leads_where_the_table_says(
    lifecycle: Lifecycle[Any, Any], state: StrEnum, command: StrEnum, after: StrEnum
) -> None:
    assert lifecycle.next(state, command) is after


def test_the_tables_hold_exactly_the_allowed_transitions() -> None:
    for lifecycle in (ISSUE, CASE, DISCUSSION, REPORT):
        listed = {(s, c) for table, s, c, _ in ALLOWED if table is lifecycle}
        assert set(lifecycle.table) == listed, lifecycle.name


@pytest.mark.parametrize(
    ("lifecycle", "state", "command", "name"),
    [
        (ISSUE, IssueStatus.CLOSED, IssueCommand.AGREE, "issue"),
        (ISSUE, IssueStatus.CLOSED, IssueCommand.CLOSE, "issue"),
        (CASE, Stage.RAISED, StageCommand.RESOLVE, "dispute case"),
        (CASE, Stage.RAISED, StageCommand.REFER, "dispute case"),
        (CASE, Stage.RESOLVED, StageCommand.RESOLVE, "dispute case"),
        (DISCUSSION, DiscussionStatus.DECIDED, DiscussionCommand.DECIDE, "Shared Care discussion"),
        (
            DISCUSSION,
            DiscussionStatus.OPEN,
            DiscussionCommand.REFUSE_DELEGATION,
            "Shared Care discussion",
        ),
        (
            DISCUSSION,
            DiscussionStatus.DELEGATION_REFUSED,
            DiscussionCommand.REFUSE_DELEGATION,
            "Shared Care discussion",
        ),
    ],
)
def test_a_refused_transition_is_a_conflict_naming_the_state(
    lifecycle: Lifecycle[Any, Any], state: StrEnum, command: StrEnum, name: str
) -> None:
    with pytest.raises(Conflict, match=f"the {name} is {state}") as refused:
        lifecycle.next(state, command)
    assert refused.value.extensions["state"] == str(state)
