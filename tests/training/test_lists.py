"""Every list of the training service pages the same way (a capped `limit`, an opaque `cursor`,
`items`, `next_cursor`, the `next` link and its `Link` header) and filters on its fields."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.training.main import SPEC as TRAINING
from services.training.models import (
    CompetenceAssessment,
    CompetenceWarning,
    FailureEscalation,
    RefresherNotice,
)
from shared.auth import Role
from shared.events.delegation import DelegationAccepted
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.pages import walk
from tests.training.builders import (
    MANAGER,
    OTHER_PROVIDER,
    PRACTITIONER,
    PROVIDER,
    TASK,
    TODAY,
    given_worker,
)

Json = dict[str, Any]
BOARD = bearer(Role.IPCB_MEMBER, "LLR-ICB")
LISTS = [
    "/approved-assessors",
    "/assessor-approvals",
    "/training-plans",
    "/instruction-requirements",
    "/workers/{worker}/assessments",
    "/competence-warnings",
    "/refreshers-due",
    "/failure-escalations",
]


async def given_accepted(
    runtime: Runtime,
    day: int,
    *,
    task_code: str = TASK,
    provider: str = PROVIDER,
    needs_specific_training: bool = True,
) -> DelegationAccepted:
    """A delegation accepted `day` days before today: a plan (or an instruction requirement)
    required from then."""
    event = DelegationAccepted(
        person_id=uuid4(),
        delegation_id=uuid4(),
        task_code=task_code,
        provider_organisation=provider,
        worker_ids=[uuid4()],
        accepted_on=TODAY - timedelta(days=day),
        needs_specific_training=needs_specific_training,
    )
    await deliver(runtime, event)
    return event


def attempt(number: int) -> str:
    """The day the builders' assessment of this attempt was made."""
    return str(TODAY - timedelta(days=10 - number))


def given_assessment(worker: UUID, attempt: int, **overrides: Any) -> CompetenceAssessment:
    fields: dict[str, Any] = {
        "id": uuid4(),
        "worker_id": worker,
        "task_code": TASK,
        "person_id": None,
        "provider_organisation": PROVIDER,
        "assessor_id": "district-nurse-1",
        "assessor_role": "registered_practitioner",
        "standard": "Skills for Care",
        "evidence": "observed",
        "outcome": "competent",
        "assessed_on": TODAY - timedelta(days=10 - attempt),
        "valid_until": date(2027, 1, 5),
        "reassessment_on": None,
        "further_training": None,
        "attempt": attempt,
        "current": True,
        "lapsed_on": None,
        "idempotency_key": None,
        "framework_version": None,
    }
    return CompetenceAssessment(**(fields | overrides))


async def given_competence_records(runtime: Runtime, worker: UUID, other: UUID) -> None:
    """Five assessments of `worker` (two tasks, one failed), and for each a warning, a refresher
    due and an escalation on a different day; the other provider's worker has one of each."""
    tasks = [TASK, TASK, "eye-drops", TASK, "eye-drops"]
    async with runtime.sessions() as session, session.begin():
        assessed = [
            given_assessment(
                worker,
                attempt,
                task_code=task,
                outcome="not_yet_competent" if attempt == 2 else "competent",
                current=attempt != 1,
            )
            for attempt, task in enumerate(tasks, start=1)
        ]
        theirs = given_assessment(other, 1, provider_organisation=OTHER_PROVIDER)
        session.add_all([*assessed, theirs])
        await session.flush()
        for day, a in enumerate([*assessed, theirs], start=1):
            session.add_all(
                [
                    CompetenceWarning(
                        id=uuid4(),
                        assessment_id=a.id,
                        worker_id=a.worker_id,
                        task_code=a.task_code,
                        person_id=None,
                        provider_organisation=a.provider_organisation,
                        expires_on=date(2027, 1, 5),
                        days_before=90,
                        warned_on=TODAY - timedelta(days=day),
                    ),
                    RefresherNotice(
                        assessment_id=a.id,
                        due_on=TODAY + timedelta(days=day),
                        worker_id=a.worker_id,
                        task_code=a.task_code,
                        person_id=None,
                        provider_organisation=a.provider_organisation,
                        noticed_on=TODAY,
                        done_on=None,
                    ),
                    FailureEscalation(
                        assessment_id=a.id,
                        worker_id=a.worker_id,
                        task_code=a.task_code,
                        provider_organisation=a.provider_organisation,
                        failures=2,
                        escalated_on=TODAY - timedelta(days=day),
                    ),
                ]
            )


