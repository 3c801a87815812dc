"""Signed webhooks (issue 17, item 5), on PostgreSQL, to a real HTTP receiver that verifies each
delivery with the `standardwebhooks` package: every event once and in order per subject after
the receiver was down; a person's events only to organisations related to them; both secrets
sign during a rotation's grace period; a parked delivery holds its subject until it is replayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import uvicorn
from httpx import AsyncClient
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services import cli
from services.governance.handlers.webhook_relay import deliver_webhooks
from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role
from shared.clock import MovableClock
from shared.events import Event
from shared.events.delegation import (
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    SuspensionReason,
    TaskDelegated,
)
from shared.events.governance import CatalogueChange, TaskCatalogueChanged
from shared.events.vocabulary import (
    Delegability,
    Direction,
    OversightKind,
    RelationshipBasis,
    Setting,
    TaskCategory,
)
from shared.relationships import relationship
from shared.service import Runtime
from shared.testing.events import deliver
from shared.testing.servers import free_port
from tests.conftest import ServiceClient, bearer
from tests.governance.conftest import given_related

CARE_CO = bearer(Role.PROVIDER_MANAGER, "CARE-CO")
OTHER = bearer(Role.PROVIDER_MANAGER, "PROVIDER-OTHER")
BACKOFF = timedelta(seconds=60)
QUICK = {"webhook_backoff_seconds": BACKOFF.total_seconds(), "webhook_attempts": 5}


# --- the receiver: a real HTTP server in the test process -------------------------------------


@dataclass
class Delivery:
    webhook_id: str
    subject: str
    event_type: str
    signature: str
    verified_by: list[str]


@dataclass
class Receiver:
    """Verifies each delivery with every secret it knows; answers `status` (200: accepted)."""

    secrets: dict[str, list[str]] = field(default_factory=dict)  # path -> secrets
    status: int = 200
    accepted: dict[str, list[Delivery]] = field(default_factory=lambda: defaultdict(list))
    tries: Counter[str] = field(default_factory=Counter)

    async def receive(self, request: Request) -> Response:
        path, body = request.url.path, (await request.body()).decode()
        headers = dict(request.headers)
        verified_by = [s for s in self.secrets.get(path, []) if _verifies(s, body, headers)]
        self.tries[headers["webhook-id"]] += 1
        if not verified_by:
            return Response(status_code=400)
        if self.status != 200:
            return Response(status_code=self.status)
        event = json.loads(body)
        self.accepted[path].append(
            Delivery(
                headers["webhook-id"],
                event["subject"],
                event["type"],
                headers["webhook-signature"],
                verified_by,
            )
        )
        return Response(status_code=200)

    def ids(self, path: str) -> list[str]:
        return [d.webhook_id for d in self.accepted[path]]

    def duplicates(self, path: str) -> list[str]:
        return [i for i, n in Counter(self.ids(path)).items() if n > 1]


def _verifies(secret: str, body: str, headers: dict[str, str]) -> bool:
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError:
        return False
    return True


@contextlib.asynccontextmanager
async def serving(receiver: Receiver, port: int) -> AsyncIterator[None]:
    app = Starlette(routes=[Route("/{path:path}", receiver.receive, methods=["POST"])])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 (uvicorn offers a flag only)
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        await task


# --- builders ---------------------------------------------------------------------------------


def given_task_delegated(person_id: uuid.UUID, delegation_id: uuid.UUID) -> TaskDelegated:
    return TaskDelegated(
        person_id=person_id,
        delegation_id=delegation_id,
        task_code="TOPICAL-STEROID",
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        direction=Direction.HEALTH_TO_SOCIAL,
        setting=Setting.OWN_HOME,
        accountable_organisation="LPT",
        provider_organisation="CARE-CO",
        local_authority="LEICESTER-CITY-COUNCIL",
        additional_minutes_per_week=70,
        start_date=date(2026, 2, 1),
        oversight_kind=OversightKind.COMMUNITY_HEALTH_SERVICES,
        oversight_owner="LPT",
        worker_ids=[uuid.uuid4()],
    )


def given_lifetime(person_id: uuid.UUID) -> list[Event]:
    """One person's delegation from start to end: four events whose order matters."""
    delegation = uuid.uuid4()
    day = date(2026, 3, 1)
    return [
        given_task_delegated(person_id, delegation),
        DelegationSuspended(
            person_id=person_id,
            delegation_id=delegation,
            reason=SuspensionReason.NO_COMPETENT_WORKER,
            effective_date=day,
        ),
        DelegationResumed(person_id=person_id, delegation_id=delegation, effective_date=day),
        DelegationEnded(
            person_id=person_id,
            delegation_id=delegation,
            task_code="TOPICAL-STEROID",
            reason="The need is met",
            effective_date=day,
        ),
    ]


