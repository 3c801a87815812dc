"""The journeys of issues 9 and 13, end to end through the HTTP APIs, in both runtime modes.

Each journey makes its own people, providers and workers, so journeys sharing a platform never
see each other's records. The two journeys that move the clock (7 and 9) come last in this file:
pytest runs a mode's journeys in file order, so no other journey runs after time has moved (and
every journey reads "today" from the platform's clock and works its dates out from it, so a run
in another order still holds).
"""

from __future__ import annotations

import asyncio
import calendar
import itertools
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx

from services.assessment.domain.people import check_digit
from shared.auth import Role
from tests.journeys.platform import Platform, problem

Json = dict[str, Any]

ICB = "LLR-ICB"
CHS = "LPT"  # Community Health Services
CITY = "LEICESTER-CITY-COUNCIL"
CSU_ORG = "MLCSU"
# R13: the District Nurse delegating, on the NMC register, competent in the task by her practice.
PRACTITIONER: Json = {
    "professional_body": "NMC",
    "registration_number": "12A3456E",
    "competent_in_task": True,
    "competence_basis": "core_professional_practice",
}


# ----------------------------------------------------------------------------------------------
# Figures worked out here, independently of the services' code


# R11: the s.22 test fails (not merely incidental to the council's care), so the NHS funds the task
# and the ICB is accountable for its extra minutes (R19).
NHS_FUNDED: Json = {
    "section_22": {
        "merely_incidental_or_ancillary": False,
        "of_a_nature_a_local_authority_could_provide": True,
    },
    "section_22_funding": "nhs_funded",
}