async def test_every_list_is_walked_a_page_at_a_time_without_repeat_or_gap(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker, other = await given_worker(client), await given_worker(client, OTHER_PROVIDER)
        for user in ["assessor-a", "assessor-b", "assessor-c"]:
            approved = await client.post(
                "/approved-assessors",
                json={"user_id": user, "organisation": PROVIDER},
                headers=BOARD,
            )
            assert approved.status_code == 201, approved.text
        for organisation in ["UHL", "LLR-ICB"]:
            await client.post(
                "/assessor-approvals", json={"organisation": organisation}, headers=MANAGER
            )
        plans = [await given_accepted(runtime, day) for day in (5, 1, 3, 2, 4)]
        required = [
            await given_accepted(runtime, day, task_code="eye-drops", needs_specific_training=False)
            for day in (3, 1, 2)
        ]
        await given_competence_records(runtime, worker, other)
        walked = {
            path: await walk(client, path.format(worker=worker), MANAGER, limit=2) for path in LISTS
        }
        whole = {
            path: (await client.get(path.format(worker=worker), headers=MANAGER)).json()["items"]
            for path in LISTS
        }
    assert [a["user_id"] for a in walked["/approved-assessors"]] == [
        "assessor-a",
        "assessor-b",
        "assessor-c",
    ]
    assert {a["assessor_organisation"] for a in walked["/assessor-approvals"]} == {
        "LPT",
        "UHL",
        "LLR-ICB",
    }
    assert [p["delegation_id"] for p in walked["/training-plans"]] == [
        str(plans[d].delegation_id)
        for d in (0, 4, 2, 3, 1)  # soonest required first
    ]
    assert [r["delegation_id"] for r in walked["/instruction-requirements"]] == [
        str(required[d].delegation_id) for d in (0, 2, 1)
    ]
    assert [a["assessed_on"] for a in walked["/workers/{worker}/assessments"]] == [
        str(TODAY - timedelta(days=10 - attempt)) for attempt in range(1, 6)
    ]
    # the provider's own, not the other provider's
    assert len(walked["/competence-warnings"]) == 5
    assert [r["due_on"] for r in walked["/refreshers-due"]] == [
        str(TODAY + timedelta(days=d))
        for d in (2, 3, 4, 5)  # the first's competence is past
    ]
    assert len(walked["/failure-escalations"]) == 5
    for path in LISTS:
        assert walked[path] == whole[path]  # the same rows in the same order as one page


async def test_each_list_filters_on_its_fields(service_client: ServiceClient) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker, other = await given_worker(client), await given_worker(client, OTHER_PROVIDER)
        await client.post(
            "/approved-assessors", json={"user_id": "a", "organisation": PROVIDER}, headers=BOARD
        )
        await client.post(
            "/approved-assessors", json={"user_id": "b", "organisation": "UHL"}, headers=BOARD
        )
        await client.post("/assessor-approvals", json={"organisation": "UHL"}, headers=MANAGER)
        [withdrawn] = [
            a
            for a in (await walk(client, "/assessor-approvals", MANAGER))
            if a["assessor_organisation"] == "UHL"
        ]
        await client.post(f"/assessor-approvals/{withdrawn['id']}/withdrawal", headers=MANAGER)
        early = await given_accepted(runtime, 5)
        late = await given_accepted(runtime, 1, task_code="insulin")
        theirs = await given_accepted(runtime, 3, provider=OTHER_PROVIDER)
        eye_drops = await given_accepted(
            runtime, 2, task_code="eye-drops", needs_specific_training=False
        )
        await given_accepted(runtime, 4, task_code="ear-drops", needs_specific_training=False)
        await given_competence_records(runtime, worker, other)

        async def ids(
            path: str, key: str = "delegation_id", as_who: Json = PRACTITIONER, **params: Any
        ) -> list[str]:
            return [str(i[key]) for i in await walk(client, path, as_who, **params)]

        assessors_of_uhl = await ids("/approved-assessors", "user_id", BOARD, organisation="UHL")
        by_assessor = await ids(
            "/assessor-approvals", "assessor_organisation", BOARD, assessor_organisation="UHL"
        )
        standing = await ids(
            "/assessor-approvals", "assessor_organisation", BOARD, withdrawn="false"
        )
        by_provider = await ids(
            "/assessor-approvals",
            "provider_organisation",
            BOARD,
            provider_organisation=OTHER_PROVIDER,
        )
        plans_by_task = await ids("/training-plans", task_code="insulin")
        plans_by_person = await ids("/training-plans", person_id=str(early.person_id))
        plans_by_delegation = await ids("/training-plans", delegation_id=str(late.delegation_id))
        plans_by_provider = await ids("/training-plans", provider_organisation=OTHER_PROVIDER)
        plans_by_status = await ids("/training-plans", status="in_force")
        plans_required = await ids("/training-plans", status="required")
        plans_between = await ids(
            "/training-plans",
            required_from=str(TODAY - timedelta(days=4)),
            required_to=str(TODAY - timedelta(days=2)),
        )
        requirements_by_task = await ids("/instruction-requirements", task_code="eye-drops")
        requirements_since = await ids(
            "/instruction-requirements", required_from=str(TODAY - timedelta(days=3))
        )
        attempts = f"/workers/{worker}/assessments"
        in_eye_drops = await ids(attempts, "assessed_on", task_code="eye-drops")
        failed = await ids(attempts, "assessed_on", outcome="not_yet_competent")
        current = await ids(attempts, "assessed_on", current="true")
        warned_to_them = await ids("/competence-warnings", "worker_id", provider=OTHER_PROVIDER)
        warned_in_eye_drops = await ids("/competence-warnings", "task_code", task_code="eye-drops")
        warned_between = await ids(
            "/competence-warnings",
            "warned_on",
            warned_from=str(TODAY - timedelta(days=3)),
            warned_to=str(TODAY - timedelta(days=2)),
        )
        due_for_worker = await ids("/refreshers-due", "due_on", worker_id=str(worker))
        due_by = await ids("/refreshers-due", "due_on", due_to=str(TODAY + timedelta(days=3)))
        escalated_of_other = await ids("/failure-escalations", "worker_id", worker_id=str(other))
        escalated_since = await ids(
            "/failure-escalations", "escalated_on", escalated_from=str(TODAY - timedelta(days=1))
        )
    assert assessors_of_uhl == ["b"]
    assert by_assessor == ["UHL"]
    assert "UHL" not in standing
    assert "LPT" in standing
    assert by_provider == [OTHER_PROVIDER]
    assert plans_by_task == plans_by_delegation == [str(late.delegation_id)]
    assert plans_by_person == [str(early.delegation_id)]
    assert plans_by_provider == [str(theirs.delegation_id)]
    assert plans_by_status == []
    assert len(plans_required) == 3
    assert plans_between == [str(theirs.delegation_id)]
    assert requirements_by_task == requirements_since == [str(eye_drops.delegation_id)]
    assert in_eye_drops == [attempt(3), attempt(5)]
    assert failed == [attempt(2)]
    assert current == [attempt(2), attempt(3), attempt(4), attempt(5)]
    assert warned_to_them == [str(other)]
    assert warned_in_eye_drops == ["eye-drops", "eye-drops"]
    assert warned_between == [str(TODAY - timedelta(days=3)), str(TODAY - timedelta(days=2))]
    assert due_for_worker == [str(TODAY + timedelta(days=d)) for d in (2, 3, 4, 5)]
    assert due_by == [str(TODAY + timedelta(days=d)) for d in (2, 3)]
    assert escalated_of_other == [str(other)]
    assert escalated_since == [str(TODAY - timedelta(days=1))]


@pytest.mark.parametrize("path", LISTS)
async def test_a_limit_over_200_or_a_cursor_not_given_is_a_422_naming_it(
    service_client: ServiceClient, path: str
) -> None:
    async with service_client(TRAINING) as (client, _):
        worker = await given_worker(client)
        url = path.format(worker=worker)
        too_many = await client.get(url, params={"limit": 201}, headers=MANAGER)
        none = await client.get(url, params={"limit": 0}, headers=MANAGER)
        most = await client.get(url, params={"limit": 200}, headers=MANAGER)
        bad = await client.get(url, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=MANAGER)
    for response, field in [(too_many, "query.limit"), (none, "query.limit"), (bad, "cursor")]:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    assert most.status_code == 200
