"""Conflicting changes have exactly one winner: 20 concurrent calls through HTTP on one proposal,
delegation or review give one 2xx, nineteen 409 problems and one event in the outbox, on
PostgreSQL and on the standalone platform (SQLite, which ignores SELECT ... FOR UPDATE)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role, dev_private_key, mint_token
from shared.events.assessment import NeedChanged
from shared.events.vocabulary import RelationshipBasis
from shared.relationships import on_changed, relationship
from shared.service import Runtime
from shared.settings import ServiceSettings
from shared.testing.events import deliver, published
from shared.testing.plugin import eventually
from shared.testing.races import assert_one_winner, outbox_types_in, race, short_type
from tests.conftest import ServiceClient
from tests.delegation.conftest import (
    CITY,
    MANAGER,
    MDT,
    PROVIDER,
    SINCE,
    given_approved,
    given_decision_body,
    given_live,
    given_plan,
    given_proposal,
    given_proposal_body,
)
from tests.journeys.test_journeys import nhs_number, plan_content

Json = dict[str, Any]
ACCEPTANCE = {
    "training_confirmed": True,
    "supervision_confirmed": True,
    "insurance_and_indemnity_confirmed": True,
}


def acceptance_or_decline(delegation_id: str, i: int) -> tuple[str, Json]:
    """Even calls accept, odd calls decline: the conflict the issue reported."""
    if i % 2 == 0:
        return f"/delegations/{delegation_id}/acceptance", ACCEPTANCE | {
            "worker_ids": [str(uuid.uuid4())]
        }
    return f"/delegations/{delegation_id}/decline", {"reason": f"no staff ({i})"}


def a_decision(i: int) -> Json:
    if i % 2 == 0:
        return given_decision_body()
    return given_decision_body(outcome="refused", reasons=f"too risky ({i})")


async def types_published(runtime: Runtime) -> Counter[str]:
    return Counter(short_type(e.event_type()) for e in await published(runtime))


# ----------------------------------------------------------------------------------------------
# PostgreSQL


async def test_r15_of_ten_acceptances_and_ten_declines_of_one_delegation_exactly_one_wins(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        before = await types_published(runtime)

        async def call(i: int) -> httpx.Response:
            path, body = acceptance_or_decline(delegation_id, i)
            response: httpx.Response = await client.post(path, json=body, headers=MANAGER)
            return response

        responses = await race(call)
        after = await types_published(runtime) - before
    assert_one_winner(responses)
    assert after["DelegationAccepted"] + after["DelegationDeclined"] == 1
    assert sum(after.values()) == 1


async def test_of_twenty_ends_of_one_delegation_exactly_one_wins(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        before = await types_published(runtime)
        responses = await race(
            lambda i: client.post(
                f"/delegations/{delegation_id}/end", json={"reason": f"r{i}"}, headers=MDT
            )
        )
        after = await types_published(runtime) - before
    assert_one_winner(responses)
    assert after == Counter({"DelegationEnded": 1})


async def test_r9_of_twenty_mdt_decisions_on_one_proposal_exactly_one_wins(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        before = await types_published(runtime)
        responses = await race(
            lambda i: client.post(
                f"/proposals/{proposal_id}/decision", json=a_decision(i), headers=MDT
            )
        )
        after = await types_published(runtime) - before
    assert_one_winner(responses)
    assert after == Counter({"DelegationDecided": 1})


async def test_r26_of_twenty_review_outcomes_exactly_one_wins(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        change = NeedChanged(
            person_id=live.person_id,
            change_id=uuid.uuid4(),
            significant=False,
            recorded_on=datetime.now(UTC).date(),
        )
        await deliver(runtime, change)
        reviews = await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
        [review] = reviews.json()["items"]
        before = await types_published(runtime)
        responses = await race(
            lambda i: client.post(
                f"/reviews/{review['id']}/outcome",
                json={
                    "outcome": "change_minutes",
                    "additional_minutes_per_week": 10 + i,
                    "new_support_plan": given_plan(),
                },
                headers=MDT,
            )
        )
        after = await types_published(runtime) - before
    assert_one_winner(responses)
    assert after == Counter({"ReviewCompleted": 1})


# ----------------------------------------------------------------------------------------------
# The standalone platform (SQLite files, events in-process)


class Standalone:
    """Calls into the standalone platform with locally minted tokens."""

    def __init__(self, base: str, data: Path) -> None:
        self.client = httpx.AsyncClient(base_url=base, timeout=60)
        self.data = data
        self.key = dev_private_key(data / "dev-signing-key.pem")

    def auth(self, role: Role, organisation: str) -> dict[str, str]:
        token = mint_token(self.key, ServiceSettings(), role=role, organisation=organisation)
        return {"Authorization": f"Bearer {token}"}

    @property
    def practitioner(self) -> dict[str, str]:
        return self.auth(Role.REGISTERED_PRACTITIONER, "LPT")

    @property
    def mdt(self) -> dict[str, str]:
        return self.auth(Role.MDT_MEMBER, "LLR-ICB")

    @property
    def manager(self) -> dict[str, str]:
        return self.auth(Role.PROVIDER_MANAGER, PROVIDER)

    def outbox(self) -> Counter[str]:
        return outbox_types_in(self.data / "delegation.db")

    async def post(self, path: str, body: Json, headers: dict[str, str], status: int) -> Json:
        response = await self.client.post(path, json=body, headers=headers)
        assert response.status_code == status, response.text
        found: Json = response.json()
        return found

    async def until(self, path: str, headers: dict[str, str], ok: Callable[[Any], bool]) -> Any:
        found: list[Any] = []

        async def check() -> bool:
            response = await self.client.get(path, headers=headers)
            found[:] = [response.json()]
            return response.status_code == 200 and ok(found[0])

        await eventually(check, seconds=30)
        return found[0]

    async def proposal(self, person_id: uuid.UUID | str) -> str:
        """Proposed as soon as delegation has heard of LPT's relationship with the person (404
        until then); the key makes the retries one proposal."""
        body = given_proposal_body(uuid.UUID(str(person_id)))
        headers = self.practitioner | {"Idempotency-Key": f"propose-{person_id}"}
        found: list[Json] = []

        async def proposed() -> bool:
            response = await self.client.post("/delegation/proposals", json=body, headers=headers)
            assert response.status_code in (201, 404), response.text
            found[:] = [response.json()]
            return response.status_code == 201

        await eventually(proposed, seconds=30)
        return str(found[0]["id"])

    async def approved(self, person_id: uuid.UUID | str) -> str:
        proposal_id = await self.proposal(person_id)
        path = f"/delegation/proposals/{proposal_id}/decision"
        decided = await self.post(path, given_decision_body(), self.mdt, 201)
        return str(decided["delegation_id"])

    async def person(self) -> str:
        """A person LPT's District Nurse registers (her trust's relationship with them)."""
        person = {
            "nhs_number": nhs_number(),
            "local_authority": CITY,
            "gp_practice": "C82001",
            "setting": "own_home",
            "open_to_community_health_services": True,
        }
        return str((await self.post("/assessment/people", person, self.practitioner, 201))["id"])

    async def live(self) -> tuple[str, str]:
        """The case study through every gate, over the five services' APIs."""
        person_id = await self.person()
        delegation_id = await self.approved(person_id)
        await self.related(person_id, "LLR-ICB")
        worker = await self.post("/training/workers", {"role": "carer"}, self.manager, 201)
        # The provider approves LPT's nurses to train and assess its workers.
        approval = {"organisation": "LPT"}
        await self.post("/training/assessor-approvals", approval, self.manager, 201)
        body = ACCEPTANCE | {"worker_ids": [worker["id"]]}
        await self.post(
            f"/delegation/delegations/{delegation_id}/acceptance", body, self.manager, 200
        )
        await self.consent(person_id, delegation_id)
        await self.agree_plan(delegation_id)
        await self.competent(str(worker["id"]))
        await self.until(
            f"/delegation/delegations/{delegation_id}", self.mdt, lambda d: d["status"] == "live"
        )
        return person_id, delegation_id

    async def related(self, person_id: str, organisation: str) -> None:
        """The MDT's relationship with the person, kept where delegation keeps it, as its
        RelationshipChanged would (assessment decides and publishes relationships)."""
        engine = create_async_engine(f"sqlite+aiosqlite:///{self.data / 'delegation.db'}")
        changed = relationship(
            uuid.UUID(person_id), organisation, RelationshipBasis.MDT, "race", SINCE
        )
        try:
            async with AsyncSession(engine) as session, session.begin():
                await on_changed(session, changed)
        finally:
            await engine.dispose()

    async def consent(self, person_id: str, delegation_id: str) -> None:
        body = {
            "task_code": "topical-cream",
            "delegation_id": delegation_id,
            "given_by": "person",
            "given_on": datetime.now(UTC).date().isoformat(),
        }
        await self.post(f"/assessment/people/{person_id}/consents", body, self.practitioner, 201)

    async def agree_plan(self, delegation_id: str) -> None:
        plans = await self.until(
            f"/training/training-plans?delegation_id={delegation_id}",
            self.manager,
            lambda found: len(found["items"]) == 1,
        )
        [plan] = plans["items"]
        path = f"/training/training-plans/{plan['id']}/agreement"
        await self.post(path, plan_content(), self.manager, 200)
        practitioner = f"/training/training-plans/{plan['id']}/practitioner-agreement"

        async def agreed() -> bool:  # R24: once training has heard of LPT's relationship
            response = await self.client.post(practitioner, headers=self.practitioner)
            return response.status_code == 200

        await eventually(agreed, seconds=30)

    async def competent(self, worker_id: str) -> None:
        today = datetime.now(UTC).date()
        for kind in ("knowledge", "skills"):
            record = {
                "task_code": "topical-cream",
                "kind": kind,
                "completed_on": today.isoformat(),
                "delivered_by": "District Nurse",
            }
            path = f"/training/workers/{worker_id}/training-records"
            await self.post(path, record, self.manager, 201)
        assessment = {
            "task_code": "topical-cream",
            "standard": "Skills for Care delegated healthcare activities",
            "evidence": "observed: three applications",
            "outcome": "competent",
            "valid_until": today.replace(year=today.year + 1).isoformat(),
        }
        path = f"/training/workers/{worker_id}/assessments"
        await self.post(path, assessment, self.practitioner, 201)


