"""R22: a dispute on a joint-funded case goes to the CSU; care and funding continue meanwhile;
the outcome is applied and settled back to the date it names."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from httpx import AsyncClient
from hypothesis import given
from hypothesis import strategies as st

from services.funding.domain import disputes, money, packages
from services.funding.main import SPEC as FUNDING
from services.funding.models import JointPackage, PackageTerms
from shared.auth import Role
from shared.clock import MovableClock
from shared.errors import RuleViolation
from shared.events.funding import DisputeRaised, DisputeSettled, Settlement, Share
from shared.events.vocabulary import RelationshipBasis
from shared.testing.events import deliver, message_for, published
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    ICB,
    finance,
    given_dispute_resolved,
    given_package,
    given_related,
    statement,
)

Share_ = packages.ShareTerm
HALVES = [Share(organisation=ICB, percent=50), Share(organisation=CITY, percent=50)]


def test_r22_only_a_party_to_the_joint_funded_case_may_dispute_it() -> None:
    with pytest.raises(RuleViolation) as refused:
        disputes.check_dispute([CITY, ICB], "RUTLAND-COUNTY-COUNCIL", None)
    assert refused.value.rule == "R22"


def test_r22_the_outcome_settles_the_days_already_paid_back_to_its_date() -> None:
    package, person = uuid4(), uuid4()
    terms = packages.Terms(
        uuid4(),
        package,
        person,
        date(2026, 1, 5),
        70_000,
        (Share_(ICB, percent=60), Share_(CITY, percent=40)),
    )
    outcome = disputes.settle_outcome(
        [terms],
        [Share_(ICB, percent=50), Share_(CITY, percent=50)],
        date(2026, 1, 5),
        date(2026, 1, 19),
    )
    assert outcome.applies_from == date(2026, 1, 19)
    assert outcome.paid == {ICB: 84_000, CITY: 56_000}
    assert outcome.owed == {ICB: 70_000, CITY: 70_000}
    assert outcome.settlements == [money.Owed(CITY, ICB, 14_000)]


def test_r22_an_outcome_from_a_future_date_settles_nothing() -> None:
    terms = packages.Terms(
        uuid4(),
        uuid4(),
        uuid4(),
        date(2026, 1, 5),
        70_000,
        (Share_(ICB, percent=60), Share_(CITY, percent=40)),
    )
    outcome = disputes.settle_outcome(
        [terms],
        [Share_(ICB, percent=50), Share_(CITY, percent=50)],
        date(2026, 3, 1),
        date(2026, 1, 19),
    )
    assert outcome.settlements == []
    assert outcome.applies_from == date(2026, 3, 1)


async def raise_dispute(client: AsyncClient, package: dict[str, Any], by: str = CITY) -> Any:
    return await client.post(
        f"/joint-packages/{package['id']}/disputes",
        json={"reason_code": "health_need", "note": "the split does not reflect the health need"},
        headers=finance(by),
    )


async def test_r22_a_party_raises_a_dispute_and_the_package_keeps_paying(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client)
        clock.move(timedelta(days=7))
        raised = await raise_dispute(client, package)
        again = await raise_dispute(client, package, by=ICB)
        [event] = await published(runtime, DisputeRaised)
        clock.move(timedelta(days=14))
        icb = await statement(client, ICB, "2026-01-05", "2026-01-25")
        city = await statement(client, CITY, "2026-01-05", "2026-01-25")
    assert raised.status_code == 201
    assert again.status_code == 409
    assert isinstance(event, DisputeRaised)
    assert (event.raised_by, event.parties, event.raised_on) == (
        CITY,
        [CITY, ICB],
        date(2026, 1, 12),
    )
    assert event.package_id == UUID(package["id"])
    assert (icb["pays_pence"], city["pays_pence"]) == (42_000 * 3, 28_000 * 3)


async def test_r22_the_resolution_is_applied_and_settled_back_to_the_date_it_names(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client)
        raised = await raise_dispute(client, package)
        dispute_id = UUID(raised.json()["id"])
        resolved = given_dispute_resolved(
            package, dispute_id, HALVES, date(2026, 1, 5), date(2026, 1, 19)
        )
        message = message_for(resolved)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered: no second effect
        [settled] = await published(runtime, DisputeSettled)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-25")
        city = await statement(client, CITY, "2026-01-05", "2026-01-25")
        await given_related(runtime, package["person_id"], ICB)
        read = await client.get(f"/disputes/{dispute_id}", headers=finance(ICB))
    assert isinstance(settled, DisputeSettled)
    assert settled.settlements == [Settlement(payer=CITY, payee=ICB, amount_pence=14_000)]
    assert settled.effective_from == date(2026, 1, 5)
    assert icb["pays_pence"] == 42_000 * 2 + 35_000
    assert icb["recharges_pence"] == {CITY: 14_000}
    assert city["recharged_by_pence"] == {ICB: 14_000}
    [recharge] = icb["recharges"]

    def city_total(lines: list[dict[str, Any]]) -> int:
        return sum(ln["amount_pence"] for ln in lines if ln["organisation"] == CITY)

    assert city_total(recharge["owed_lines"]) - city_total(recharge["paid_lines"]) == 14_000
    assert icb["net_pence"] == city["net_pence"] == 35_000 * 3
    assert read.json()["status"] == "settled"
    assert read.json()["outcome"] == [s.model_dump() for s in HALVES]


async def test_r22_a_resolution_for_an_unknown_package_is_parked_and_replays_later(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    package_id, person_id = uuid4(), uuid4()
    ghost = {"id": str(package_id), "person_id": str(person_id)}
    resolved = given_dispute_resolved(ghost, uuid4(), HALVES, date(2026, 1, 5), date(2026, 1, 19))
    async with service_client(FUNDING, consumer_attempts=1, consumer_backoff_seconds=0) as (
        _,
        runtime,
    ):
        await deliver(runtime, resolved)
        [parked] = await runtime.inbox.parked()
        async with runtime.sessions() as session:
            session.add(
                JointPackage(
                    id=package_id,
                    person_id=person_id,
                    setting="own_home",
                    idempotency_key=None,
                    created_by=ICB,
                    created_at=clock.now(),
                )
            )
            await session.flush()
            session.add(
                PackageTerms(
                    id=uuid4(),
                    package_id=package_id,
                    effective_from=date(2026, 1, 5),
                    weekly_cost_pence=70_000,
                    shares={
                        "shares": [
                            {"organisation": ICB, "percent": 60},
                            {"organisation": CITY, "percent": 40},
                        ]
                    },
                    cause="agreed",
                    recorded_at=clock.now(),
                )
            )
            await session.commit()
        replayed = await runtime.inbox.replay(parked["id"])
        [settled] = await published(runtime, DisputeSettled)
    assert "unknown package" in parked["error"]
    assert replayed is True
    assert isinstance(settled, DisputeSettled)
    assert settled.settlements == [Settlement(payer=CITY, payee=ICB, amount_pence=14_000)]


async def test_r22_csu_officers_read_disputes_and_strangers_see_none(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client)
        await given_related(
            runtime, package["person_id"], "MLCSU", basis=RelationshipBasis.CSU_CASE
        )
        await given_related(runtime, package["person_id"], "RUTLAND-COUNTY-COUNCIL")
        raised = await raise_dispute(client, package)
        outsider = await raise_dispute(client, package, by="RUTLAND-COUNTY-COUNCIL")
        csu = await client.get("/disputes", headers=bearer(Role.CSU_OFFICER, "MLCSU"))
        one = await client.get(
            f"/disputes/{raised.json()['id']}", headers=bearer(Role.CSU_OFFICER, "MLCSU")
        )
        stranger = await client.get("/disputes", headers=finance("RUTLAND-COUNTY-COUNCIL"))
        hidden = await client.get(
            f"/disputes/{raised.json()['id']}", headers=finance("RUTLAND-COUNTY-COUNCIL")
        )
        provider = await client.get("/disputes", headers=bearer(Role.PROVIDER_MANAGER, CITY))
        csu_raises = await client.post(
            f"/joint-packages/{package['id']}/disputes",
            json={"reason_code": "shares"},
            headers=bearer(Role.CSU_OFFICER, "MLCSU"),
        )
        empty = await client.post(
            f"/joint-packages/{package['id']}/disputes",
            json={"reason_code": "shares", "note": ""},
            headers=finance(ICB),
        )
        uncoded = await client.post(
            f"/joint-packages/{package['id']}/disputes",
            json={"reason_code": "because I say so"},
            headers=finance(ICB),
        )
    assert outsider.status_code == 404
    assert [d["id"] for d in csu.json()["items"]] == [raised.json()["id"]]
    assert one.status_code == 200
    assert stranger.json()["items"] == []
    assert hidden.status_code == 404
    assert provider.status_code == 403
    assert csu_raises.status_code == 403
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "note"
    assert uncoded.status_code == 422
    assert uncoded.json()["errors"][0]["field"] == "reason_code"


percent_pairs = st.integers(0, 100).map(lambda p: (p, 100 - p))


@given(
    st.lists(
        st.tuples(st.integers(1, 60), st.integers(0, 200_000), percent_pairs),
        min_size=1,
        max_size=4,
    ),
    percent_pairs,
    st.integers(0, 120),
    st.integers(0, 120),
)
def test_r22_settling_an_outcome_leaves_each_party_having_paid_its_outcome_share(
    steps: list[tuple[int, int, tuple[int, int]]],
    outcome: tuple[int, int],
    effective_offset: int,
    resolved_offset: int,
) -> None:
    package, person, day = uuid4(), uuid4(), date(2026, 1, 5)
    terms = []
    for gap, weekly, (icb, city) in steps:
        terms.append(
            packages.Terms(
                uuid4(),
                package,
                person,
                day,
                weekly,
                (Share_(ICB, percent=icb), Share_(CITY, percent=city)),
            )
        )
        day += timedelta(days=gap)
    effective_from = date(2026, 1, 5) + timedelta(days=effective_offset)
    shares = [Share_(ICB, percent=outcome[0]), Share_(CITY, percent=outcome[1])]
    result = disputes.settle_outcome(
        terms, shares, effective_from, effective_from + timedelta(days=resolved_offset)
    )
    after = dict(result.paid)
    for owed in result.settlements:
        after[owed.payer] += owed.amount_pence
        after[owed.payee] -= owed.amount_pence
    assert {o: after.get(o, 0) for o in result.owed} == result.owed
    assert sum(result.paid.values()) == sum(result.owed.values())


def test_r22_an_outcome_never_starts_a_package_before_it_began() -> None:
    terms = packages.Terms(
        uuid4(),
        uuid4(),
        uuid4(),
        date(2026, 1, 5),
        70_000,
        (Share_(ICB, percent=60), Share_(CITY, percent=40)),
    )
    outcome = disputes.settle_outcome(
        [terms],
        [Share_(ICB, percent=50), Share_(CITY, percent=50)],
        date(2025, 12, 1),
        date(2025, 12, 15),
    )
    assert outcome.applies_from == date(2026, 1, 5)
    assert outcome.settlements == []
