"""R27 (and R2, R10), the rules pure: one seat per partner, triage, rulings."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.governance.domain import board
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.governance import CatalogueChange, RulingIssued
from shared.events.vocabulary import Delegability, TaskCategory

PARTNERS = {
    "LLR-ICB",
    "LEICESTER-CITY-COUNCIL",
    "LEICESTERSHIRE-COUNTY-COUNCIL",
    "RUTLAND-COUNTY-COUNCIL",
    "LPT",
    "MLCSU",
    "PRIMARY-CARE",
    "INDEPENDENT-SECTOR",
}
TODAY = date(2026, 1, 5)  # the test clock's day


def given_edit(category: TaskCategory, delegability: Delegability) -> board.CatalogueEdit:
    return board.CatalogueEdit(CatalogueChange.ADDED, "T", "task", category, delegability)


# --- the rules, pure -------------------------------------------------------------------------


def test_r27_a_partner_with_a_sitting_member_cannot_have_a_second() -> None:
    sitting = uuid.uuid4()
    with pytest.raises(Conflict) as refused:
        board.appoint_member("LPT", PARTNERS, sitting)
    assert refused.value.extensions["existing"] == f"/board/members/{sitting}"


def test_r27_r2_only_a_partner_organisation_sits_on_the_board() -> None:
    with pytest.raises(RuleViolation) as refused:
        board.appoint_member("ACME-CARE-LTD", PARTNERS, None)
    assert refused.value.rule == "R27"
    board.appoint_member("RUTLAND-COUNTY-COUNCIL", PARTNERS, None)  # a partner is admitted


@given(st.sampled_from(board.IssueStatus), st.sampled_from(board.IssueStatus))
def test_r27_an_issue_moves_only_forward_and_a_closed_issue_stays_closed(
    current: board.IssueStatus, wanted: board.IssueStatus
) -> None:
    before = board.Triage(current, "agreed handling", "outcome")
    command = board.COMMAND_TO_BECOME.get(wanted)
    if command is None:  # nothing leads back to reported
        with pytest.raises(RuleViolation):
            board.triage_issue(before, board.Triage(wanted, None, "x"))
    elif board.ISSUE.allows(current, command):
        assert board.triage_issue(before, board.Triage(wanted, None, "x")).status is wanted
    else:  # a closed issue stays closed: whoever closed it first won
        assert current is board.IssueStatus.CLOSED
        with pytest.raises(Conflict):
            board.triage_issue(before, board.Triage(wanted, None, "x"))


def test_r27_the_board_agrees_the_handling_before_an_issue_is_dealt_with() -> None:
    reported = board.Triage(board.IssueStatus.REPORTED, None, None)
    with pytest.raises(RuleViolation) as refused:
        board.triage_issue(reported, board.Triage(board.IssueStatus.AGREED, None, None))
    assert refused.value.extensions["errors"][0]["field"] == "agreed_handling"


def test_r27_an_issue_is_closed_only_with_its_outcome_linked() -> None:
    agreed = board.Triage(board.IssueStatus.AGREED, "issue a ruling", None)
    with pytest.raises(RuleViolation) as refused:
        board.triage_issue(agreed, board.Triage(board.IssueStatus.CLOSED, None, None))
    assert refused.value.extensions["errors"][0]["field"] == "outcome"


def test_r27_a_ruling_takes_effect_no_earlier_than_the_day_it_is_issued() -> None:
    ruling = board.Ruling(uuid.uuid4(), board.RulingKind.RULING, "t", "s", date(2026, 1, 4))
    with pytest.raises(RuleViolation) as refused:
        board.issue_ruling(ruling, TODAY)
    assert refused.value.rule == "R27"
    [issued] = board.issue_ruling(ruling, date(2026, 1, 4))
    assert isinstance(issued, RulingIssued)
    assert issued.effective_from == date(2026, 1, 4)


def test_r27_guidance_cannot_change_the_task_catalogue() -> None:
    edit = given_edit(TaskCategory.OTHER, Delegability.ROUTINE)
    guidance = board.Ruling(uuid.uuid4(), board.RulingKind.GUIDANCE, "t", "s", TODAY, [edit])
    with pytest.raises(RuleViolation, match="guidance"):
        board.issue_ruling(guidance, TODAY)


@given(st.sampled_from(TaskCategory), st.sampled_from(Delegability))
def test_r10_only_social_care_tasks_are_social_care_only_and_only_health_tasks_nurse_only(
    category: TaskCategory, delegability: Delegability
) -> None:
    edit = given_edit(category, delegability)
    ruling = board.Ruling(uuid.uuid4(), board.RulingKind.RULING, "t", "s", TODAY, [edit])
    social_task = category is TaskCategory.SOCIAL_CARE
    consistent = {
        Delegability.SOCIAL_CARE_ONLY: social_task,
        Delegability.NEVER: not social_task,
    }.get(delegability, True)
    if consistent:
        assert len(board.issue_ruling(ruling, TODAY)) == 2
    else:
        with pytest.raises(RuleViolation) as refused:
            board.issue_ruling(ruling, TODAY)
        assert refused.value.rule == "R10"


def test_r27_a_ruling_changes_a_task_once_only() -> None:
    edit = given_edit(TaskCategory.OTHER, Delegability.ROUTINE)
    ruling = board.Ruling(uuid.uuid4(), board.RulingKind.RULING, "t", "s", TODAY, [edit, edit])
    with pytest.raises(InvalidInput):
        board.issue_ruling(ruling, TODAY)