def given_catalogue_change() -> TaskCatalogueChanged:
    ruling = uuid.uuid4()
    return TaskCatalogueChanged(
        subject_id=str(ruling),
        ruling_id=ruling,
        change=CatalogueChange.ADDED,
        task_code="EYE-DROPS",
        name="Eye drops",
        category=TaskCategory.SPECIALISED_MEDICATION,
        delegability=Delegability.ROUTINE,
        effective_from=date(2026, 4, 1),
    )


def types_of(*kinds: type[Event]) -> list[str]:
    return [kind.event_type() for kind in kinds]


LIFETIME_TYPES = types_of(
    TaskDelegated, DelegationSuspended, DelegationResumed, DelegationEnded, TaskCatalogueChanged
)


async def given_endpoint(
    client: AsyncClient, manager: dict[str, str], url: str, event_types: list[str]
) -> dict[str, Any]:
    created = await client.post(
        "/webhooks", json={"url": url, "event_types": event_types}, headers=manager
    )
    assert created.status_code == 201, created.text
    endpoint: dict[str, Any] = created.json()
    return endpoint


async def relay(runtime: Runtime) -> int:
    """One run of the worker's webhook job, in its own transaction, as the scheduler runs it."""
    async with runtime.sessions() as session, session.begin():
        return await deliver_webhooks(session)


async def deliveries(client: AsyncClient, endpoint: dict[str, Any]) -> list[dict[str, Any]]:
    """The endpoint's deliveries in the order they were written."""
    found = await client.get(
        f"/webhooks/{endpoint['endpoint_id']}/deliveries", headers=CARE_CO, params={"limit": 200}
    )
    return list(reversed(found.json()["items"]))


