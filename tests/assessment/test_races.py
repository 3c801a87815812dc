"""Exactly one of twenty conflicting requests wins, on PostgreSQL and on the standalone platform
(SQLite, which ignores SELECT ... FOR UPDATE): the others get a 409 and publish nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.assessment.main import SPEC as ASSESSMENT
from shared.access import BREAK_GLASS_HEADER
from shared.auth import Role
from shared.organisations import read_seed
from shared.testing.plugin import repo_root
from shared.testing.races import assert_one_winner, race
from tests.assessment.conftest import given_assessment_body, given_person_body
from tests.conftest import ServiceClient
from tests.racing import Target, on_postgresql, on_standalone

PRACTITIONER = (Role.REGISTERED_PRACTITIONER, "LPT")
PARTNERS = [o.ods_code for o in read_seed(repo_root() / "tests" / "organisations.csv")]


@pytest.fixture(params=["postgresql", "standalone"])
async def target(
    request: pytest.FixtureRequest, service_client: ServiceClient
) -> AsyncIterator[Target]:
    if request.param == "postgresql":
        async with on_postgresql(service_client, ASSESSMENT) as (found, _):
            yield found
    else:
        async with on_standalone(request.getfixturevalue("standalone"), "assessment") as found:
            yield found


async def post(target: Target, url: str, body: dict[str, Any]) -> Any:
    return await target.client.post(url, json=body, headers=target.headers(*PRACTITIONER))


async def given_person(target: Target, **overrides: Any) -> str:
    response = await post(target, "/people", given_person_body(**overrides))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


CONSENT = {"task_code": "steroid-cream", "given_by": "person", "given_on": "2026-01-04"}


async def test_r7_twenty_withdrawals_of_one_consent_withdraw_it_once(target: Target) -> None:
    person_id = await given_person(target)
    given = await post(target, f"/people/{person_id}/consents", CONSENT)
    url = f"/people/{person_id}/consents/{given.json()['id']}/withdrawal"
    body = {"withdrawn_on": "2026-01-05", "reason": "no longer wishes it"}
    before = await target.events("ConsentWithdrawn")

    responses = await race(lambda _: post(target, url, body))

    assert_one_winner(responses)
    assert await target.events("ConsentWithdrawn") == before + 1


async def test_r7_twenty_consents_to_one_task_record_it_once(target: Target) -> None:
    person_id = await given_person(target)
    before = await target.events("ConsentRecorded")

    responses = await race(lambda _: post(target, f"/people/{person_id}/consents", CONSENT))

    assert_one_winner(responses)
    assert await target.events("ConsentRecorded") == before + 1


async def test_twenty_plan_versions_based_on_one_version_make_one_version(
    target: Target,
) -> None:
    person_id = await given_person(target)
    url = f"/people/{person_id}/support-plan/versions"
    body = {"visits_per_day": 2, "minutes_per_visit": 30, "days_per_week": 7, "reason": "x"}
    first = await post(target, url, body)
    before = await target.events("SupportPlanVersioned")

    responses = await race(lambda i: post(target, url, body | {"based_on_version": 1}))

    assert first.status_code == 201
    assert assert_one_winner(responses).json()["version"] == 2
    assert await target.events("SupportPlanVersioned") == before + 1


async def test_r17_twenty_discharges_from_community_health_services_publish_one_change(
    target: Target,
) -> None:
    person_id = await given_person(target, open_to_community_health_services=True)
    url = f"/people/{person_id}/community-health-services"
    body = {"open_to_community_health_services": False}
    before = await target.events("CommunityHealthServicesStatusChanged")

    async def discharge(_: int) -> Any:
        headers = target.headers(*PRACTITIONER)
        return await target.client.put(url, json=body, headers=headers)

    responses = await race(discharge)

    # The same status again is a no-op (200), so the losers of the race that came after the
    # winner committed answer 200 unchanged; the ones that raced it answer 409. One change.
    assert all(r.status_code in (200, 409) for r in responses)
    assert await target.events("CommunityHealthServicesStatusChanged") == before + 1


async def test_r6_twenty_assessments_after_one_change_in_need_supersede_the_current_once(
    target: Target,
) -> None:
    person_id = await given_person(target)
    url = f"/people/{person_id}/assessments"
    first = await post(target, url, given_assessment_body())
    change = await post(
        target, f"/people/{person_id}/need-changes", {"significant": True, "description": "fell"}
    )
    body = given_assessment_body(follows_change_id=change.json()["id"])

    responses = await race(lambda _: post(target, url, body))

    winner = assert_one_winner(responses)
    current = await target.client.get(
        url, params={"current": "true"}, headers=target.headers(*PRACTITIONER)
    )
    assert first.status_code == 201
    assert [a["id"] for a in current.json()["items"]] == [winner.json()["id"]]


async def test_r6_twenty_partners_assessing_one_kind_at_once_record_it_once(
    target: Target,
) -> None:
    person_id = await given_person(target)
    url = f"/people/{person_id}/assessments"
    before = await target.events("NeedsAssessed")

    async def assess(i: int) -> Any:
        # Partners in the register, most with no relationship with the person yet: referred.
        headers = target.headers(Role.REGISTERED_PRACTITIONER, PARTNERS[i])
        headers[BREAK_GLASS_HEADER] = "referred for a Care Act assessment"
        return await target.client.post(url, json=given_assessment_body(), headers=headers)

    responses = await race(assess)

    assert_one_winner(responses)
    assert await target.events("NeedsAssessed") == before + 1
