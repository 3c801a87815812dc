"""Issue 16, done when: the case study runs for four simulated weeks, in both runtime modes.

Carers apply the steroid cream twice a day and record each application; the District Nurse
checks every ten days. Over four weeks two carers at a time record 56 applications; one carer
leaves the provider (training's departure, WorkerLeft) and is replaced by a newly trained one
without the delegation stopping; one dose is missed and shows on the provider's list of missed
applications; the District Nurse records three visits and one overdue visit is listed; an
expiring competence shows 60 days ahead.

The journey moves the platform's clock a day at a time (every other journey works its dates out
from the platform's today, so a run after this one still holds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from tests.journeys.platform import Platform, problem
from tests.journeys.test_journeys import Live, Steps

Json = dict[str, Any]
WEEKS = 4
DAYS = 7 * WEEKS
EVERY_TEN_DAYS = 10
MISSED = (13, 2)  # day 13's evening application: nobody came
LEAVES_ON = 10  # the first carer's last day with the provider is day 9
EXPIRES_AFTER = 80  # the second carer's competence: its 60-day warning falls on day 20
MORNING, EVENING = time(8, 30), time(18, 0)


def items(body: Any) -> list[Json]:
    """A list read either way: a page (`items`) or, before the pages came, a bare array."""
    found: list[Json] = body["items"] if isinstance(body, dict) else body
    return found


@dataclass
class Month:
    """A month of the case study: the live delegation, its carers and what was recorded."""

    steps: Steps
    live: Live
    recorded: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def p(self) -> Platform:
        return self.steps.p

    @property
    def delegation_id(self) -> str:
        return self.live.delegation_id

    def day(self, index: int) -> date:
        return self.live.start_date + timedelta(days=index)

    def at(self, index: int, slot: int) -> str:
        """When the application was given: its usual time, or just now if that is still ahead."""
        usual = datetime.combine(self.day(index), MORNING if slot == 1 else EVENING, UTC)
        latest = self.p.clock.now() - timedelta(minutes=3 - slot)
        return min(usual, latest).isoformat()

    async def apply(self, index: int, slot: int, worker: str) -> httpx.Response:
        entry = {
            "delegation_id": self.delegation_id,
            "due_on": self.day(index).isoformat(),
            "slot": slot,
            "outcome": "given",
            "worker_id": worker,
            "administered_at": self.at(index, slot),
            "observations": "thin layer to the lower leg; skin intact",
        }
        return await self.steps.delegation.post(
            "/delivery-records", json={"entries": [entry]}, headers=self.steps.manager
        )

    async def applied(self, index: int, slot: int, worker: str) -> None:
        response = await self.apply(index, slot, worker)
        assert response.status_code == 201, response.text
        self.recorded.append((index, slot, worker))

    async def delegation(self) -> Json:
        return await self.steps.get_delegation(self.delegation_id)

    async def where(self, ok: Any) -> Json:
        return await self.steps.delegation_where(self.delegation_id, ok)

    def next_day(self) -> None:
        self.p.move_clock(timedelta(days=1))

    async def visit(self, *workers: str) -> Json:
        """The District Nurse's oversight visit today (R17): findings, spot checks, actions."""
        response = await self.steps.delegation.post(
            f"/delegations/{self.delegation_id}/oversight-visits",
            json={
                "visited_on": self.p.today().isoformat(),
                "findings": ["records_complete", "technique_correct", "condition_improved"],
                "spot_checks": [{"worker_id": w, "outcome": "competent"} for w in workers],
                "actions": ["continue_as_planned"],
            },
            headers=self.steps.practitioner,
        )
        assert response.status_code == 201, response.text
        body: Json = response.json()
        return body

    async def overdue_visits(self) -> list[Json]:
        response = await self.steps.delegation.get(
            "/oversight-visits/due", params={"overdue": "true"}, headers=self.steps.practitioner
        )
        assert response.status_code == 200, response.text
        return [v for v in items(response.json()) if v["delegation_id"] == self.delegation_id]