def in_order_per_subject(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    order: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        order[row["subject"]].append(row["event_id"])
    return dict(order)


# --- every event once, in order per subject, after the receiver was down ----------------------


async def test_every_event_reaches_a_receiver_that_was_down_once_each_and_in_order_per_subject(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    receiver, port = Receiver(), free_port()
    async with service_client(GOVERNANCE, **QUICK) as (client, runtime):
        endpoint = await given_endpoint(
            client, CARE_CO, f"http://127.0.0.1:{port}/care-co", LIFETIME_TYPES
        )
        receiver.secrets["/care-co"] = [endpoint["secret"]]
        first, second = uuid.uuid4(), uuid.uuid4()
        await deliver(runtime, given_related(first, "CARE-CO", RelationshipBasis.PROVIDER))
        await deliver(runtime, given_related(second, "CARE-CO", RelationshipBasis.PROVIDER))
        one, two = given_lifetime(first), given_lifetime(second)
        await deliver(runtime, one[0], two[0], one[1], given_catalogue_change(), two[1])
        await deliver(runtime, one[2], two[2], one[3], two[3])

        down = await relay(runtime)  # nobody listens on the port: refused
        not_yet_due = await relay(runtime)
        clock.move(BACKOFF)
        async with serving(receiver, port):
            receiver.status = 500
            failing = await relay(runtime)
            after_failures = await deliveries(client, endpoint)
            receiver.status = 200
            clock.move(2 * BACKOFF)
            up = await relay(runtime)
            again = await relay(runtime)
        written = await deliveries(client, endpoint)

    assert (down, not_yet_due, failing, up, again) == (0, 0, 0, 9, 0)
    heads = [d for d in after_failures if d["attempts"]]
    assert [[t["outcome"] for t in d["tried"]] for d in heads] == [["refused", "http-500"]] * 3
    assert {d["state"] for d in written} == {"delivered"}
    assert sorted(receiver.ids("/care-co")) == sorted(d["event_id"] for d in written)
    assert receiver.duplicates("/care-co") == []
    received_order: dict[str, list[str]] = defaultdict(list)
    for d in receiver.accepted["/care-co"]:
        received_order[d.subject].append(d.webhook_id)
    assert dict(received_order) == in_order_per_subject(written)
    assert [d.event_type for d in receiver.accepted["/care-co"] if d.subject == str(first)] == [
        e.event_type() for e in one
    ]


# --- information governance: a person's events only within a relationship ---------------------


async def test_a_persons_events_reach_only_organisations_related_to_them(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    receiver, port = Receiver(), free_port()
    wanted = types_of(TaskDelegated, TaskCatalogueChanged)
    person = uuid.uuid4()
    ended = relationship(
        person,
        "PROVIDER-OTHER",
        RelationshipBasis.PROVIDER,
        uuid.uuid4(),
        datetime(2025, 1, 1, tzinfo=UTC),
        until=datetime(2025, 6, 1, tzinfo=UTC),
    )
    async with service_client(GOVERNANCE) as (client, runtime):
        related = await given_endpoint(client, CARE_CO, f"http://127.0.0.1:{port}/related", wanted)
        unrelated = await given_endpoint(client, OTHER, f"http://127.0.0.1:{port}/other", wanted)
        receiver.secrets = {"/related": [related["secret"]], "/other": [unrelated["secret"]]}
        await deliver(runtime, given_related(person, "CARE-CO", RelationshipBasis.PROVIDER), ended)
        await deliver(runtime, given_task_delegated(person, uuid.uuid4()), given_catalogue_change())
        async with serving(receiver, port):
            sent = await relay(runtime)

    assert sent == 3
    assert [d.event_type for d in receiver.accepted["/related"]] == wanted
    assert [d.event_type for d in receiver.accepted["/other"]] == types_of(TaskCatalogueChanged)


# --- secret rotation: both secrets sign during the grace period --------------------------------


async def test_after_a_rotation_both_secrets_verify_until_the_grace_period_ends(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    receiver, port = Receiver(), free_port()
    async with service_client(GOVERNANCE, webhook_secret_grace_hours=24) as (client, runtime):
        endpoint = await given_endpoint(
            client, CARE_CO, f"http://127.0.0.1:{port}/hooks", types_of(TaskCatalogueChanged)
        )
        rotated = await client.post(f"/webhooks/{endpoint['endpoint_id']}/secret", headers=CARE_CO)
        old, new = endpoint["secret"], rotated.json()["secret"]
        receiver.secrets["/hooks"] = [old, new]
        async with serving(receiver, port):
            await deliver(runtime, given_catalogue_change())
            await relay(runtime)
            clock.move(timedelta(hours=25))
            await deliver(runtime, given_catalogue_change())
            await relay(runtime)

    assert rotated.status_code == 200
    assert new.startswith("whsec_")
    assert new != old
    during, after = receiver.accepted["/hooks"]
    assert during.verified_by == [old, new]
    assert len(during.signature.split(" ")) == 2
    assert after.verified_by == [new]


# --- parked after N failures; its subject waits; replay delivers in order ---------------------


async def test_a_parked_delivery_holds_back_its_subject_until_it_is_replayed(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    receiver, port = Receiver(), free_port()
    person = uuid.uuid4()
    lifetime = given_lifetime(person)
    settings = {"webhook_attempts": 2, "webhook_backoff_seconds": 1.0}
    async with service_client(GOVERNANCE, **settings) as (client, runtime):
        endpoint = await given_endpoint(
            client, CARE_CO, f"http://127.0.0.1:{port}/hooks", LIFETIME_TYPES
        )
        receiver.secrets["/hooks"] = [endpoint["secret"]]
        await deliver(runtime, given_related(person, "CARE-CO", RelationshipBasis.PROVIDER))
        await deliver(runtime, *lifetime)
        for _ in range(3):  # two failed attempts park the first; then nothing is due
            await relay(runtime)
            clock.move(timedelta(minutes=1))
        parked = await deliveries(client, endpoint)
        async with serving(receiver, port):
            held_back = await relay(runtime)
            replayed = await client.post(
                f"/webhooks/{endpoint['endpoint_id']}/deliveries/replay", headers=CARE_CO
            )
            sent = await relay(runtime)

    assert [(d["state"], d["attempts"]) for d in parked] == [("parked", 2)] + [("pending", 0)] * 3
    assert held_back == 0
    assert replayed.json() == {"replayed": 1}
    assert sent == 4
    assert [d.event_type for d in receiver.accepted["/hooks"]] == [e.event_type() for e in lifetime]
    assert receiver.duplicates("/hooks") == []


async def test_llr_webhooks_lists_and_replays_parked_deliveries(
    service_client: ServiceClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with service_client(GOVERNANCE, webhook_attempts=1) as (client, runtime):
        endpoint = await given_endpoint(
            client, CARE_CO, f"http://127.0.0.1:{free_port()}/hooks", LIFETIME_TYPES
        )
        await deliver(runtime, given_catalogue_change())
        await relay(runtime)  # nobody listens: parked after its one attempt
        monkeypatch.setenv("GOVERNANCE_DATABASE_URL", runtime.settings.database_url)
        listed = await asyncio.to_thread(cli.main, ["webhooks", "parked"])
        out = capsys.readouterr().out.splitlines()
        [parked] = [json.loads(line) for line in out if line.startswith("{")]
        replayed = await asyncio.to_thread(cli.main, ["webhooks", "replay"])
        after = await deliveries(client, endpoint)

    assert (listed, replayed) == (0, 0)
    assert parked["endpoint_id"] == endpoint["endpoint_id"]
    assert [(d["event_id"], d["state"]) for d in after] == [(parked["event_id"], "pending")]
