"""Signed webhooks' rules (issue 17, item 5): the Standard Webhooks signature, backoff and
parking, where deliveries may go, and an organisation managing only its own endpoints."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from services.governance.domain import webhooks
from services.governance.domain.webhooks import DeliveryState
from services.governance.main import SPEC as GOVERNANCE
from services.governance.models import WebhookDelivery
from shared.auth import Role
from shared.events.delegation import SharedCareRequested, TaskDelegated
from shared.events.governance import RulingIssued, TaskCatalogueChanged
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.governance.conftest import given_related, problem_field
from tests.governance.test_webhooks import given_task_delegated

CARE_CO = bearer(Role.PROVIDER_MANAGER, "CARE-CO")
COUNCIL = bearer(Role.COMMISSIONER, "LEICESTER-CITY-COUNCIL")
URL = "https://integration.care-co.example/llr"
AT = datetime(2026, 5, 1, 12, tzinfo=UTC)

# --- the Standard Webhooks signature ---------------------------------------------------------


def test_a_delivery_is_signed_as_the_standard_webhooks_library_signs_it() -> None:
    secret, body = webhooks.new_secret(), '{"specversion":"1.0","id":"x"}'
    ours = webhooks.signature(secret, "msg-1", 1_767_000_000, body)
    theirs = Webhook(secret).sign("msg-1", datetime.fromtimestamp(1_767_000_000, UTC), body)
    assert ours == theirs
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32


def test_the_replaced_secret_signs_only_during_the_grace_period() -> None:
    until = AT + timedelta(hours=24)
    assert webhooks.secrets_in_use("new", "old", until, AT) == ["new", "old"]
    assert webhooks.secrets_in_use("new", "old", until, until) == ["new"]
    assert webhooks.secrets_in_use("new", None, None, AT) == ["new"]


# --- backoff and parking ----------------------------------------------------------------------


def test_retries_back_off_exponentially_up_to_the_ceiling() -> None:
    first, ceiling = timedelta(seconds=30), timedelta(minutes=5)
    waits = [webhooks.retry_at(AT, n, first, ceiling) - AT for n in range(1, 6)]
    assert [w.total_seconds() for w in waits] == [30, 60, 120, 240, 300]
    assert webhooks.retry_at(AT, 50, first, timedelta(days=1)) == AT + timedelta(days=1)


def test_a_delivery_is_parked_after_the_configured_attempts() -> None:
    assert webhooks.after_failure(4, most=5) is DeliveryState.PENDING
    assert webhooks.after_failure(5, most=5) is DeliveryState.PARKED


# --- where deliveries may go -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://integration.care-co.example/llr",
        "http://127.0.0.1:8080/hooks",
        "https://localhost/hooks",
        "https://10.0.0.4/hooks",
        "https://169.254.169.254/latest",
        "https://user:pass@integration.care-co.example/llr",
        "ftp://integration.care-co.example/llr",
    ],
)
def test_outside_test_and_development_deliveries_go_to_public_https_urls_only(url: str) -> None:
    assert webhooks.why_not_an_endpoint(url, local_allowed=False) is not None


def test_plain_http_to_this_machine_is_allowed_in_test_and_development_only() -> None:
    assert webhooks.why_not_an_endpoint("http://127.0.0.1:8080/h", local_allowed=True) is None
    assert webhooks.why_not_an_endpoint("http://localhost/h", local_allowed=True) is None
    assert webhooks.why_not_an_endpoint(URL, local_allowed=False) is None


def test_events_carrying_text_are_not_published_to_partners() -> None:
    assert webhooks.refused_event_types(
        [TaskDelegated.event_type(), RulingIssued.event_type(), SharedCareRequested.event_type()]
    ) == sorted([RulingIssued.event_type(), SharedCareRequested.event_type()])


# --- the API: an organisation manages its own endpoints -----------------------------------------


async def test_an_endpoint_is_refused_for_an_unpublished_event_type_or_a_bad_url(
    service_client: ServiceClient,
) -> None:
    wanted = [TaskDelegated.event_type()]
    async with service_client(GOVERNANCE) as (client, _runtime):
        ruling = await client.post(
            "/webhooks",
            json={"url": URL, "event_types": [RulingIssued.event_type()]},
            headers=CARE_CO,
        )
        plain = await client.post(
            "/webhooks",
            json={"url": "http://integration.care-co.example/llr", "event_types": wanted},
            headers=CARE_CO,
        )
        worker = await client.post(
            "/webhooks",
            json={"url": URL, "event_types": wanted},
            headers=bearer(Role.CARE_WORKER, "CARE-CO"),
        )
        listed = await client.get("/webhooks", headers=CARE_CO)

    assert (ruling.status_code, problem_field(ruling)) == (422, "event_types")
    assert (plain.status_code, problem_field(plain)) == (422, "url")
    assert worker.status_code == 403
    assert listed.json()["items"] == []


async def test_an_organisation_sees_and_changes_only_its_own_endpoints(
    service_client: ServiceClient,
) -> None:
    wanted = [TaskCatalogueChanged.event_type()]
    async with service_client(GOVERNANCE) as (client, _runtime):
        created = await client.post(
            "/webhooks", json={"url": URL, "event_types": wanted}, headers=CARE_CO
        )
        path = f"/webhooks/{created.json()['endpoint_id']}"
        seen_by_council = await client.get("/webhooks", headers=COUNCIL)
        answers = [
            await client.get(f"{path}/deliveries", headers=COUNCIL),
            await client.post(f"{path}/secret", headers=COUNCIL),
            await client.post(f"{path}/deliveries/replay", headers=COUNCIL),
            await client.delete(path, headers=COUNCIL),
        ]
        own = await client.get("/webhooks", headers=CARE_CO)

    assert created.status_code == 201
    assert created.json()["organisation"] == "CARE-CO"
    assert seen_by_council.json()["items"] == []
    assert [a.status_code for a in answers] == [404] * 4
    assert [e["endpoint_id"] for e in own.json()["items"]] == [created.json()["endpoint_id"]]
    assert "secret" not in own.json()["items"][0]


async def test_removing_an_endpoint_cancels_what_it_has_not_received(
    service_client: ServiceClient,
) -> None:
    person = uuid.uuid4()
    async with service_client(GOVERNANCE) as (client, runtime):
        created = await client.post(
            "/webhooks",
            json={"url": URL, "event_types": [TaskDelegated.event_type()]},
            headers=CARE_CO,
        )
        path = f"/webhooks/{created.json()['endpoint_id']}"
        await deliver(runtime, given_related(person, "CARE-CO"))
        await deliver(runtime, given_task_delegated(person, uuid.uuid4()))
        pending = await client.get(f"{path}/deliveries", headers=CARE_CO)
        removed = await client.delete(path, headers=CARE_CO)
        after = await client.get(f"{path}/deliveries", headers=CARE_CO)
        listed = await client.get("/webhooks", headers=CARE_CO)
        async with runtime.sessions() as session:
            states = (await session.scalars(select(WebhookDelivery.state))).all()

    assert [d["state"] for d in pending.json()["items"]] == ["pending"]
    assert removed.status_code == 204
    assert after.status_code == 404
    assert listed.json()["items"] == []
    assert states == ["cancelled"]