def member(discipline: str, organisation: str, **extra: Any) -> Json:
    """R9: an MDT member present at the meeting, named by a staff id."""
    staff_id = f"{discipline}-{organisation}".lower()
    return (
        {"staff_id": staff_id, "discipline": discipline, "organisation": organisation}
        | {"present": True}
        | extra
    )


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the last day of a shorter month."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def weekly_pence(minutes_per_week: int, hourly_rate_pence: int) -> int:
    """Minutes a week at an hourly rate, half up to the penny."""
    exact = Decimal(minutes_per_week) * Decimal(hourly_rate_pence) / Decimal(60)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def accrued(weekly: int, days: int) -> int:
    """What `days` days of a weekly cost come to, whole pence, the remainder carried."""
    return int(Decimal(weekly) * days / 7 // 1)


def first_share(amount: int, percent: int) -> int:
    """The first-listed party's share: the whole pence of its exact share."""
    return amount * percent // 100


def nhs_number() -> str:
    """A random NHS number that passes the Modulus 11 check."""
    while True:
        first_nine = str(random.randint(100_000_000, 999_999_999))
        digit = check_digit(first_nine)
        if digit is not None:
            return first_nine + str(digit)


def suffix() -> str:
    return uuid.uuid4().hex[:8].upper()


# ----------------------------------------------------------------------------------------------
# Steps through the APIs


@dataclass
class Live:
    person_id: str
    delegation_id: str
    provider: str
    gp_practice: str
    workers: list[str]
    consent_id: str
    start_date: date
    delegation: Json = field(default_factory=dict)


SERVICES = ("assessment", "delegation", "training", "funding", "governance")


class Steps:
    """A journey's steps; each journey gets its own provider and GP practice codes, registered
    in the partner register (R2) by the IPCB before anything else happens."""

    @classmethod
    async def start(cls, platform: Platform) -> Steps:
        steps = cls(platform)
        await steps.register(steps.provider, "care_provider")
        await steps.register(steps.gp_practice, "gp_practice")
        return steps

    async def register(self, ods_code: str, kind: str) -> None:
        """The IPCB registers the organisation; every service knows it once the event arrives."""
        registered = await self.governance.put(
            f"/organisations/{ods_code}",
            json={"name": f"Journey {kind} {ods_code}", "kind": kind, "ipcb_member": False},
            headers=self.p.auth(Role.IPCB_MEMBER, ICB),
        )
        assert registered.status_code == 201, registered.text
        caller = self.p.auth(Role.PROVIDER_MANAGER, ods_code)
        for service in SERVICES:
            client = self.p.client(service)

            async def known(client: httpx.AsyncClient = client) -> httpx.Response:
                return await client.get("/me", headers=caller)

            await self.p.until(known, lambda response: response.status_code == 200)

    def __init__(self, platform: Platform) -> None:
        self.p = platform
        self.provider = f"PROVIDER-{suffix()}"
        self.gp_practice = f"C{suffix()}"
        self.practitioner = platform.auth(Role.REGISTERED_PRACTITIONER, CHS)
        self.mdt = platform.auth(Role.MDT_MEMBER, ICB)
        self.manager = platform.auth(Role.PROVIDER_MANAGER, self.provider)
        self.commissioner = platform.auth(Role.COMMISSIONER, ICB)
        self.finance = platform.auth(Role.FINANCE_OFFICER, ICB)
        self.csu = platform.auth(Role.CSU_OFFICER, CSU_ORG)

    @property
    def assessment(self) -> httpx.AsyncClient:
        return self.p.client("assessment")

    @property
    def delegation(self) -> httpx.AsyncClient:
        return self.p.client("delegation")

    @property
    def training(self) -> httpx.AsyncClient:
        return self.p.client("training")

    @property
    def funding(self) -> httpx.AsyncClient:
        return self.p.client("funding")

    @property
    def governance(self) -> httpx.AsyncClient:
        return self.p.client("governance")

    async def person(self, *, open_to_chs: bool = True) -> str:
        response = await self.assessment.post(
            "/people",
            json={
                "nhs_number": nhs_number(),
                "local_authority": CITY,
                "gp_practice": self.gp_practice,
                "setting": "own_home",
                "open_to_community_health_services": open_to_chs,
            },
            headers=self.practitioner,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def support_plan(self, person_id: str) -> Json:
        """The care the person already has: a carer twice a day, seven days a week."""
        response = await self.assessment.post(
            f"/people/{person_id}/support-plan/versions",
            json={
                "visits_per_day": 2,
                "minutes_per_visit": 30,
                "days_per_week": 7,
                "provider_organisation": self.provider,
                "reason": "going home from hospital: a carer twice a day",
            },
            headers=self.practitioner,
        )
        assert response.status_code == 201, response.text
        body: Json = response.json()
        return body

    async def propose(self, person_id: str, task_code: str = "topical-cream", **extra: Any) -> str:
        body: Json = {
            "person_id": person_id,
            "task_code": task_code,
            "direction": "health_to_social",
            "setting": "own_home",
            "practitioner": PRACTITIONER,
            "provider_organisation": self.provider,
            "frequency": "twice a day",
            "additional_minutes_per_week": 0,
            "contact_arrangements": "District Nurse visits every ten days; call the LPT hub",
        } | extra
        response = await self.post_proposal(body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def post_proposal(self, body: Json) -> httpx.Response:
        """POST /proposals as soon as delegation has heard of the District Nurse's trust's
        relationship with the person (404 until then); one key makes the retries one request."""
        headers = self.practitioner | {"Idempotency-Key": f"propose-{uuid.uuid4()}"}

        async def post() -> httpx.Response:
            return await self.delegation.post("/proposals", json=body, headers=headers)

        return await self.p.until(post, lambda r: r.status_code != 404, seconds=15)

    @staticmethod
    def decision_body(**overrides: Any) -> Json:
        body: Json = {
            "outcome": "approved",
            "members": [  # the ICB's continuing healthcare nurse records the decision (R9)
                member("registered_nurse", CHS),
                member("social_worker", CITY),
                member("registered_nurse", ICB),
            ],
            "person_involved": True,
            "family_or_carers_involved": True,
            "risk": {
                "stability": "stable",
                "complexity": "low",
                "expected_outcome": "the skin heals; the person stays at home",
                "mitigations": ["carers record each application", "nurse visits every ten days"],
            },
            "best_interests": True,
            "section_22": {
                "merely_incidental_or_ancillary": True,
                "of_a_nature_a_local_authority_could_provide": True,
            },
        }
        return body | overrides

    async def decide(self, proposal_id: str, **overrides: Any) -> httpx.Response:
        return await self.delegation.post(
            f"/proposals/{proposal_id}/decision",
            json=self.decision_body(**overrides),
            headers=self.mdt,
        )

    async def approve(self, proposal_id: str, **overrides: Any) -> str:
        response = await self.decide(proposal_id, **overrides)
        assert response.status_code == 201, response.text
        return str(response.json()["delegation_id"])

    async def read(self, client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Json:
        """A read as soon as it is allowed: a 404 while the caller's relationship with the person
        is still on its way (assessment publishes it after the event that makes it)."""

        async def fetch() -> httpx.Response:
            return await client.get(path, headers=headers)

        response = await self.p.until(fetch, lambda r: r.status_code != 404, seconds=15)
        assert response.status_code == 200, response.text
        body: Json = response.json()
        return body

    async def get_delegation(self, delegation_id: str) -> Json:
        return await self.read(self.delegation, f"/delegations/{delegation_id}", self.mdt)

    async def workers(self, count: int) -> list[str]:
        made = []
        for _ in range(count):
            response = await self.training.post(
                "/workers", json={"role": "senior care worker"}, headers=self.manager
            )
            assert response.status_code == 201, response.text
            made.append(str(response.json()["id"]))
        # The provider approves the community nurses who train and assess its workers.
        approved = await self.training.post(
            "/assessor-approvals", json={"organisation": CHS}, headers=self.manager
        )
        assert approved.status_code in (200, 201), approved.text
        return made

    async def accept(self, delegation_id: str, workers: list[str]) -> Json:
        response = await self.delegation.post(
            f"/delegations/{delegation_id}/acceptance",
            json={
                "worker_ids": workers,
                "training_confirmed": True,
                "supervision_confirmed": True,
                "insurance_and_indemnity_confirmed": True,
            },
            headers=self.manager,
        )
        assert response.status_code == 200, response.text
        body: Json = response.json()
        return body

    async def consent(self, person_id: str, delegation_id: str, task_code: str) -> str:
        response = await self.assessment.post(
            f"/people/{person_id}/consents",
            json={
                "task_code": task_code,
                "delegation_id": delegation_id,
                "given_by": "person",
                "given_on": self.p.today().isoformat(),
            },
            headers=self.practitioner,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def training_plan(self, delegation_id: str) -> Json:
        async def plans() -> list[Json]:
            response = await self.training.get(
                "/training-plans", params={"delegation_id": delegation_id}, headers=self.manager
            )
            assert response.status_code == 200, response.text
            return [p for p in response.json()["items"] if p["delegation_id"] == delegation_id]

        [plan] = await self.p.until(plans, lambda found: len(found) == 1)
        return plan

    async def agree_training_plan(self, delegation_id: str, **content: Any) -> Json:
        """R24: the provider agrees the plan, then the District Nurse accountable for the task
        (as soon as training has heard of her trust's relationship with the person)."""
        plan = await self.training_plan(delegation_id)
        response = await self.training.post(
            f"/training-plans/{plan['id']}/agreement",
            json=plan_content() | content,
            headers=self.manager,
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "agreed_by_provider"

        async def agree() -> httpx.Response:
            path = f"/training-plans/{plan['id']}/practitioner-agreement"
            return await self.training.post(path, headers=self.practitioner)

        agreed = await self.p.until(agree, lambda r: r.status_code not in (403, 404), seconds=15)
        assert agreed.status_code == 200, agreed.text
        body: Json = agreed.json()
        return body

    async def train(self, worker_id: str, task_code: str) -> None:
        for kind in ("knowledge", "skills"):
            response = await self.training.post(
                f"/workers/{worker_id}/training-records",
                json={
                    "task_code": task_code,
                    "kind": kind,
                    "completed_on": self.p.today().isoformat(),
                    "delivered_by": "District Nurse",
                },
                headers=self.manager,
            )
            assert response.status_code == 201, response.text

    async def assess(
        self, worker_id: str, task_code: str, valid_until: date, evidence: str = "observed"
    ) -> Json:
        response = await self.training.post(
            f"/workers/{worker_id}/assessments",
            json={
                "task_code": task_code,
                "standard": "Skills for Care delegated healthcare activities",
                "evidence": f"{evidence}: three applications on the ward",
                "outcome": "competent",
                "valid_until": valid_until.isoformat(),
            },
            headers=self.practitioner,
        )
        assert response.status_code == 201, response.text
        body: Json = response.json()
        return body

    async def delegation_where(
        self, delegation_id: str, ok: Callable[[Json], bool], seconds: float = 30
    ) -> Json:
        async def fetch() -> Json:
            return await self.get_delegation(delegation_id)

        found: Json = await self.p.until(fetch, ok, seconds)
        return found

    async def rate(self, hourly_rate_pence: int, by: str = ICB) -> None:
        """What commissioner `by` pays the journey's provider an hour (each payer sets its own)."""
        response = await self.funding.post(
            "/rates",
            json={
                "provider_organisation": self.provider,
                "hourly_rate_pence": hourly_rate_pence,
                "effective_from": (self.p.today() - timedelta(days=30)).isoformat(),
            },
            headers=self.p.auth(Role.COMMISSIONER, by),
        )
        assert response.status_code == 201, response.text

    async def funding_of(
        self, delegation_id: str, ok: Callable[[Json], bool], by: str = ICB
    ) -> Json:
        """The delegation's funding as the commissioner `by` sees it."""

        async def fetch() -> Json | None:
            response = await self.funding.get(
                f"/delegations/{delegation_id}/funding",
                headers=self.p.auth(Role.COMMISSIONER, by),
            )
            if response.status_code == 404:
                return None
            assert response.status_code == 200, response.text
            body: Json = response.json()
            return body

        found = await self.p.until(fetch, lambda f: f is not None and ok(f))
        assert found is not None
        return found

    async def statement(self, organisation: str, start: date, end: date) -> Json:
        """The statement for the days [start, end) (the API's period_end is included)."""
        last = end - timedelta(days=1)
        response = await self.funding.get(
            "/statements",
            params={"period_start": start.isoformat(), "period_end": last.isoformat()},
            headers=self.p.auth(Role.FINANCE_OFFICER, organisation),
        )
        assert response.status_code == 200, response.text
        body: Json = response.json()
        return body

    async def csu_case(self, dispute_id: str) -> Json:
        """The CSU's case for a funding dispute, once governance has opened it (R22)."""

        async def cases() -> list[Json]:
            response = await self.governance.get("/disputes", headers=self.csu)
            assert response.status_code == 200, response.text
            return [c for c in response.json()["items"] if c["dispute_id"] == dispute_id]

        [case] = await self.p.until(cases, lambda found: len(found) == 1)
        return case

    async def to_csu_review(self, case_id: str) -> None:
        """R22: the CSU takes the case through local resolution to its own review."""
        for stage in ("local_resolution", "csu_review"):
            moved = await self.governance.post(
                f"/disputes/{case_id}/stage",
                json={"stage": stage, "note": f"moved to {stage}"},
                headers=self.csu,
            )
            assert moved.status_code == 200, moved.text

    async def settled_dispute(self, dispute_id: str) -> Json:
        """The dispute as funding holds it once settled (404 until funding knows the CSU holds
        the case: the relationship comes by event)."""

        async def dispute() -> Json | None:
            response = await self.funding.get(f"/disputes/{dispute_id}", headers=self.csu)
            if response.status_code == 404:
                return None
            assert response.status_code == 200, response.text
            body: Json = response.json()
            return body

        found = await self.p.until(dispute, lambda d: d is not None and d["status"] == "settled")
        assert found is not None
        return found

    async def live(
        self,
        *,
        task_code: str = "topical-cream",
        minutes: int = 0,
        open_to_chs: bool = True,
        valid_until: list[date] | None = None,
        decision: Json | None = None,
        plan: Json | None = None,
    ) -> Live:
        """The case study through every gate; one worker per expiry date given."""
        expiries = valid_until or [self.p.today() + timedelta(days=365)]
        person_id = await self.person(open_to_chs=open_to_chs)
        proposal_id = await self.propose(person_id, task_code, additional_minutes_per_week=minutes)
        replan: Json = decision or {}
        if minutes:  # R19, A 5.9: extra minutes come with the new support plan the MDT agreed
            support = await self.support_plan(person_id)
            replan |= {"new_support_plan": {k: support[k] for k in ("plan_id", "version")}}
        delegation_id = await self.approve(proposal_id, **replan)
        workers = await self.workers(len(expiries))
        await self.accept(delegation_id, workers)
        consent_id = await self.consent(person_id, delegation_id, task_code)
        await self.agree_training_plan(delegation_id, **(plan or {}))
        for worker, expiry in zip(workers, expiries, strict=True):
            await self.train(worker, task_code)
            await self.assess(worker, task_code, expiry)
        live = await self.delegation_where(delegation_id, lambda d: d["status"] == "live")
        return Live(
            person_id,
            delegation_id,
            self.provider,
            self.gp_practice,
            workers,
            consent_id,
            date.fromisoformat(live["start_date"]),
            live,
        )


def plan_content() -> Json:
    """Every R24 and R25 item, for the case study's steroid cream."""
    return {
        "knowledge_and_skills_required": "Apply a prescribed steroid cream to the lower leg",
        "training_materials": ["LPT topical medicines leaflet", "demonstration video"],
        "knowledge_training": {
            "delivered_by": "LPT district nursing team",
            "assessed_by": "District Nurse",
            "standard": "LPT topical medicines standard",
        },
        "skills_training": {
            "delivered_by": "District Nurse",
            "competence_assessed_by": "District Nurse",
            "standard": "Skills for Care delegated healthcare activities",
        },
        "competence_recording": "LPT competence sign-off form, copy on the care record",
        "refresher_interval_months": 12,
        "reassessment_interval_months": 12,
        "ongoing_support": "District Nurse visits every ten days; phone line for advice",
        "clinical_review": "District Nurse reviews the skin every ten days",
        "risks_and_safe_delivery": "Thin skin: gloves, thin layer, record each application",
        "not_competent_process": "Further supervised practice and a reassessment within 14 days",
        "release_for_training": "Two hours per carer before discharge",
        "backfill_hourly_rate_pence": 1050,
    }


def gates(delegation: Json) -> dict[str, bool]:
    return {g["gate"]: g["green"] for g in delegation["waiting_for"]}


def lines_for(statement: Json, subject_id: str) -> list[Json]:
    return sorted(
        (ln for ln in statement["lines"] if ln["subject_id"] == subject_id),
        key=lambda ln: str(ln["line_from"]),
    )


# ----------------------------------------------------------------------------------------------
# The journeys


async def test_journey_1_case_study_r7_r9_r15_r16_r17_r19_r24(platform: Platform) -> None:
    """The Deck's case study: steroid cream, carers trained before discharge, consent, District
    Nurse oversight, incorporated in the support plan without alteration at zero extra cost."""
    steps = await Steps.start(platform)
    person_id = await steps.person(open_to_chs=True)
    plan_before = await steps.support_plan(person_id)

    proposal_id = await steps.propose(person_id)  # the ward MDT is asked: the carers may do it
    delegation_id = await steps.approve(proposal_id)
    waiting = await steps.get_delegation(delegation_id)
    assert waiting["status"] == "awaiting_acceptance"

    carers = await steps.workers(2)
    accepted = await steps.accept(delegation_id, carers)  # R15
    assert accepted["status"] == "awaiting_gates"
    assert gates(accepted)["provider_acceptance"] is True
    assert gates(accepted)["competence"] is False  # R16: not before they are assessed

    consent_id = await steps.consent(person_id, delegation_id, "topical-cream")  # R7
    agreed = await steps.agree_training_plan(delegation_id)  # R24
    assert agreed["status"] == "in_force"
    assert sorted(agreed["worker_ids"]) == sorted(carers)
    for carer in carers:  # trained and assessed before discharge (R16)
        await steps.train(carer, "topical-cream")
        await steps.assess(carer, "topical-cream", platform.today() + timedelta(days=365))

    live = await steps.delegation_where(delegation_id, lambda d: d["status"] == "live")
    start = date.fromisoformat(live["start_date"])
    assert start == platform.today()
    assert all(gates(live).values()), live["waiting_for"]
    assert sorted(live["worker_ids"]) == sorted(carers)
    assert (live["oversight_kind"], live["oversight_owner"]) == ("community_health_services", CHS)
    # R11, R19: the council may meet the cream as social care (s.22 met), so it is the council's.
    assert live["accountable_organisation"] == CITY
    assert live["nhs_duty_of_care_retained"] is True  # R18
    assert live["accountable_practitioner"]["professional_body"] == "NMC"
    assert live["framework_version"] >= 1  # R29

    for carer in carers:
        assessments = await steps.training.get(
            f"/workers/{carer}/assessments", headers=steps.practitioner
        )
        assert assessments.status_code == 200, assessments.text
        [assessed] = assessments.json()["items"]
        assert assessed["outcome"] == "competent"
        assert date.fromisoformat(assessed["assessed_on"]) <= start  # trained before it starts

    # R19: it fits the existing plan without alteration, so it is incorporated at no extra cost.
    async def plan() -> Json:
        response = await steps.assessment.get(
            f"/people/{person_id}/support-plan", headers=steps.practitioner
        )
        assert response.status_code == 200, response.text
        body: Json = response.json()
        return body

    incorporated = await platform.until(
        plan, lambda p: any(t["delegation_id"] == delegation_id for t in p["tasks"])
    )
    visits = ("visits_per_day", "minutes_per_visit", "days_per_week")
    assert [incorporated[k] for k in visits] == [plan_before[k] for k in visits] == [2, 30, 7]
    assert consent_id in incorporated["consent_ids"]

    funded = await steps.funding_of(delegation_id, lambda f: len(f["segments"]) >= 1, by=CITY)
    assert funded["minutes_per_week"] == 0
    assert funded["payer"] == CITY
    assert funded["funding_pending"] is False
    assert date.fromisoformat(funded["start_date"]) == start
    assert all(s["minutes_per_week"] == 0 for s in funded["segments"])
    statement = await steps.statement(CITY, start, start + timedelta(days=28))
    assert sum(ln["amount_pence"] for ln in lines_for(statement, delegation_id)) == 0


async def test_journey_2_thirty_extra_minutes_apportioned_to_the_icb_from_the_start_r19_r13(
    platform: Platform,
) -> None:
    """A health task needing 30 extra minutes a week: the ICB pays for them from the start."""
    steps = await Steps.start(platform)
    hourly = 2317  # 30 minutes at 23.17 an hour is 11.585: the half penny rounds up
    await steps.rate(hourly)
    live = await steps.live(minutes=30, decision=NHS_FUNDED)
    assert live.delegation["additional_minutes_per_week"] == 30
    assert live.delegation["accountable_organisation"] == ICB

    funded = await steps.funding_of(live.delegation_id, lambda f: len(f["segments"]) >= 1)
    assert funded["accountable_organisation"] == ICB
    assert funded["payer"] == ICB
    assert funded["minutes_per_week"] == 30
    assert funded["funding_pending"] is False
    assert date.fromisoformat(funded["start_date"]) == live.start_date
    [segment] = funded["segments"]
    assert segment["payer"] == ICB
    assert date.fromisoformat(segment["effective_from"]) == live.start_date
    assert segment["effective_to"] is None
    assert (segment["without_prejudice"], segment["awaiting_rate"]) == (False, False)

    weekly = weekly_pence(30, hourly)
    assert weekly == 1159
    days = 10
    statement = await steps.statement(ICB, live.start_date, live.start_date + timedelta(days))
    lines = lines_for(statement, live.delegation_id)
    assert sum(ln["amount_pence"] for ln in lines) == accrued(weekly, days) == 1655
    assert {ln["organisation"] for ln in lines} == {ICB}
    assert date.fromisoformat(lines[0]["line_from"]) == live.start_date
    council = await steps.statement(CITY, live.start_date, live.start_date + timedelta(days))
    assert lines_for(council, live.delegation_id) == []


async def test_journey_3_iv_drug_administration_refused_with_the_rule_r10(
    platform: Platform,
) -> None:
    """IV drug administration is for a registered nurse: the response names R10."""
    steps = await Steps.start(platform)
    tasks = await steps.delegation.get("/tasks", params={"limit": 200}, headers=steps.mdt)
    assert tasks.status_code == 200, tasks.text
    catalogue = {t["code"]: t["delegability"] for t in tasks.json()["items"]}
    assert catalogue["iv-drug-administration"] == "never"

    # Issue 13: an absolute entry is refused as soon as it is proposed (R10), not at the MDT.
    person_id = await steps.person()
    refused = await steps.post_proposal(
        {
            "person_id": person_id,
            "task_code": "iv-drug-administration",
            "direction": "health_to_social",
            "setting": "own_home",
            "practitioner": PRACTITIONER,
            "provider_organisation": steps.provider,
            "frequency": "daily",
            "additional_minutes_per_week": 0,
            "contact_arrangements": "District Nurse visits every ten days; call the LPT hub",
        }
    )
    assert refused.status_code == 422, refused.text
    body = problem(refused)
    assert body["rule"] == "R10"
    assert body["status"] == 422
    assert "registered nurse" in body["detail"]

    delegations = await steps.delegation.get(
        "/delegations", params={"person_id": person_id}, headers=steps.mdt
    )
    assert delegations.status_code == 200, delegations.text
    assert delegations.json()["items"] == []


async def test_journey_4_no_consensus_goes_to_shared_care_and_becomes_a_case_example_r14(
    platform: Platform,
) -> None:
    """MDT without consensus: Shared Care discussion, decision recorded, applied to the proposal,
    and found as a case example by a later search."""
    steps = await Steps.start(platform)
    person_id = await steps.person()
    proposal_id = await steps.propose(person_id, "pressure-area-care")
    # The MDT's question and stances are codes: what reaches Shared Care (and partners) is
    # made from them, never from words typed about the person.
    members = [
        member("registered_nurse", CHS, stance="delegate"),
        member("social_worker", CITY, stance="do_not_delegate"),
        member("registered_nurse", ICB, stance="delegate"),
    ]
    undecided = await steps.decide(
        proposal_id, outcome="no_consensus", members=members, question_code="conditions"
    )
    assert undecided.status_code == 201, undecided.text
    assert undecided.json()["delegation_id"] is None
    proposal = await steps.read(steps.delegation, f"/proposals/{proposal_id}", steps.mdt)
    assert proposal["status"] == "awaiting_shared_care"

    mdt_lpt = platform.auth(Role.MDT_MEMBER, CHS)

    async def discussions() -> list[Json]:
        response = await steps.governance.get(
            "/shared-care/discussions", params={"open_only": True}, headers=mdt_lpt
        )
        assert response.status_code == 200, response.text
        return [d for d in response.json()["items"] if d["proposal_id"] == proposal_id]

    [discussion] = await platform.until(discussions, lambda found: len(found) == 1)
    assert "conditions" in discussion["question"]
    assert sorted(discussion["positions"]) == [
        f"registered_nurse ({ICB}): delegate",
        f"registered_nurse ({CHS}): delegate",
        f"social_worker ({CITY}): do not delegate",
    ]
    assert discussion["decision"] is None

    marker = f"marker{uuid.uuid4().hex[:12]}"
    conditions = ["a nurse checks the skin weekly for the first month"]
    decided = await steps.governance.post(
        f"/shared-care/discussions/{discussion['discussion_id']}/decision",
        json={
            "decision": "delegate",
            "conditions": conditions,
            "rationale": "low risk once the carers are trained; a weekly check covers the rest",
            "circumstances": f"person at home with carers four times a day {marker}",
            "summary": f"Home carers may take on pressure area care once trained {marker}",
            "participants": [
                {"staff_id": "dn-1", "discipline": "district nursing", "organisation": CHS},
                {"staff_id": "sw-1", "discipline": "social work", "organisation": CITY},
            ],
        },
        headers=mdt_lpt,
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["decision"] == "delegate"

    async def applied() -> Json:
        return await steps.read(steps.delegation, f"/proposals/{proposal_id}", steps.mdt)

    approved = await platform.until(
        applied, lambda p: p["status"] == "approved" and p["delegation_id"] is not None
    )
    assert approved["shared_care_conditions"] == conditions
    delegation = await steps.get_delegation(approved["delegation_id"])
    assert delegation["status"] == "awaiting_acceptance"
    assert delegation["task_code"] == "pressure-area-care"

    # A later MDT, in similar circumstances, finds the precedent.
    found = await steps.governance.get(
        "/shared-care/case-examples",
        params={"task_code": "pressure-area-care", "circumstances": f"carers {marker}"},
        headers=steps.practitioner,
    )
    assert found.status_code == 200, found.text
    [example] = found.json()["items"]
    assert example["decision"] == "delegate"
    assert example["summary"].startswith("Home carers may take on pressure area care")
    # A precedent is structured facts and the panel's summary: no words from the MDT or the panel
    # that could name the person.
    assert not {"question", "positions", "conditions", "rationale", "circumstances"} & set(example)
    assert "person_id" not in example  # a precedent carries no identifiers
    assert "proposal_id" not in example


async def test_journey_5_joint_package_dispute_settled_back_to_the_penny_r20_r21_r22(
    platform: Platform,
) -> None:
    """A joint-funded case disputed: CSU case, resolution, settlement back-dated to the penny,
    and the package paid for every day throughout."""
    steps = await Steps.start(platform)
    person_id = await steps.person()
    today = platform.today()
    start = today - timedelta(days=45)
    weekly = 70_001
    council = platform.auth(Role.COMMISSIONER, CITY)
    created = await steps.funding.post(
        "/joint-packages",
        json={
            "person_id": person_id,
            "setting": "own_home",
            "weekly_cost_pence": weekly,
            "shares": [{"organisation": ICB, "percent": 60}, {"organisation": CITY, "percent": 40}],
            "effective_from": start.isoformat(),
            # R21: a joint package is for a person not eligible for NHS Continuing Healthcare
            "chc_outcome": "not_eligible",
            "chc_decided_on": (start - timedelta(days=10)).isoformat(),
        },
        headers=steps.commissioner,
    )
    assert created.status_code == 201, created.text
    package_id = created.json()["id"]

    raised = await steps.funding.post(
        f"/joint-packages/{package_id}/disputes",
        json={
            "reason_code": "shares",
            "note": "the council says the ICB should carry three quarters",
        },
        headers=council,
    )
    assert raised.status_code == 201, raised.text
    dispute_id = raised.json()["id"]
    assert raised.json()["status"] == "open"

    case = await steps.csu_case(dispute_id)
    assert case["stage"] == "raised"
    assert sorted(case["parties"]) == sorted([ICB, CITY])

    # Care is never interrupted: while the dispute is open the package is paid on its shares.
    days = (today - start).days
    during = await steps.statement(ICB, start, today)
    paid = lines_for(during, package_id)
    assert sum(ln["days"] for ln in paid) == days
    assert sum(ln["amount_pence"] for ln in paid) == first_share(accrued(weekly, days), 60)

    await steps.to_csu_review(case["case_id"])
    # R22: an outcome in weekly pence must make the package's weekly cost; it is never
    # re-proportioned (£300 and £200 of a £700.01 package is refused).
    short = await steps.governance.post(
        f"/disputes/{case['case_id']}/resolution",
        json={
            "shares": [
                {"organisation": ICB, "weekly_pence": 30_000},
                {"organisation": CITY, "weekly_pence": 20_000},
            ],
            "effective_from": start.isoformat(),
            "rationale": "amounts that do not add up",
        },
        headers=steps.csu,
    )
    assert short.status_code == 422, short.text
    assert short.json()["errors"][0]["field"] == "shares"
    resolved = await steps.governance.post(
        f"/disputes/{case['case_id']}/resolution",
        json={
            "shares": [
                {"organisation": ICB, "percent": 75},
                {"organisation": CITY, "percent": 25},
            ],
            "effective_from": start.isoformat(),
            "rationale": "the health needs are three quarters of the package",
        },
        headers=steps.csu,
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["stage"] == "resolved"

    found = await steps.settled_dispute(dispute_id)
    settled = found
    assert date.fromisoformat(settled["effective_from"]) == start

    # Worked out here: the days since the start cost A; the ICB paid 60% and owes 75%.
    whole = accrued(weekly, days)
    expected = first_share(whole, 75) - first_share(whole, 60)
    assert expected == 67_501  # 45 days of 700.01 a week: 4500.06, of which 15% is 675.009
    icb = await steps.statement(ICB, today, today + timedelta(days=1))
    [owed] = [s for s in icb["recharged_by"] if s["source_id"] == dispute_id]
    assert owed["counterparty"] == CITY
    assert owed["amount_pence"] == expected
    assert date.fromisoformat(owed["period_start"]) == start
    assert date.fromisoformat(owed["period_end"]) == today
    council_statement = await steps.statement(CITY, today, today + timedelta(days=1))
    [due] = [s for s in council_statement["recharges"] if s["source_id"] == dispute_id]
    assert (due["counterparty"], due["amount_pence"]) == (ICB, expected)

    # Every day from the start to a week ahead is paid for, with no gap, the new shares from now.
    ahead = today + timedelta(days=7)
    after = lines_for(await steps.statement(ICB, start, ahead), package_id)
    assert date.fromisoformat(after[0]["line_from"]) == start
    assert date.fromisoformat(after[-1]["line_until"]) == ahead
    for before, nxt in itertools.pairwise(after):
        assert before["line_until"] == nxt["line_from"]
    assert sum(ln["days"] for ln in after) == (ahead - start).days
    assert {ln["share_percent"] for ln in after if ln["line_from"] < today.isoformat()} == {60}
    assert {ln["share_percent"] for ln in after if ln["line_from"] >= today.isoformat()} == {75}
    package = await steps.funding.get(f"/joint-packages/{package_id}", headers=steps.commissioner)
    terms = package.json()["terms"]
    assert [t["effective_from"] for t in terms] == [start.isoformat(), today.isoformat()]

    # R21, A 5.14: the package is reviewed (the next review a year on), then it ends and pays
    # nothing from its end.
    reviewed = await steps.funding.post(
        f"/joint-packages/{package_id}/reviews",
        json={"reviewed_on": today.isoformat()},
        headers=steps.commissioner,
    )
    assert reviewed.status_code == 201, reviewed.text
    assert reviewed.json()["next_review_due"] > (today + timedelta(days=360)).isoformat()
    ends_on = today + timedelta(days=14)
    ended = await steps.funding.post(
        f"/joint-packages/{package_id}/end",
        json={"ends_on": ends_on.isoformat(), "reason_code": "needs_changed"},
        headers=steps.commissioner,
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended"
    final = lines_for(await steps.statement(ICB, start, ends_on + timedelta(days=14)), package_id)
    assert date.fromisoformat(final[-1]["line_until"]) == ends_on


async def test_journey_6_consent_withdrawn_suspends_and_the_extra_cost_stops_r7_r19(
    platform: Platform,
) -> None:
    """Consent withdrawn: the delegation suspends and the provider's extra cost stops."""
    steps = await Steps.start(platform)
    await steps.rate(2400)
    live = await steps.live(minutes=60, decision=NHS_FUNDED)
    await steps.funding_of(live.delegation_id, lambda f: f["status"] == "live")

    today = platform.today()
    withdrawn = await steps.assessment.post(
        f"/people/{live.person_id}/consents/{live.consent_id}/withdrawal",
        json={"withdrawn_on": today.isoformat(), "reason": "the person no longer wants it"},
        headers=steps.practitioner,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_on"] == today.isoformat()

    suspended = await steps.delegation_where(
        live.delegation_id, lambda d: d["status"] == "suspended"
    )
    assert suspended["suspension_reason"] == "consent_withdrawn"
    assert gates(suspended)["consent"] is False

    stopped = await steps.funding_of(live.delegation_id, lambda f: f["status"] == "suspended")
    # The provider's runs stop (Health's cover from the stop date is journey 10's subject).
    provider_runs = [s for s in stopped["segments"] if s["cover_id"] is None]
    assert all(s["effective_to"] is not None for s in provider_runs)
    assert max(date.fromisoformat(s["effective_to"]) for s in provider_runs) == today
    ahead = await steps.statement(ICB, today, today + timedelta(days=14))
    assert sum(ln["amount_pence"] for ln in lines_for(ahead, live.delegation_id)) == 0


async def test_journey_8_discharged_from_chs_oversight_moves_to_the_gp_practice_r17(
    platform: Platform,
) -> None:
    """Discharged from Community Health Services: oversight moves to the person's GP practice."""
    steps = await Steps.start(platform)
    live = await steps.live(open_to_chs=True)
    assert (live.delegation["oversight_kind"], live.delegation["oversight_owner"]) == (
        "community_health_services",
        CHS,
    )
    discharged = await steps.assessment.put(
        f"/people/{live.person_id}/community-health-services",
        json={"open_to_community_health_services": False},
        headers=steps.practitioner,
    )
    assert discharged.status_code == 200, discharged.text
    assert discharged.json()["open_to_community_health_services"] is False

    moved = await steps.delegation_where(
        live.delegation_id, lambda d: d["oversight_kind"] == "primary_care"
    )
    assert moved["oversight_owner"] == live.gp_practice
    assert moved["status"] == "live"  # the task continues under Primary Care


async def test_journey_10_consent_withdrawn_handed_back_health_covers_consent_resumes_r7_r18_r20(
    platform: Platform,
) -> None:
    """Consent withdrawn: the task returns to its oversight owner (the CHS team), who acknowledges
    it and names the cover; Health covers it from the stop date; consent given again resumes the
    delegation and closes the handback as resumed."""
    steps = await Steps.start(platform)
    await steps.rate(2400)
    live = await steps.live(minutes=60, decision=NHS_FUNDED)
    await steps.funding_of(live.delegation_id, lambda f: f["status"] == "live")
    today = platform.today()

    withdrawn = await steps.assessment.post(
        f"/people/{live.person_id}/consents/{live.consent_id}/withdrawal",
        json={"withdrawn_on": today.isoformat(), "reason": "the person wants a break from it"},
        headers=steps.practitioner,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    await steps.delegation_where(live.delegation_id, lambda d: d["status"] == "suspended")

    async def handbacks() -> list[Json]:
        response = await steps.delegation.get(
            "/handbacks", params={"delegation_id": live.delegation_id}, headers=steps.practitioner
        )
        assert response.status_code == 200, response.text
        items: list[Json] = response.json()["items"]
        return items

    [opened] = await platform.until(handbacks, lambda found: len(found) == 1)
    assert (opened["oversight_kind"], opened["oversight_owner"]) == (
        "community_health_services",
        CHS,
    )  # R18: back to the owner of the clinical oversight
    assert opened["reason"] == "consent_withdrawn"
    assert date.fromisoformat(opened["stopped_on"]) == today
    assert (opened["status"], opened["acknowledged_on"], opened["cover"]) == ("open", None, None)
    assert opened["provider_organisation"] == steps.provider

    # Only the owner's organisation acknowledges: not the provider, not another practice.
    path = f"/handbacks/{opened['id']}/acknowledgement"
    body = {"cover": "district_nursing", "notes": "District Nurse applies the cream meanwhile"}
    by_provider = await steps.delegation.post(path, json=body, headers=steps.manager)
    assert by_provider.status_code == 403, by_provider.text
    elsewhere = platform.auth(Role.REGISTERED_PRACTITIONER, f"C{suffix()}")
    by_stranger = await steps.delegation.post(path, json=body, headers=elsewhere)
    assert by_stranger.status_code in (403, 404), by_stranger.text
    acknowledged = await steps.delegation.post(path, json=body, headers=steps.practitioner)
    assert acknowledged.status_code == 200, acknowledged.text
    taken = acknowledged.json()
    assert (taken["status"], taken["cover"]) == ("acknowledged", "district_nursing")
    assert date.fromisoformat(taken["acknowledged_on"]) == today
    again = await steps.delegation.post(path, json=body, headers=steps.practitioner)
    assert again.status_code == 409, again.text

    # R20: the provider's apportionment stops; Health covers the task from the stop date.
    def covering(funding: Json) -> bool:
        return funding["status"] == "suspended" and len(funding["covers"]) == 1

    stopped = await steps.funding_of(live.delegation_id, covering)
    [cover] = stopped["covers"]
    assert cover["handback_id"] == opened["id"]
    assert (cover["state"], cover["funding"], cover["payer"]) == (
        "covering",
        "without_prejudice",
        ICB,  # the health commissioner pays, without prejudice
    )
    assert date.fromisoformat(cover["stopped_on"]) == today
    assert cover["oversight_owner"] == CHS
    provider_runs = [s for s in stopped["segments"] if s["cover_id"] is None]
    assert all(s["effective_to"] is not None for s in provider_runs)

    # R7: the person consents again; the delegation resumes and the handback closes.
    again_id = await steps.consent(live.person_id, live.delegation_id, "topical-cream")
    assert again_id != live.consent_id
    resumed = await steps.delegation_where(live.delegation_id, lambda d: d["status"] == "live")
    assert resumed["suspension_reason"] is None
    assert gates(resumed)["consent"] is True
    [closed] = await platform.until(
        handbacks, lambda found: len(found) == 1 and found[0]["status"] == "closed"
    )
    assert (closed["closure"], closed["id"]) == ("resumed", opened["id"])
    assert date.fromisoformat(closed["closed_on"]) == platform.today()

    def resumed_funding(funding: Json) -> bool:
        states = [str(c["state"]) for c in funding["covers"]]
        return funding["status"] == "live" and states == ["closed"]

    restarted = await steps.funding_of(live.delegation_id, resumed_funding)
    [ended_cover] = restarted["covers"]
    assert (ended_cover["closure"], ended_cover["closed_on"]) == (
        "resumed",
        platform.today().isoformat(),
    )
    [open_run] = [s for s in restarted["segments"] if s["effective_to"] is None]
    assert (open_run["payer"], open_run["minutes_per_week"]) == (ICB, 60)
    assert open_run["without_prejudice"] is False


async def test_journey_11_shared_care_cannot_delegate_what_the_decision_check_refuses_r10_r11_r12(
    platform: Platform,
) -> None:
    """An absolute non-delegable task is refused at proposal (R10); tasks the MDT could not agree
    on reach Shared Care, whose 'delegate' the decision check refuses (R11 without the s.22 test,
    R12 on an unstable condition): no delegation, the proposal refused with the rule, and the
    discussion shows it."""
    steps = await Steps.start(platform)
    person_id = await steps.person()
    never = await steps.post_proposal(
        {
            "person_id": person_id,
            "task_code": "syringe-driver",
            "direction": "health_to_social",
            "setting": "own_home",
            "practitioner": PRACTITIONER,
            "provider_organisation": steps.provider,
            "frequency": "daily",
            "additional_minutes_per_week": 0,
            "contact_arrangements": "District Nurse visits every ten days; call the LPT hub",
        }
    )
    assert never.status_code == 422, never.text
    assert problem(never)["rule"] == "R10"

    # The MDT cannot agree; Shared Care decides "delegate"; the decision check, run on the MDT's
    # record, refuses: without the s.22 test (R11), or with the person's condition unstable and no
    # closer oversight set (R12, A 5.12).
    unstable = Steps.decision_body()["risk"] | {"stability": "unstable"}
    for task_code, overrides, rule, reason in (
        ("complex-wound-dressing", {"section_22": None}, "R11", "s.22"),
        ("pressure-area-care", {"risk": unstable}, "R12", "at least every 7 days"),
    ):
        proposal_id = await steps.propose(person_id, task_code)
        await refused_after_shared_care(steps, proposal_id, overrides, rule, reason)

    delegations = await steps.delegation.get(
        "/delegations", params={"person_id": person_id}, headers=steps.mdt
    )
    assert delegations.status_code == 200, delegations.text
    assert delegations.json()["items"] == []


async def refused_after_shared_care(
    steps: Steps, proposal_id: str, overrides: Json, rule: str, reason: str
) -> None:
    """No consensus at the MDT; Shared Care decides 'delegate'; the proposal is refused naming
    `rule`, no delegation comes about, and the discussion shows the rule."""
    platform = steps.p
    undecided = await steps.decide(
        proposal_id,
        outcome="no_consensus",
        question="May the home carers take this task on?",
        positions=["District nursing: yes, with weekly checks", "Council: not a social care task"],
        **overrides,
    )
    assert undecided.status_code == 201, undecided.text
    assert undecided.json()["delegation_id"] is None

    mdt_lpt = platform.auth(Role.MDT_MEMBER, CHS)

    async def discussions() -> list[Json]:
        response = await steps.governance.get("/shared-care/discussions", headers=mdt_lpt)
        assert response.status_code == 200, response.text
        return [d for d in response.json()["items"] if d["proposal_id"] == proposal_id]

    [discussion] = await platform.until(discussions, lambda found: len(found) == 1)
    decided = await steps.governance.post(
        f"/shared-care/discussions/{discussion['discussion_id']}/decision",
        json={
            "decision": "delegate",
            "conditions": ["a nurse checks weekly"],
            "rationale": "a simple task once trained; the carers are there every day",
            "circumstances": f"person at home, carers daily {uuid.uuid4().hex[:8]}",
            "summary": "Home carers may take this task on once trained, with weekly checks",
            "participants": [
                {"staff_id": "dn-2", "discipline": "district nursing", "organisation": CHS},
                {"staff_id": "sw-2", "discipline": "social work", "organisation": CITY},
            ],
        },
        headers=mdt_lpt,
    )
    assert decided.status_code == 201, decided.text

    async def proposal() -> Json:
        return await steps.read(steps.delegation, f"/proposals/{proposal_id}", steps.mdt)

    refused = await platform.until(proposal, lambda p: p["status"] != "awaiting_shared_care")
    assert refused["status"] == "refused"
    assert refused["refused_rule"] == rule
    assert reason in refused["refusal_reason"]
    assert refused["delegation_id"] is None

    shown = await platform.until(discussions, lambda found: found[0]["refusal_rule"] is not None)
    assert shown[0]["refusal_rule"] == rule
    assert shown[0]["decision"] == "delegate"


# The two journeys that move the clock come last (see the module's docstring).


async def test_journey_7_competence_lapses_suspension_then_reassessment_resumes_r16(
    platform: Platform,
) -> None:
    """A worker's competence lapses while another's holds: the task carries on; when no
    competent worker is left it suspends; a reassessment resumes it (and its funding)."""
    steps = await Steps.start(platform)
    await steps.rate(2400)
    today = platform.today()
    first_expiry, second_expiry = today + timedelta(days=1), today + timedelta(days=2)
    live = await steps.live(
        minutes=30, valid_until=[first_expiry, second_expiry], decision=NHS_FUNDED
    )
    first, second = live.workers

    async def lapsed(worker: str) -> bool:
        response = await steps.training.get(
            f"/workers/{worker}/assessments", headers=steps.practitioner
        )
        assert response.status_code == 200, response.text
        return any(a["lapsed_on"] is not None for a in response.json()["items"])

    platform.move_clock(timedelta(days=1))
    await platform.eventually(lambda: lapsed(first))
    held = await steps.delegation_where(live.delegation_id, lambda d: not gates(d)["competence"])
    assert held["status"] == "live"  # the second worker is still competent
    [competence] = [g for g in held["waiting_for"] if g["gate"] == "competence"]
    assert first in competence["waiting_for"]
    assert second not in competence["waiting_for"]

    platform.move_clock(timedelta(days=1))
    suspended = await steps.delegation_where(
        live.delegation_id, lambda d: d["status"] == "suspended"
    )
    assert suspended["suspension_reason"] == "no_competent_worker"
    stopped = await steps.funding_of(live.delegation_id, lambda f: f["status"] == "suspended")
    # The provider's runs stop; Health covers from the stop date (R18, R20).
    assert all(s["effective_to"] is not None for s in stopped["segments"] if s["cover_id"] is None)
    # Delegation judges competence on the day itself; training's lapse job records it too. The
    # practitioner reassesses once it has (a reassessment racing the job is a 409 to retry).
    await platform.eventually(lambda: lapsed(second))

    reassessed = await steps.assess(
        second, "topical-cream", platform.today() + timedelta(days=365), evidence="reassessed"
    )
    assert reassessed["current"] is True
    resumed = await steps.delegation_where(live.delegation_id, lambda d: d["status"] == "live")
    assert resumed["suspension_reason"] is None
    restarted = await steps.funding_of(
        live.delegation_id, lambda f: f["status"] == "live" and len(f["segments"]) >= 2
    )
    [open_segment] = [s for s in restarted["segments"] if s["effective_to"] is None]
    assert date.fromisoformat(open_segment["effective_from"]) == platform.today()
    assert open_segment["minutes_per_week"] == 30


async def test_journey_9_reviews_at_three_then_twelve_months_and_on_a_change_of_need_r26_r8(
    platform: Platform,
) -> None:
    """Reviews with a moved clock: due three months after the start, then twelve months on;
    a significant change of need makes one due at once, with an MDT."""
    steps = await Steps.start(platform)
    # R25: a two-year competence needs a plan that asks for reassessment (and refreshers) no sooner.
    live = await steps.live(
        valid_until=[platform.today() + timedelta(days=2 * 365)],
        plan={"refresher_interval_months": 24, "reassessment_interval_months": 24},
    )
    start = live.start_date

    async def reviews() -> list[Json]:
        response = await steps.delegation.get(
            f"/delegations/{live.delegation_id}/reviews", headers=steps.mdt
        )
        assert response.status_code == 200, response.text
        found: list[Json] = response.json()["items"]
        return found

    assert await reviews() == []
    three, fifteen = add_months(start, 3), add_months(start, 15)

    platform.move_clock(timedelta(days=(three - platform.today()).days - 1))
    assert platform.today() == three - timedelta(days=1)
    await asyncio.sleep(1.5)  # five scheduler intervals: nothing is due the day before
    assert await reviews() == []

    platform.move_clock(timedelta(days=1))
    [first] = await platform.until(reviews, lambda r: len(r) >= 1)
    assert first["reason"] == "three_months_after_start"
    assert date.fromisoformat(first["due_date"]) == three
    assert (first["completed_on"], first["mdt_reassessment"]) == (None, False)

    platform.move_clock(timedelta(days=(fifteen - platform.today()).days))
    regular = await platform.until(reviews, lambda r: len(r) >= 2)
    await asyncio.sleep(1.0)
    regular = await reviews()
    assert [(r["reason"], r["due_date"]) for r in regular] == [
        ("three_months_after_start", three.isoformat()),
        ("twelve_monthly", fifteen.isoformat()),
    ]

    async def overdue() -> list[str]:
        response = await steps.delegation.get(
            "/reviews/overdue", params={"organisation": steps.provider}, headers=steps.manager
        )
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert await overdue() == [first["id"]]  # the twelve-monthly one is due today, not past
    completed = await steps.delegation.post(
        f"/reviews/{first['id']}/outcome",
        json={"outcome": "continue", "notes": "the skin is healing; carry on"},
        headers=steps.mdt,
    )
    assert completed.status_code == 200, completed.text
    assert completed.json()["completed_on"] == fifteen.isoformat()
    assert await overdue() == []

    changed = await steps.assessment.post(
        f"/people/{live.person_id}/need-changes",
        json={"significant": True, "description": "a new wound on the other leg"},
        headers=steps.practitioner,
    )
    assert changed.status_code == 201, changed.text
    every = await platform.until(reviews, lambda r: len(r) >= 3)
    [at_once] = [r for r in every if r["reason"] == "change_in_need"]
    assert date.fromisoformat(at_once["due_date"]) == platform.today() == fifteen
    assert at_once["mdt_reassessment"] is True  # R8: a significant change calls for an MDT


async def test_journey_12_an_apportionment_disputed_at_the_csu_is_settled_back_to_the_start_r19_r22(
    platform: Platform,
) -> None:
    """The council pays a delegated task's extra hour, the s.22 test met (R11, R19), and disputes
    the apportionment as a health need: the CSU names the ICB the one payer from the start; the
    funding carried on meanwhile (R20) and the ICB is recharged for every day the council paid."""
    steps = await Steps.start(platform)
    hourly = 2400
    await steps.rate(hourly)
    await steps.rate(hourly, by=CITY)
    live = await steps.live(minutes=60)
    assert live.delegation["accountable_organisation"] == CITY
    funded = await steps.funding_of(live.delegation_id, lambda f: len(f["segments"]) >= 1, by=CITY)
    assert funded["payer"] == CITY
    start = live.start_date
    platform.move_clock(timedelta(days=14))
    today = platform.today()

    raised = await steps.funding.post(
        f"/delegations/{live.delegation_id}/funding/disputes",
        json={"subject_kind": "apportionment", "reason_code": "health_need"},
        headers=platform.auth(Role.FINANCE_OFFICER, CITY),
    )
    assert raised.status_code == 201, raised.text
    dispute_id = raised.json()["id"]
    assert raised.json()["subject_kind"] == "apportionment"

    case = await steps.csu_case(dispute_id)
    assert sorted(case["parties"]) == sorted([ICB, CITY])

    # R20: while the CSU has it, the council goes on paying for every day.
    weekly = weekly_pence(60, hourly)
    during = lines_for(await steps.statement(CITY, start, today), live.delegation_id)
    assert sum(ln["amount_pence"] for ln in during) == accrued(weekly, 14)

    await steps.to_csu_review(case["case_id"])
    resolved = await steps.governance.post(
        f"/disputes/{case['case_id']}/resolution",
        json={
            "shares": [{"organisation": ICB, "percent": 100}],
            "effective_from": start.isoformat(),
            "rationale": "the extra hour meets a health need",
        },
        headers=steps.csu,
    )
    assert resolved.status_code == 200, resolved.text

    found = await steps.settled_dispute(dispute_id)
    assert [(s["organisation"], s["percent"]) for s in found["outcome"]] == [(ICB, 100)]

    icb = await steps.statement(ICB, today, today + timedelta(days=1))
    [owed] = [s for s in icb["recharged_by"] if s["source_id"] == dispute_id]
    assert (owed["counterparty"], owed["amount_pence"]) == (CITY, accrued(weekly, 14))
    council = await steps.statement(CITY, today, today + timedelta(days=1))
    [due] = [s for s in council["recharges"] if s["source_id"] == dispute_id]
    assert (due["counterparty"], due["amount_pence"]) == (ICB, accrued(weekly, 14))
    # From the day of the outcome the ICB pays the hour itself.
    ahead = lines_for(
        await steps.statement(ICB, today, today + timedelta(days=7)), live.delegation_id
    )
    assert sum(ln["amount_pence"] for ln in ahead) == accrued(weekly, 7)


async def test_journey_13_a_refresher_falls_due_and_missed_the_workers_competence_lapses_r25_r16(
    platform: Platform,
) -> None:
    """The training plan asks for a refresher every three months: both carers are told 30 days
    ahead; one does it in time and carries on; the other misses it and her competence lapses
    the day after, while the task stays live with the carer still competent (R16)."""
    steps = await Steps.start(platform)
    expiry = platform.today() + timedelta(days=300)
    live = await steps.live(
        valid_until=[expiry, expiry],
        plan={"refresher_interval_months": 3, "reassessment_interval_months": 12},
    )
    keeps_up, misses = live.workers
    due = add_months(platform.today(), 3)

    async def refreshers_due() -> list[Json]:
        response = await steps.training.get("/refreshers-due", headers=steps.manager)
        assert response.status_code == 200, response.text
        return [r for r in response.json()["items"] if r["worker_id"] in live.workers]

    platform.move_clock(timedelta(days=(due - platform.today()).days - 20))
    announced = await platform.until(refreshers_due, lambda found: len(found) == 2)
    assert {r["due_on"] for r in announced} == {due.isoformat()}

    refresher = await steps.training.post(
        f"/workers/{keeps_up}/training-records",
        json={
            "task_code": "topical-cream",
            "kind": "refresher",
            "completed_on": platform.today().isoformat(),
            "delivered_by": "District Nurse",
        },
        headers=steps.manager,
    )
    assert refresher.status_code == 201, refresher.text
    [left] = await platform.until(refreshers_due, lambda found: len(found) == 1)
    assert left["worker_id"] == misses

    async def lapsed(worker: str) -> bool:
        response = await steps.training.get(
            f"/workers/{worker}/assessments", headers=steps.practitioner
        )
        assert response.status_code == 200, response.text
        return any(a["lapsed_on"] is not None for a in response.json()["items"])

    platform.move_clock(timedelta(days=(due - platform.today()).days + 1))
    await platform.eventually(lambda: lapsed(misses))
    assert not await lapsed(keeps_up)
    held = await steps.delegation_where(live.delegation_id, lambda d: not gates(d)["competence"])
    assert held["status"] == "live"  # the carer who kept up is still competent
    [competence] = [g for g in held["waiting_for"] if g["gate"] == "competence"]
    assert misses in competence["waiting_for"]
    assert keeps_up not in competence["waiting_for"]