async def test_standalone_of_ten_acceptances_and_ten_declines_exactly_one_wins(
    standalone: tuple[str, Path],
) -> None:
    platform = Standalone(*standalone)
    delegation_id = await platform.approved(await platform.person())
    before = platform.outbox()

    async def call(i: int) -> httpx.Response:
        path, body = acceptance_or_decline(delegation_id, i)
        return await platform.client.post(f"/delegation{path}", json=body, headers=platform.manager)

    responses = await race(call)
    after = platform.outbox() - before
    assert_one_winner(responses)
    assert after["DelegationAccepted"] + after["DelegationDeclined"] == 1
    assert sum(after.values()) == 1


async def test_standalone_of_twenty_ends_of_one_delegation_exactly_one_wins(
    standalone: tuple[str, Path],
) -> None:
    platform = Standalone(*standalone)
    delegation_id = await platform.approved(await platform.person())
    before = platform.outbox()
    responses = await race(
        lambda i: platform.client.post(
            f"/delegation/delegations/{delegation_id}/end",
            json={"reason": f"r{i}"},
            headers=platform.mdt,
        )
    )
    after = platform.outbox() - before
    assert_one_winner(responses)
    assert after == Counter({"DelegationEnded": 1})


async def test_standalone_of_twenty_mdt_decisions_on_one_proposal_exactly_one_wins(
    standalone: tuple[str, Path],
) -> None:
    platform = Standalone(*standalone)
    proposal_id = await platform.proposal(await platform.person())
    before = platform.outbox()
    responses = await race(
        lambda i: platform.client.post(
            f"/delegation/proposals/{proposal_id}/decision",
            json=a_decision(i),
            headers=platform.mdt,
        )
    )
    after = platform.outbox() - before
    assert_one_winner(responses)
    assert after == Counter({"DelegationDecided": 1})


async def test_standalone_of_twenty_review_outcomes_exactly_one_wins(
    standalone: tuple[str, Path],
) -> None:
    platform = Standalone(*standalone)
    person_id, delegation_id = await platform.live()
    change = {"significant": False, "description": "the cream is needed on both legs"}
    await platform.post(
        f"/assessment/people/{person_id}/need-changes", change, platform.practitioner, 201
    )
    [review] = (
        await platform.until(
            f"/delegation/delegations/{delegation_id}/reviews",
            platform.mdt,
            lambda r: len(r["items"]) == 1,
        )
    )["items"]
    before = platform.outbox()
    responses = await race(
        lambda i: platform.client.post(
            f"/delegation/reviews/{review['id']}/outcome",
            json={
                "outcome": "change_minutes",
                "additional_minutes_per_week": 10 + i,
                "new_support_plan": given_plan(),
            },
            headers=platform.mdt,
        )
    )
    after = platform.outbox() - before
    assert_one_winner(responses)
    assert after == Counter({"ReviewCompleted": 1})
