"""Builders for the assessment service's tests."""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient

from services.assessment.domain.people import check_digit
from shared.auth import Role
from shared.events.delegation import DecisionOutcome, DelegationDecided, TaskDelegated
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import bearer

PRACTITIONER = bearer(Role.REGISTERED_PRACTITIONER, "LPT")
MDT = bearer(Role.MDT_MEMBER, "LLR-ICB")
AUDITOR = bearer(Role.AUDITOR, "LPT")  # the registering trust's: it sees its own entries
_serials = itertools.count(100_000_001)


def given_nhs_number() -> str:
    """A fresh NHS number that passes the Modulus 11 check."""
    while True:
        first_nine = str(next(_serials))
        digit = check_digit(first_nine)
        if digit is not None:
            return first_nine + str(digit)


def given_person_body(**overrides: Any) -> dict[str, Any]:
    return {
        "nhs_number": given_nhs_number(),
        "local_authority": "LEICESTER-CITY-COUNCIL",
        "gp_practice": "C82001",
        "setting": "own_home",
        "open_to_community_health_services": True,
        **overrides,
    }


async def given_person(client: AsyncClient, **overrides: Any) -> str:
    response = await client.post(
        "/people", json=given_person_body(**overrides), headers=PRACTITIONER
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def given_mdt_decision(
    person_id: str, *organisations: str, on: date = date(2026, 1, 5)
) -> DelegationDecided:
    return DelegationDecided(
        person_id=uuid.UUID(person_id),
        proposal_id=uuid.uuid4(),
        outcome=DecisionOutcome.APPROVED,
        framework_version=1,
        decided_on=on,
        mdt_organisations=list(organisations or ["LLR-ICB"]),
    )


async def given_mdt(runtime: Runtime, person_id: str, *organisations: str) -> None:
    """The MDT (of LLR-ICB unless named) decided a proposal for the person: it sees them now."""
    await deliver(runtime, given_mdt_decision(person_id, *organisations))


def given_task_delegated(
    person_id: str, provider: str = "PROVIDER-HOMECARE-1", task_code: str = "steroid-cream"
) -> TaskDelegated:
    return TaskDelegated(
        person_id=uuid.UUID(person_id),
        delegation_id=uuid.uuid4(),
        task_code=task_code,
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        direction=Direction.HEALTH_TO_SOCIAL,
        setting=Setting.OWN_HOME,
        accountable_organisation="LPT",
        provider_organisation=provider,
        local_authority="LEICESTER-CITY-COUNCIL",
        additional_minutes_per_week=0,
        start_date=date(2026, 1, 5),
        oversight_kind=OversightKind.COMMUNITY_HEALTH_SERVICES,
        oversight_owner="LPT",
        worker_ids=[uuid.uuid4()],
    )


def unable(outcome: str, *reasons: str) -> dict[str, Any]:
    return {"outcome": outcome, "unable": True, "reasons": list(reasons or ["unable_without_help"])}


def given_eligibility(**overrides: Any) -> dict[str, Any]:
    return {
        "needs_arise_from_impairment_or_illness": True,
        "significant_impact_on_wellbeing": True,
        "observations": [
            {
                "observed_on": "2026-01-02",
                "outcomes": [
                    unable("managing_and_maintaining_nutrition"),
                    unable("maintaining_personal_hygiene", "endangers_health_or_safety"),
                ],
            }
        ],
        **overrides,
    }


def given_assessment_body(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "care_act_needs",
        "health_needs": [
            {
                "need": "steroid cream to the lower leg twice a day",
                "purpose": "treatment",
                "relates_to": "disease",
                "requires_health_professional": False,
            }
        ],
        "social_care_needs": [{"need": "help to wash", "outcome": "maintaining_personal_hygiene"}],
        "eligibility": given_eligibility(),
        **overrides,
    }
