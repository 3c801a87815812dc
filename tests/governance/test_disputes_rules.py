"""R22, the rules pure: the policy's stages, who pays what, cases open too long."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.governance.domain import disputes
from services.governance.domain.disputes import Stage
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.funding import Share

TODAY = date(2026, 1, 5)
PARTIES = ["LEICESTER-CITY-COUNCIL", "LLR-ICB"]


def given_case(stage: Stage = Stage.LOCAL_RESOLUTION) -> disputes.Case:
    ids = [uuid.uuid4() for _ in range(4)]
    return disputes.Case(ids[0], ids[1], ids[2], ids[3], PARTIES, stage)


def percent(organisation: str, value: int) -> Share:
    return Share(organisation=organisation, percent=value)


# --- the rules, pure -------------------------------------------------------------------------


@given(st.sampled_from(Stage), st.sampled_from(Stage))
def test_r22_a_case_moves_through_the_policy_stages_in_order(current: Stage, wanted: Stage) -> None:
    allowed = {
        (Stage.RAISED, Stage.LOCAL_RESOLUTION),
        (Stage.LOCAL_RESOLUTION, Stage.CSU_REVIEW),
    }
    if (current, wanted) in allowed:
        assert disputes.advance(current, wanted) is wanted
    else:
        with pytest.raises((RuleViolation, Conflict)):
            disputes.advance(current, wanted)


def test_r22_a_raised_case_is_taken_up_before_it_is_resolved() -> None:
    with pytest.raises(RuleViolation) as refused:
        disputes.resolve(given_case(Stage.RAISED), [percent("LLR-ICB", 100)], TODAY, TODAY, 1)
    assert refused.value.rule == "R22"


def test_r22_the_outcome_says_who_pays_what_share_from_when() -> None:
    case = given_case(Stage.CSU_REVIEW)
    shares = [percent("LLR-ICB", 70), percent("LEICESTER-CITY-COUNCIL", 30)]
    stage, event = disputes.resolve(case, shares, date(2025, 11, 1), date(2026, 1, 5), 2)
    assert stage is Stage.RESOLVED
    assert event.framework_version == 2
    assert (event.shares, event.effective_from, event.package_id) == (
        shares,
        date(2025, 11, 1),
        case.package_id,
    )


def test_r29_a_resolution_records_the_framework_version_and_needs_one_in_force() -> None:
    case = given_case(Stage.LOCAL_RESOLUTION)
    with pytest.raises(RuleViolation) as refused:
        disputes.resolve(case, [percent("LLR-ICB", 100)], TODAY, TODAY, None)
    assert refused.value.rule == "R29"


@given(st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=2))
def test_r22_percentage_shares_make_exactly_100(values: list[int]) -> None:
    shares = [percent(org, v) for org, v in zip(PARTIES, values, strict=False)]
    if sum(values) == 100:
        disputes.check_shares(PARTIES, shares)
    else:
        with pytest.raises(InvalidInput):
            disputes.check_shares(PARTIES, shares)


@pytest.mark.parametrize(
    ("shares", "field"),
    [
        ([percent("RUTLAND-COUNTY-COUNCIL", 100)], "shares.0.organisation"),
        ([Share(organisation="LLR-ICB")], "shares.0"),
        (
            [percent("LLR-ICB", 50), Share(organisation="LPT", weekly_pence=1)],
            "shares.1.organisation",
        ),
        (
            [percent("LLR-ICB", 50), Share(organisation="LEICESTER-CITY-COUNCIL", weekly_pence=9)],
            "shares",
        ),
        ([percent("LLR-ICB", 50), percent("LLR-ICB", 50)], "shares"),
    ],
)
def test_r22_only_the_parties_pay_each_once_in_one_kind_of_share(
    shares: list[Share], field: str
) -> None:
    with pytest.raises((InvalidInput, RuleViolation)) as refused:
        disputes.check_shares(PARTIES, shares)
    assert refused.value.extensions["errors"][0]["field"] == field


def test_r22_weekly_amounts_are_a_valid_outcome() -> None:
    disputes.check_shares(
        PARTIES,
        [
            Share(organisation="LLR-ICB", weekly_pence=12_000),
            Share(organisation="LEICESTER-CITY-COUNCIL", weekly_pence=8_050),
        ],
    )


def test_r22_a_case_is_open_too_long_after_the_configured_days_unless_resolved() -> None:
    raised = date(2026, 1, 1)
    assert not disputes.open_too_long(Stage.CSU_REVIEW, raised, date(2026, 1, 29), 28)
    assert disputes.open_too_long(Stage.CSU_REVIEW, raised, date(2026, 1, 30), 28)
    assert not disputes.open_too_long(Stage.RESOLVED, raised, date(2026, 6, 1), 28)


def test_r22_whoever_raised_the_dispute_is_a_party() -> None:
    assert disputes.parties_of("RUTLAND-COUNTY-COUNCIL", ["LLR-ICB"]) == [
        "LLR-ICB",
        "RUTLAND-COUNTY-COUNCIL",
    ]
