"""Information governance in training (issue 14): a provider's workers are trained, assessed and
instructed only by the provider or an assessor it approved; others see none of them; dates are
plausible and a competence lasts at most three years. On PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select

from services.training.domain import dates
from services.training.domain.assessors import EVERY_PROVIDER, scope_of
from services.training.main import SPEC as TRAINING
from services.training.models import CompetenceAssessment, TrainingRecord
from shared.audit import audit_log
from shared.auth import Role
from shared.errors import InvalidInput
from shared.events.delegation import DelegationAccepted
from shared.events.training import CompetenceAssessed, InstructionRecorded
from shared.events.vocabulary import RelationshipBasis
from shared.relationships import relationship
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer, token
from tests.training.builders import (
    MANAGER,
    NURSE_ID,
    OTHER_PROVIDER,
    PRACTITIONER,
    PROVIDER,
    TASK,
    TODAY,
    assess,
    given_accepted_delegation,
    given_agreed_plan,
    given_trained,
    given_worker,
    plan_content,
)

# A registered practitioner of another organisation that no provider approved.
STRANGER = bearer(Role.REGISTERED_PRACTITIONER, "UHL")
# An IPCB member of an organisation that does not sit on the board (register: ipcb_member false).
NOT_THE_BOARD = bearer(Role.IPCB_MEMBER, "UHL")


def training(**overrides: Any) -> dict[str, Any]:
    body = {"task_code": TASK, "kind": "skills", "completed_on": "2026-01-05", "delivered_by": "DN"}
    return body | overrides


async def stored(runtime: Runtime, model: type[Any]) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# --- the rules, pure -------------------------------------------------------------------------


def test_a_caller_acts_for_their_own_organisation_and_each_provider_that_approved_them() -> None:
    scope = scope_of("LPT", ["CARE-PROVIDER-42"])
    assert scope.covers("LPT")
    assert scope.covers("CARE-PROVIDER-42")
    assert not scope.covers("CARE-PROVIDER-7")
    assert EVERY_PROVIDER.covers("CARE-PROVIDER-7")


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (date(2026, 1, 6), True),  # the next day
        (date(2029, 1, 5), True),  # exactly three years on
        (date(2029, 1, 6), False),
        (date(9999, 12, 31), False),
        (date(2026, 1, 5), False),  # today: it would lapse the day it is given
        (date(2025, 12, 31), False),
    ],
)
def test_a_competence_expires_after_today_and_within_three_years(
    value: date, accepted: bool
) -> None:
    if accepted:
        dates.check_due("valid_until", value, TODAY)
        return
    with pytest.raises(InvalidInput) as refused:
        dates.check_due("valid_until", value, TODAY)
    assert refused.value.extensions["errors"][0]["field"] == "valid_until"


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (date(2026, 1, 5), True),
        (date(1900, 1, 1), True),
        (date(1899, 12, 31), False),
        (date(2026, 1, 6), False),
    ],
)
def test_a_recorded_fact_happened_between_1900_and_today(value: date, accepted: bool) -> None:
    if accepted:
        dates.check_past("completed_on", value, TODAY)
        return
    with pytest.raises(InvalidInput):
        dates.check_past("completed_on", value, TODAY)


# --- finding: another organisation trains and assesses a provider's workers ------------------


async def test_a_practitioner_of_another_organisation_records_no_training_for_a_providers_worker(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        response = await client.post(
            f"/workers/{worker}/training-records", json=training(), headers=STRANGER
        )
        records = await stored(runtime, TrainingRecord)
    assert response.status_code == 404
    assert records == 0


@pytest.mark.parametrize(
    ("outcome", "refused"),
    [
        ({"outcome": "competent", "valid_until": "9999-12-31"}, 422),  # not a date it takes
        ({"outcome": "competent", "valid_until": "2026-06-01"}, 404),
        ({"outcome": "not_yet_competent"}, 404),  # would suspend the provider's live delegation
    ],
    ids=["competent-until-9999", "competent", "not-yet-competent"],
)
async def test_a_practitioner_of_another_organisation_assesses_no_providers_worker(
    service_client: ServiceClient, outcome: dict[str, str], refused: int
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        response = await assess(client, worker, headers=STRANGER, **outcome)
        events = await published(runtime, CompetenceAssessed)
        assessments = await stored(runtime, CompetenceAssessment)
    assert response.status_code == refused
    assert (events, assessments) == ([], 0)


async def test_the_assessor_a_provider_approved_trains_and_assesses_its_workers_until_withdrawn(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)  # the provider approves the district nurse
        approvals = (await client.get("/assessor-approvals", headers=MANAGER)).json()["items"]
        as_the_nurse = (await client.get("/assessor-approvals", headers=PRACTITIONER)).json()[
            "items"
        ]
        trained = [
            await client.post(
                f"/workers/{worker}/training-records",
                json=training(kind=kind),
                headers=PRACTITIONER,
            )
            for kind in ("knowledge", "skills")
        ]
        assessed = await assess(client, worker)
        [approval] = approvals
        other_manager = await client.post(
            f"/assessor-approvals/{approval['id']}/withdrawal",
            headers=bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER),
        )
        withdrawn = await client.post(
            f"/assessor-approvals/{approval['id']}/withdrawal", headers=MANAGER
        )
        after = await assess(client, worker, "not_yet_competent", evidence="after withdrawal")
        read_after = await client.get(f"/workers/{worker}", headers=PRACTITIONER)
        events = await published(runtime, CompetenceAssessed)
    assert (approval["provider_organisation"], approval["user_id"]) == (PROVIDER, NURSE_ID)
    assert approval["assessor_organisation"] == "LPT"
    assert [a["id"] for a in as_the_nurse] == [approval["id"]]
    assert [r.status_code for r in trained] == [201, 201]
    assert assessed.status_code == 201
    assert assessed.json()["assessor_id"] == NURSE_ID
    assert other_manager.status_code == 404
    assert (withdrawn.status_code, withdrawn.json()["withdrawn_on"]) == (200, "2026-01-05")
    assert (after.status_code, read_after.status_code) == (404, 404)
    assert len(events) == 1


async def test_an_approval_is_given_once_and_names_an_organisation_in_the_register(
    service_client: ServiceClient,
) -> None:
    approval = {"user_id": "assessor-9", "organisation": "UHL"}
    async with service_client(TRAINING) as (client, _runtime):
        first = await client.post("/assessor-approvals", json=approval, headers=MANAGER)
        again = await client.post("/assessor-approvals", json=approval, headers=MANAGER)
        unknown = await client.post(
            "/assessor-approvals",
            json={"user_id": "assessor-9", "organisation": "NOT-A-PARTNER"},
            headers=MANAGER,
        )
        by_a_nurse = await client.post("/assessor-approvals", json=approval, headers=STRANGER)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "organisation")
    assert by_a_nurse.status_code == 403


async def test_a_provider_may_approve_every_registered_practitioner_of_an_organisation(
    service_client: ServiceClient,
) -> None:
    any_nurse = bearer(Role.REGISTERED_PRACTITIONER, "UHL")  # a token of her own, any `sub`
    manager_there = bearer(Role.PROVIDER_MANAGER, "UHL")
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        before = await assess(client, worker, headers=any_nurse)
        team = await client.post(
            "/assessor-approvals", json={"organisation": "UHL"}, headers=MANAGER
        )
        again = await client.post(
            "/assessor-approvals", json={"organisation": "UHL"}, headers=MANAGER
        )
        not_a_practitioner = await client.post(
            f"/workers/{worker}/training-records", json=training(), headers=manager_there
        )
        assessed = await assess(client, worker, headers=any_nurse)
        await client.post(f"/assessor-approvals/{team.json()['id']}/withdrawal", headers=MANAGER)
        after = await client.get(f"/workers/{worker}", headers=any_nurse)
    assert before.status_code == 404
    assert (team.status_code, again.status_code) == (201, 200)
    assert team.json()["user_id"] is None
    assert not_a_practitioner.status_code == 404
    assert assessed.status_code == 201
    assert after.status_code == 404


async def test_another_providers_approval_does_not_reach_this_providers_workers(
    service_client: ServiceClient,
) -> None:
    nurse_of_uhl = {
        "Authorization": "Bearer " + token(Role.REGISTERED_PRACTITIONER, "UHL", user_id="dn-uhl")
    }
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await client.post(
            "/assessor-approvals",
            json={"user_id": "dn-uhl", "organisation": "UHL"},
            headers=bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER),
        )
        response = await assess(client, worker, headers=nurse_of_uhl)
    assert response.status_code == 404


# --- instructions likewise -------------------------------------------------------------------


async def given_instructions_required(runtime: Runtime, worker: UUID) -> DelegationAccepted:
    accepted = DelegationAccepted(
        person_id=uuid4(),
        delegation_id=uuid4(),
        task_code="eye-drops",
        provider_organisation=PROVIDER,
        worker_ids=[worker],
        accepted_on=TODAY,
        needs_specific_training=False,
    )
    await deliver(runtime, accepted)
    return accepted


def instruction(worker: UUID) -> dict[str, Any]:
    return {
        "worker_id": str(worker),
        "instructed_by": "dn-17",
        "instructor_role": "registered_nurse",
        "instructed_on": "2026-01-05",
        "covered": [
            "how_to_carry_out_the_task",
            "what_to_record",
            "when_and_whom_to_ask_for_advice",
        ],
    }


async def test_instructions_are_recorded_by_the_provider_or_its_approved_assessor_only(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker, other = await given_worker(client), await given_worker(client)
        accepted = await given_instructions_required(runtime, worker)
        second = await given_instructions_required(runtime, other)
        await deliver(runtime, given_related(accepted.person_id, "UHL"))
        requirements = (await client.get("/instruction-requirements", headers=MANAGER)).json()[
            "items"
        ]
        url = {r["person_id"]: f"/instruction-requirements/{r['id']}" for r in requirements}
        by_a_stranger = await client.post(
            f"{url[str(accepted.person_id)]}/instructions",
            json=instruction(worker),
            headers=STRANGER,  # related to the person: may read, but acts for no provider
        )
        read_by_the_stranger = await client.get(url[str(accepted.person_id)], headers=STRANGER)
        by_the_nurse = await client.post(
            f"{url[str(second.person_id)]}/instructions",
            json=instruction(other),
            headers=PRACTITIONER,
        )
        events = await published(runtime, InstructionRecorded)
    assert by_a_stranger.status_code == 404
    assert read_by_the_stranger.status_code == 200
    assert by_the_nurse.status_code == 201
    assert [e.worker_id for e in events] == [other]  # type: ignore[attr-defined]


# --- finding: workers read by organisations that have nothing to do with them ----------------


async def test_a_provider_sees_its_own_workers_and_an_unrelated_organisation_none(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        ours, theirs = await given_worker(client), await given_worker(client, OTHER_PROVIDER)
        await given_trained(client, ours)
        await assess(client, ours)
        own = (await client.get("/workers", headers=MANAGER)).json()
        nurse = (await client.get("/workers", headers=PRACTITIONER)).json()
        stranger = await client.get("/workers", headers=STRANGER)
        reads = [
            await client.get(path, params=params, headers=STRANGER)
            for path, params in [
                (f"/workers/{ours}", {}),
                (f"/workers/{ours}/assessments", {}),
                (f"/workers/{ours}/competence", {"task_code": TASK}),
            ]
        ]
        warnings = await client.get(
            "/competence-warnings", params={"provider": PROVIDER}, headers=STRANGER
        )
        board = await client.get(f"/workers/{ours}/assessments", headers=bearer(Role.IPCB_MEMBER))
    assert [w["id"] for w in own] == [str(ours)]
    # The district nurse acts for both providers (each approved her), so sees both.
    assert {w["id"] for w in nurse} == {str(ours), str(theirs)}
    assert stranger.json() == []
    assert [r.status_code for r in reads] == [404, 404, 404]
    assert warnings.json()["items"] == []
    assert board.status_code == 200  # the IPCB oversees competence sign-off (R27)


# --- finding: an IPCB member of a non-member organisation acts for the board ------------------


async def test_only_an_ipcb_member_of_a_board_organisation_acts_or_oversees_for_the_board(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        policy = await client.put(
            "/competence-policy", json={"failures_before_escalation": 5}, headers=NOT_THE_BOARD
        )
        assessor = await client.post(
            "/approved-assessors",
            json={"user_id": "carer-1", "organisation": PROVIDER},
            headers=NOT_THE_BOARD,
        )
        report = await client.get(
            "/reports/competence-sign-offs",
            params={"from": "2026-01-01", "to": "2026-01-31"},
            headers=NOT_THE_BOARD,
        )
        oversight = await client.get(f"/workers/{worker}/assessments", headers=NOT_THE_BOARD)
        unchanged = await client.get("/competence-policy", headers=MANAGER)
        assessors = await client.get("/approved-assessors", headers=MANAGER)
        by_the_board = await client.put(
            "/competence-policy",
            json={"failures_before_escalation": 5},
            headers=bearer(Role.IPCB_MEMBER, "LLR-ICB"),
        )
    assert [r.status_code for r in (policy, assessor, report, oversight)] == [403] * 4
    assert unchanged.json()["failures_before_escalation"] == 2
    assert assessors.json()["items"] == []
    assert by_the_board.status_code == 200


# --- finding: competence valid until 9999-12-31; implausible dates -------------------------


@pytest.mark.parametrize(
    ("outcome", "field", "value"),
    [
        ("competent", "valid_until", "9999-12-31"),
        ("competent", "valid_until", "2029-01-06"),  # three years and a day
        ("competent", "valid_until", "2025-12-01"),  # already past
        ("not_yet_competent", "reassessment_on", "9999-12-31"),
        ("not_yet_competent", "reassessment_on", "2030-01-01"),
    ],
)
async def test_an_expiry_beyond_the_policy_maximum_is_refused_naming_the_field(
    service_client: ServiceClient, outcome: str, field: str, value: str
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        override: dict[str, Any] = {field: value}
        response = await assess(client, worker, outcome, **override)
        events = await published(runtime, CompetenceAssessed)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert events == []


async def test_a_competence_of_exactly_three_years_is_accepted(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        response = await assess(client, worker, valid_until="2029-01-05")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("training-records", "completed_on", "1899-12-31"),
        ("training-records", "completed_on", "0001-01-01"),
        ("training-records", "completed_on", "2026-01-06"),
        ("releases", "released_on", "1899-12-31"),
        ("releases", "released_on", "2026-01-06"),
        ("instructions", "instructed_on", "1899-12-31"),
    ],
)
async def test_a_recorded_date_before_1900_or_after_today_is_refused_naming_the_field(
    service_client: ServiceClient, path: str, field: str, value: str
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        if path == "training-records":
            url, body = f"/workers/{worker}/training-records", training(**{field: value})
        elif path == "releases":
            plan = await given_agreed_plan_for(client, runtime, worker)
            url = f"/training-plans/{plan}/releases"
            body = {"worker_id": str(worker), "minutes": 60, field: value}
        else:
            await given_instructions_required(runtime, worker)
            [required] = (await client.get("/instruction-requirements", headers=MANAGER)).json()[
                "items"
            ]
            url = f"/instruction-requirements/{required['id']}/instructions"
            body = instruction(worker) | {field: value}
        response = await client.post(url, json=body, headers=MANAGER)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def given_agreed_plan_for(client: Any, runtime: Runtime, worker: UUID) -> str:
    return await given_agreed_plan(client, runtime, [worker])


# --- a person's training plan: by relationship, each read audited ----------------------------


def given_related(person_id: UUID, organisation: str) -> Any:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    return relationship(person_id, organisation, RelationshipBasis.MDT, uuid4(), since)


async def test_a_training_plan_is_seen_by_the_provider_and_related_organisations_and_audited(
    service_client: ServiceClient,
) -> None:
    unrelated = bearer(Role.REGISTERED_PRACTITIONER, "C82001")
    related_nurse = bearer(Role.REGISTERED_PRACTITIONER, "UHL")
    async with service_client(TRAINING) as (client, runtime):
        accepted = await given_accepted_delegation(runtime, [uuid4()])
        await deliver(runtime, given_related(accepted.person_id, "UHL"))
        [plan] = (await client.get("/training-plans", headers=MANAGER)).json()["items"]
        path = f"/training-plans/{plan['id']}"
        by_the_related = await client.get(path, headers=related_nurse)
        listed_by_the_related = (await client.get("/training-plans", headers=related_nurse)).json()[
            "items"
        ]
        by_the_unrelated = await client.get(path, headers=unrelated)
        listed_by_the_unrelated = (await client.get("/training-plans", headers=unrelated)).json()[
            "items"
        ]
        by_the_board = await client.get(path, headers=bearer(Role.IPCB_MEMBER))
        agreed_by_the_related = await client.post(
            f"{path}/agreement", json=plan_content(), headers=bearer(Role.PROVIDER_MANAGER, "UHL")
        )
        async with runtime.sessions() as session:
            reads = (
                await session.execute(
                    select(audit_log.c.organisation, audit_log.c.person_id).where(
                        audit_log.c.action == "read.training_plan"
                    )
                )
            ).all()
    assert by_the_related.status_code == 200
    assert [p["id"] for p in listed_by_the_related] == [plan["id"]]
    assert (by_the_unrelated.status_code, listed_by_the_unrelated) == (404, [])
    assert by_the_board.status_code == 403
    assert agreed_by_the_related.status_code == 404
    person = str(accepted.person_id)
    assert {(o, p) for o, p in reads} == {(PROVIDER, person), ("UHL", person)}