def standings(delegation: Json) -> dict[str, str]:
    return {w["worker_id"]: w["standing"] for w in delegation["workers"]}


async def a_new_carer_named_and_trained(month: Month) -> str:
    """The provider registers a carer, names her on the live delegation (once delegation knows
    she is its worker), and the District Nurse trains and assesses her; the training plan in
    force covers her (R24): only then may she carry out the task (R16)."""
    steps = month.steps
    [carer] = await steps.workers(1)

    async def name() -> httpx.Response:
        return await steps.delegation.post(
            f"/delegations/{month.delegation_id}/workers",
            json={"worker_id": carer},
            headers=steps.manager,
        )

    named = await month.p.until(name, lambda r: r.status_code == 200, seconds=15)
    assert named.json()["status"] == "live"  # the others carry on meanwhile
    assert standings(named.json())[carer] == "not_assessed"
    refused = await month.apply(LEAVES_ON - 1, 1, carer)  # not yet trained: refused (R16)
    assert refused.status_code == 422, refused.text
    assert problem(refused)["rule"] == "R16"

    plan = await steps.training_plan(month.delegation_id)
    await month.p.until(
        lambda: steps.training.get(f"/training-plans/{plan['id']}", headers=steps.manager),
        lambda r: carer in r.json()["worker_ids"],
    )
    await steps.train(carer, "topical-cream")
    await steps.assess(carer, "topical-cream", month.p.today() + timedelta(days=365))
    await month.where(lambda d: standings(d).get(carer) == "in_date")
    return carer


async def a_carer_leaves(month: Month, carer: str) -> None:
    """The provider records her departure in training: WorkerLeft takes her off the delegation,
    which stays live with the carers who remain."""
    response = await month.steps.training.post(
        f"/workers/{carer}/departure",
        json={"left_on": month.p.today().isoformat()},
        headers=month.steps.manager,
    )
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    after = await month.where(lambda d: carer not in d["worker_ids"])
    assert after["status"] == "live"
    assert standings(after)[carer] == "left"


async def the_sixty_day_warning(month: Month, carer: str) -> Json:
    async def warnings() -> list[Json]:
        response = await month.steps.training.get(
            "/competence-warnings",
            params={"provider": month.live.provider},
            headers=month.steps.manager,
        )
        assert response.status_code == 200, response.text
        return [w for w in items(response.json()) if w["worker_id"] == carer]

    found = await month.p.until(warnings, lambda ws: any(w["days_before"] == 60 for w in ws))
    [sixty] = [w for w in found if w["days_before"] == 60]
    return sixty


