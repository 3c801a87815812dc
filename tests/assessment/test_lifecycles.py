"""Each lifecycle's table, pure: every allowed transition, and a refused one is a Conflict."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import pytest

from services.assessment.domain.assessments import (
    ASSESSMENT,
    AssessmentCommand,
    AssessmentState,
    CurrentAssessment,
    RecordedChange,
    supersede,
)
from services.assessment.domain.consents import (
    CONSENT,
    ConsentCommand,
    ConsentFact,
    ConsentState,
    withdraw,
)
from services.assessment.domain.people import (
    COMMUNITY_HEALTH_SERVICES,
    CommunityHealthServices,
    CommunityHealthServicesCommand,
    PersonFacts,
    change_community_health_services,
)
from services.assessment.domain.plans import PLAN_VERSION, PlanCommand, PlanVersionState
from shared.errors import Conflict
from shared.events.assessment import CommunityHealthServicesStatusChanged, ConsentWithdrawn
from shared.lifecycle import Lifecycle

TABLES: list[tuple[Lifecycle[Any, Any], dict[tuple[StrEnum, StrEnum], StrEnum]]] = [
    (CONSENT, {(ConsentState.GIVEN, ConsentCommand.WITHDRAW): ConsentState.WITHDRAWN}),
    (
        ASSESSMENT,
        {(AssessmentState.CURRENT, AssessmentCommand.SUPERSEDE): AssessmentState.SUPERSEDED},
    ),
    (
        PLAN_VERSION,
        {(PlanVersionState.CURRENT, PlanCommand.SUPERSEDE): PlanVersionState.SUPERSEDED},
    ),
    (
        COMMUNITY_HEALTH_SERVICES,
        {
            (
                CommunityHealthServices.DISCHARGED,
                CommunityHealthServicesCommand.OPEN,
            ): CommunityHealthServices.OPEN,
            (
                CommunityHealthServices.OPEN,
                CommunityHealthServicesCommand.DISCHARGE,
            ): CommunityHealthServices.DISCHARGED,
        },
    ),
]


@pytest.mark.parametrize(("lifecycle", "expected"), TABLES, ids=lambda x: getattr(x, "name", ""))
def test_each_table_allows_exactly_its_transitions(
    lifecycle: Lifecycle[Any, Any], expected: dict[tuple[StrEnum, StrEnum], StrEnum]
) -> None:
    assert dict(lifecycle.table) == expected
    for (state, command), target in expected.items():
        assert lifecycle.next(state, command) == target


@pytest.mark.parametrize(("lifecycle", "expected"), TABLES, ids=lambda x: getattr(x, "name", ""))
def test_each_table_refuses_a_pair_it_does_not_hold_with_a_conflict_naming_the_state(
    lifecycle: Lifecycle[Any, Any], expected: dict[tuple[StrEnum, StrEnum], StrEnum]
) -> None:
    [(_, command), *_] = expected
    refused = [s for s in lifecycle.states() if (s, command) not in expected]
    assert refused, "every table here has a state its first command does not apply to"
    with pytest.raises(Conflict) as conflict:
        lifecycle.next(refused[0], command)
    assert conflict.value.extensions["state"] == str(refused[0])


PERSON = uuid.uuid4()
GIVEN = ConsentFact(uuid.uuid4(), "steroid-cream", None, withdrawn=False)


def test_r7_withdrawing_consent_in_force_withdraws_it_and_says_so() -> None:
    state, events = withdraw(PERSON, GIVEN, date(2026, 1, 4), date(2026, 1, 5), date(2026, 1, 5))
    assert state is ConsentState.WITHDRAWN
    assert [type(e) for e in events] == [ConsentWithdrawn]


def test_r7_withdrawn_consent_cannot_be_withdrawn_again_by_the_table() -> None:
    withdrawn = ConsentFact(GIVEN.consent_id, "steroid-cream", None, withdrawn=True)
    with pytest.raises(Conflict) as refused:
        withdraw(PERSON, withdrawn, date(2026, 1, 4), date(2026, 1, 5), date(2026, 1, 5))
    assert refused.value.extensions["rule"] == "R7"


def test_r6_a_first_assessment_supersedes_nothing_and_a_later_one_supersedes_the_current() -> None:
    assert supersede(None, None) is None
    current = CurrentAssessment(uuid.uuid4(), PERSON, datetime(2026, 1, 1, tzinfo=UTC))
    change = RecordedChange(uuid.uuid4(), datetime(2026, 1, 2, tzinfo=UTC), already_followed=False)
    assert supersede(current, change) is AssessmentState.SUPERSEDED
    with pytest.raises(Conflict):
        supersede(current, None)


def test_r17_a_discharge_is_published_and_the_same_status_again_is_nothing() -> None:
    person = PersonFacts(PERSON, "C82001", open_to_community_health_services=True)
    decided = change_community_health_services(person, False, date(2026, 1, 5))
    assert decided is not None
    state, events = decided
    assert state is CommunityHealthServices.DISCHARGED
    assert [type(e) for e in events] == [CommunityHealthServicesStatusChanged]
    assert change_community_health_services(person, True, date(2026, 1, 5)) is None
