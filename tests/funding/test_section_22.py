"""R11: when a health-to-social delegation fails the Care Act s.22 test, the council is never
charged for it: the NHS pays (or a joint package without a council share). Routes that would
charge the council are refused naming R11; event reactions charge the NHS and say why."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import select

from services.funding.domain import apportionment, packages
from services.funding.main import SPEC as FUNDING
from services.funding.models import PackageTerms
from shared.audit import audit_log
from shared.clock import MovableClock
from shared.errors import RuleViolation
from shared.events.delegation import ReviewCompleted, ReviewOutcome
from shared.events.funding import FundingApportioned, Share
from shared.events.vocabulary import TaskCategory
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.funding.conftest import (
    CITY,
    ICB,
    commissioner,
    given_dispute_resolved,
    given_package_body,
    given_rate,
    given_related,
    given_task_delegated,
)

LPT = "LEICESTERSHIRE-PARTNERSHIP-NHS-TRUST"


def test_r11_a_task_failing_s22_named_to_the_council_is_funded_by_the_nhs() -> None:
    funder = apportionment.funder_of(
        TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        CITY,
        CITY,
        funding_gap=False,
        undecided=frozenset({"UNDECIDED"}),
        health_commissioner=ICB,
        section_22_met=False,
    )
    assert (funder.organisation, funder.without_prejudice) == (ICB, False)
    assert funder.reason is not None
    assert funder.reason.startswith("R11")


def test_r11_the_council_is_charged_as_before_when_the_test_is_met_or_does_not_apply() -> None:
    for met in (True, None):
        funder = apportionment.funder_of(
            TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
            CITY,
            CITY,
            funding_gap=False,
            undecided=frozenset(),
            health_commissioner=ICB,
            section_22_met=met,
        )
        assert funder == apportionment.Funder(CITY, without_prejudice=False)


def test_r11_a_joint_package_share_for_the_council_is_refused_and_an_outcome_gives_it_the_nhs() -> (
    None
):
    shares = [packages.ShareTerm(ICB, 60), packages.ShareTerm(CITY, 40)]
    with pytest.raises(RuleViolation) as refused:
        packages.check_no_council_share(shares, False, CITY)
    assert refused.value.rule == "R11"
    moved, changed = packages.council_share_to_nhs(shares, False, CITY, ICB)
    assert (moved, changed) == ([packages.ShareTerm(ICB, 100)], True)
    assert packages.council_share_to_nhs(shares, True, CITY, ICB) == (shares, False)


async def test_r11_the_event_naming_the_council_charges_the_nhs_and_records_why(
    service_client: ServiceClient,
) -> None:
    delegated = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation=CITY, section_22_met=False
    )
    review = ReviewCompleted(
        person_id=delegated.person_id,
        delegation_id=delegated.delegation_id,
        review_id=uuid4(),
        outcome=ReviewOutcome.CHANGE_MINUTES,
        additional_minutes_per_week=120,
        effective_date=date(2026, 1, 12),
    )
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, delegated, review)
        await given_related(runtime, delegated.person_id, ICB)
        events = await published(runtime, FundingApportioned)
        funding = await client.get(
            f"/delegations/{delegated.delegation_id}/funding", headers=commissioner()
        )
        async with runtime.sessions() as session:
            reasons = (
                await session.scalars(
                    select(audit_log.c.reason).where(audit_log.c.action == "apportionment.record")
                )
            ).all()
    assert [
        (e.accountable_organisation, e.weekly_cost_pence)
        for e in events
        if isinstance(e, FundingApportioned)
    ] == [(ICB, 2400), (ICB, 4800)]  # the review re-apportions to the NHS too
    body = funding.json()
    assert (body["payer"], body["section_22_met"]) == (ICB, False)
    assert body["payer_reason"].startswith("R11")
    assert [r for r in reasons if r and r.startswith("R11")]


async def test_r11_a_funding_decision_charging_the_council_is_refused(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    delegated = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED", section_22_met=False
    )
    clock.move(timedelta(days=30))
    url = f"/delegations/{delegated.delegation_id}/funding-decision"
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, delegated)
        await given_related(runtime, delegated.person_id, ICB, CITY)
        council = await client.post(
            url,
            json={"accountable_organisation": CITY, "decided_on": "2026-01-19"},
            headers=commissioner(CITY),
        )
        nhs = await client.post(
            url,
            json={"accountable_organisation": ICB, "decided_on": "2026-01-19"},
            headers=commissioner(ICB),
        )
    assert council.status_code == 422
    assert council.json()["rule"] == "R11"
    assert council.json()["errors"][0]["field"] == "accountable_organisation"
    assert nhs.status_code == 200, nhs.text


async def test_r11_a_joint_package_for_the_task_gives_the_council_no_share(
    service_client: ServiceClient,
) -> None:
    delegated = given_task_delegated(additional_minutes_per_week=60, section_22_met=False)
    # R21: the council is a party to the joint package; R11: it has no share of this task.
    nhs_only = [
        {"organisation": ICB, "percent": 70},
        {"organisation": LPT, "percent": 30},
        {"organisation": CITY, "percent": 0},
    ]
    with_council = [{"organisation": ICB, "percent": 60}, {"organisation": CITY, "percent": 40}]
    ids = {"person_id": str(delegated.person_id), "delegation_id": str(delegated.delegation_id)}
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, delegated)
        refused = await client.post(
            "/joint-packages",
            json=given_package_body(shares=with_council, **ids),
            headers=commissioner(),
        )
        agreed = await client.post(
            "/joint-packages",
            json=given_package_body(shares=nhs_only, **ids),
            headers=commissioner(),
        )
        changed = await client.post(
            f"/joint-packages/{agreed.json()['id']}/terms",
            json={
                "weekly_cost_pence": 70_000,
                "shares": with_council,
                "effective_from": "2026-02-02",
            },
            headers=commissioner(),
        )
        unknown = await client.post(
            "/joint-packages",
            json=given_package_body(delegation_id=str(uuid4())),
            headers=commissioner(),
        )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "R11"
    assert agreed.status_code == 201, agreed.text
    assert agreed.json()["delegation_id"] == str(delegated.delegation_id)
    assert changed.status_code == 422
    assert changed.json()["rule"] == "R11"
    assert unknown.status_code == 422


async def test_r11_a_dispute_outcome_giving_the_council_a_share_charges_the_nhs_instead(
    service_client: ServiceClient,
) -> None:
    delegated = given_task_delegated(additional_minutes_per_week=60, section_22_met=False)
    shares = [
        {"organisation": ICB, "percent": 70},
        {"organisation": LPT, "percent": 30},
        {"organisation": CITY, "percent": 0},
    ]
    body = given_package_body(
        shares=shares,
        person_id=str(delegated.person_id),
        delegation_id=str(delegated.delegation_id),
    )
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, delegated)
        package: dict[str, Any] = (
            await client.post("/joint-packages", json=body, headers=commissioner())
        ).json()
        outcome = [
            Share(organisation=ICB, percent=40),
            Share(organisation=LPT, percent=30),
            Share(organisation=CITY, percent=30),
        ]
        resolved = given_dispute_resolved(
            package, uuid4(), outcome, date(2026, 1, 5), date(2026, 1, 19)
        )
        await deliver(runtime, resolved)
        async with runtime.sessions() as session:
            terms = (
                await session.scalars(select(PackageTerms).order_by(PackageTerms.effective_from))
            ).all()
            why = await session.scalar(
                select(audit_log.c.reason).where(audit_log.c.action == "dispute.outcome_recharged")
            )
    organisations = {s["organisation"]: s["percent"] for s in terms[-1].shares["shares"]}
    assert organisations == {ICB: 70, LPT: 30}
    assert why is not None
    assert why.startswith("R11")