async def test_journey_16_four_weeks_of_the_case_study_r16_r17_r24(platform: Platform) -> None:
    steps = await Steps.start(platform)
    risk = Steps.decision_body()["risk"] | {"oversight_interval_days": EVERY_TEN_DAYS}
    today = platform.today()
    live = await steps.live(
        valid_until=[today + timedelta(days=365), today + timedelta(days=EXPIRES_AFTER)],
        decision={"risk": risk},
    )
    month = Month(steps, live)
    assert live.delegation["oversight_interval_days"] == EVERY_TEN_DAYS
    first, second = live.workers
    morning, evening = first, second
    newcomer = ""
    visits: list[Json] = []
    overdue: list[Json] = []
    warning: Json = {}

    for index in range(DAYS + 1):
        if index:
            month.next_day()
        if index == LEAVES_ON - 1:
            newcomer = await a_new_carer_named_and_trained(month)
        if index == LEAVES_ON:
            await a_carer_leaves(month, first)
            refused = await month.apply(index, 1, first)
            assert refused.status_code == 422, refused.text
            assert problem(refused)["rule"] == "R16"
            morning = newcomer
        if index == 8:
            visits.append(await month.visit(first, second))
        if index == 19:  # the visit due on day 18 has not happened: it is listed overdue
            overdue = await month.overdue_visits()
            visits.append(await month.visit(newcomer, second))
        if index == 20:
            warning = await the_sixty_day_warning(month, second)
        if index == 27:
            visits.append(await month.visit(newcomer, second))
        for slot, worker in ((1, morning), (2, evening)):
            if (index, slot) != MISSED and not (index == DAYS and slot == 2):
                await month.applied(index, slot, worker)
        assert (await month.delegation())["status"] == "live", f"day {index}"

    # Two carers at a time recorded 56 applications; the leaver's stop on her last day.
    assert len(month.recorded) == 56
    by_worker = {w: sum(1 for r in month.recorded if r[2] == w) for w in (first, second, newcomer)}
    assert by_worker == {first: LEAVES_ON, second: DAYS - 1, newcomer: DAYS - LEAVES_ON + 1}
    records = await steps.delegation.get(
        f"/delegations/{live.delegation_id}/delivery-records",
        params={"limit": 100},
        headers=steps.manager,
    )
    assert records.status_code == 200, records.text
    assert len(items(records.json())) == 56

    # The replacement did not stop the delegation: no handback was ever opened.
    handbacks = await steps.delegation.get(
        "/handbacks", params={"delegation_id": live.delegation_id}, headers=steps.mdt
    )
    assert handbacks.status_code == 200, handbacks.text
    assert items(handbacks.json()) == []
    final = await month.delegation()
    assert sorted(final["worker_ids"]) == sorted([second, newcomer])

    # The missed dose is on the provider's list of missed applications.
    missed = await steps.delegation.get(
        "/missed-applications",
        params={
            "delegation_id": live.delegation_id,
            "from": month.day(0).isoformat(),
            "to": month.day(DAYS - 1).isoformat(),
        },
        headers=steps.manager,
    )
    assert missed.status_code == 200, missed.text
    assert [(m["due_on"], m["slot"]) for m in items(missed.json())] == [
        (month.day(MISSED[0]).isoformat(), MISSED[1])
    ]

    # The District Nurse recorded three visits; one was overdue on day 19 and listed so.
    assert [v["visited_on"] for v in visits] == [month.day(i).isoformat() for i in (8, 19, 27)]
    listed = await steps.delegation.get(
        f"/delegations/{live.delegation_id}/oversight-visits", headers=steps.practitioner
    )
    assert listed.status_code == 200, listed.text
    assert len(items(listed.json())) == 3
    [late] = overdue
    assert late["next_due"] == month.day(8 + EVERY_TEN_DAYS).isoformat()
    assert (late["overdue"], late["days_overdue"]) == (True, 1)
    assert await month.overdue_visits() == []  # visited since

    # The second carer's competence showed 60 days before it expires.
    expires = month.day(EXPIRES_AFTER)
    assert (warning["expires_on"], warning["days_before"]) == (expires.isoformat(), 60)
    assert date.fromisoformat(warning["warned_on"]) == expires - timedelta(days=60)

    # The provider manager's worklist carries both: the missed dose and the expiring competence
    # (delegation heard training's CompetenceExpiryWarned).
    async def work() -> list[Json]:
        response = await steps.delegation.get(
            "/worklist", params={"person_id": live.person_id}, headers=steps.manager
        )
        assert response.status_code == 200, response.text
        return items(response.json())

    kinds = {"missed_application", "competence_expiring"}
    found = await platform.until(work, lambda ws: kinds <= {w["kind"] for w in ws})
    assert [w["due_on"] for w in found if w["kind"] == "missed_application"] == [
        month.day(MISSED[0]).isoformat()
    ]
    assert [w["due_on"] for w in found if w["kind"] == "competence_expiring"] == [
        expires.isoformat()
    ]
    assert [w["due_on"] for w in found] == sorted(w["due_on"] for w in found)  # soonest first
