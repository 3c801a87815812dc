"""The LLR data set generator (bench.dataset): its rows hold together as the services' own
would, and once written each organisation's lists show it its share."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from bench.dataset import CHS, GP_PRACTICE, PROVIDERS, Rows, Size, build, nhs_number, write
from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.clock import MovableClock
from tests.conftest import ServiceClient, bearer

TODAY = date(2026, 3, 2)
SMALL = Size().scaled(0.01)


def table(rows: Mapping[str, Rows], service: str, name: str) -> list[dict[str, Any]]:
    return rows[service].dicts(name)


def test_a_hundredth_has_a_hundredth_of_everyone() -> None:
    assert (SMALL.people, SMALL.delegations) == (1000, 300)
    rows, dataset = build(SMALL, TODAY)
    assert len(table(rows, "assessment", "people")) == 1000
    live = [d for d in table(rows, "delegation", "delegations") if d["status"] == "live"]
    assert len(live) == 300
    assert dataset.rows["delegation.handbacks"] == SMALL.handed_back


def test_the_same_size_and_seed_make_the_same_data_set() -> None:
    first, _ = build(SMALL, TODAY)
    again, _ = build(SMALL, TODAY)
    assert table(first, "delegation", "delegations") == table(again, "delegation", "delegations")


def test_nhs_numbers_carry_their_modulus_11_check_digit() -> None:
    rows, _ = build(SMALL, TODAY)
    numbers = [str(p["nhs_number"]) for p in table(rows, "assessment", "people")]
    assert len(set(numbers)) == len(numbers)
    for n in numbers:
        total = sum(int(d) * (10 - i) for i, d in enumerate(n[:9]))
        assert (11 - total % 11) % 11 == int(n[9])
    assert nhs_number(1) is not None or nhs_number(2) is not None


def test_r16_every_named_worker_is_competent_in_date_for_their_task() -> None:
    rows, dataset = build(SMALL, TODAY)
    competent = {
        (c["worker_id"], c["task_code"])
        for c in table(rows, "delegation", "competences")
        if c["competent"] and c["valid_until"] > TODAY
    }
    for d in table(rows, "delegation", "delegations"):
        workers = json.loads(str(d["worker_ids"]))
        assert len(workers) == 2
        provider_workers = {str(w) for w in dataset.workers[str(d["provider_organisation"])]}
        for w in workers:
            assert w in provider_workers
            assert any(str(c[0]) == w and c[1] == d["task_code"] for c in competent)


def test_a_month_of_applications_twice_a_day_about_one_in_a_hundred_missed() -> None:
    rows, _ = build(SMALL, TODAY)
    records = table(rows, "delegation", "delivery_records")
    days = {r["due_on"] for r in records}
    assert min(days) >= TODAY - timedelta(days=30)
    assert max(days) < TODAY
    live = {
        d["id"]: d["start_date"]
        for d in table(rows, "delegation", "delegations")
        if d["status"] == "live"
    }
    scheduled = sum(2 * min(30, (TODAY - start).days) for start in live.values())
    missed = scheduled - len(records)
    assert 0.002 * scheduled < missed < 0.03 * scheduled
    assert {r["delegation_id"] for r in records} <= set(live)


def test_every_delegated_person_is_visible_to_provider_oversight_owner_and_council() -> None:
    rows, _ = build(SMALL, TODAY)
    related = {
        (r["person_id"], r["organisation"]) for r in table(rows, "delegation", "relationships")
    }
    for d in table(rows, "delegation", "delegations"):
        person = d["person_id"]
        assert (person, d["provider_organisation"]) in related
        assert (person, d["oversight_owner"]) in related
        assert (person, d["local_authority"]) in related
    owners = Counter(d["oversight_owner"] for d in table(rows, "delegation", "delegations"))
    assert set(owners) == {CHS, GP_PRACTICE}
    providers = Counter(
        d["provider_organisation"] for d in table(rows, "delegation", "delegations")
    )
    assert set(providers) == {p for p, _ in PROVIDERS}


async def test_written_the_lists_show_each_organisation_its_share(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    rows, _ = build(SMALL, clock.now().date())
    async with service_client(DELEGATION) as (client, runtime):
        await write({"delegation": runtime.settings.database_url}, rows)
        handbacks = await client.get(
            f"/handbacks?oversight_owner={CHS}&limit=50",
            headers=bearer(Role.REGISTERED_PRACTITIONER, CHS),
        )
        proposals = await client.get(
            "/proposals?state=submitted&limit=50", headers=bearer(Role.MDT_MEMBER, CHS)
        )
        missed = await client.get(
            "/missed-applications?limit=50",
            headers=bearer(Role.PROVIDER_MANAGER, "CAREWELL-HOMECARE"),
        )
    assert handbacks.status_code == 200, handbacks.text
    assert handbacks.json()["items"]
    assert all(h["oversight_owner"] == CHS for h in handbacks.json()["items"])
    assert proposals.status_code == 200, proposals.text
    assert proposals.json()["items"]
    assert missed.status_code == 200, missed.text
    assert missed.json()["items"]
