"""`make demo`: the Framework's case study played through the HTTP APIs of the standalone platform.

A person going home from hospital needs a steroid cream applied to the lower leg twice a day; the
ward MDT agrees the carers may do it once trained; the person consents; the carers are trained and
assessed before discharge; the District Nurse keeps oversight; no extra visits, so no extra cost.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from services import registry
from shared.auth import Role, dev_private_key, mint_token
from shared.settings import ServiceSettings

SERVICES = registry.names()
PROVIDER, CITY, ICB, CHS, GP = (
    "CAREWELL-HOMECARE",
    "LEICESTER-CITY-COUNCIL",
    "LLR-ICB",
    "LPT",
    "C82001",
)
Json = Any  # what the APIs answer: objects, or lists of them


def nhs_number(serial: int) -> str:
    """A made-up NHS number that passes the Modulus 11 check (never a real person's)."""
    for first_nine in itertools.count(serial):
        digits = [int(d) for d in f"{first_nine:09d}"]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return f"{first_nine:09d}{check}"
    raise AssertionError("unreachable")


class Demo:
    def __init__(self, base: str, data: Path) -> None:
        self.base, self.data, self.step_number = base, data, 0
        self.key = dev_private_key(data / "dev-signing-key.pem")
        self.http = httpx.Client(base_url=base, timeout=30)
        self.seen = {name: self.last_outbox_id(name) for name in SERVICES}

    def auth(self, role: Role, organisation: str) -> dict[str, str]:
        token = mint_token(self.key, ServiceSettings(), role=role, organisation=organisation)
        return {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, role: Role, org: str, body: Json | None = None) -> Json:
        response = self.http.request(method, path, json=body, headers=self.auth(role, org))
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path} -> {response.status_code}: {response.text}")
        result: Json = response.json()
        return result

    def call_once_known(
        self, method: str, path: str, role: Role, org: str, body: Json | None = None
    ) -> Json:
        """A write about a person, sent as soon as this service has heard of the caller's
        organisation's relationship with them (404 until then); one key makes it one write."""
        headers = self.auth(role, org) | {"Idempotency-Key": str(uuid.uuid4())}
        for _ in range(100):
            response = self.http.request(method, path, json=body, headers=headers)
            if response.status_code != 404:
                break
            time.sleep(0.1)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path} -> {response.status_code}: {response.text}")
        result: Json = response.json()
        return result

    def step(self, text: str, path: str) -> None:
        self.step_number += 1
        print(f"\n{self.step_number:>2}. {text}\n    {path}")

    def last_outbox_id(self, service: str) -> int:
        with sqlite3.connect(self.data / f"{service}.db") as db:
            return int(db.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()[0])

    def events(self, settle: float = 0.6) -> None:
        """Print the events every service has published since the last step."""
        time.sleep(settle)  # the relays deliver in-process within a few tens of milliseconds
        for service in SERVICES:
            with sqlite3.connect(self.data / f"{service}.db") as db:
                rows = db.execute(
                    "SELECT id, type, key FROM outbox WHERE id > ? ORDER BY id",
                    (self.seen[service],),
                ).fetchall()
            for row_id, kind, key in rows:
                print(f"      event  {kind.split('.')[-2]:<32} from {service:<10} key {key}")
                self.seen[service] = row_id

    def until(self, method: str, path: str, role: Role, org: str, ok: Any) -> Json:
        for _ in range(100):
            found = self.call(method, path, role, org)
            if ok(found):
                return found
            time.sleep(0.1)
        raise SystemExit(f"{path} never reached the expected state: {json.dumps(found)}")


def play(demo: Demo) -> None:
    practitioner, mdt = (Role.REGISTERED_PRACTITIONER, CHS), (Role.MDT_MEMBER, ICB)
    manager = (Role.PROVIDER_MANAGER, PROVIDER)
    today = date.today()

    demo.step(
        "The ward registers the person (known from now on by a pseudonymous id)",
        "POST /assessment/people",
    )
    person = demo.call(
        "POST",
        "/assessment/people",
        *practitioner,
        {
            "nhs_number": nhs_number(int(time.time()) % 900_000_000 + 100_000_000),
            "local_authority": CITY,
            "gp_practice": GP,
            "setting": "own_home",
            "open_to_community_health_services": True,
        },
    )["id"]
    print(f"    person {person}")
    demo.events()

    demo.step(
        "Going home: a carer twice a day, seven days a week",
        "POST /assessment/people/{id}/support-plan/versions",
    )
    demo.call(
        "POST",
        f"/assessment/people/{person}/support-plan/versions",
        *practitioner,
        {
            "visits_per_day": 2,
            "minutes_per_visit": 30,
            "days_per_week": 7,
            "provider_organisation": PROVIDER,
            "reason": "going home from hospital",
        },
    )
    demo.events()

    demo.step(
        "The District Nurse proposes the steroid cream to the ward MDT (R9, R13)",
        "POST /delegation/proposals",
    )
    proposal = demo.call_once_known(
        "POST",
        "/delegation/proposals",
        *practitioner,
        {
            "person_id": person,
            "task_code": "topical-cream",
            "direction": "health_to_social",
            "setting": "own_home",
            "provider_organisation": PROVIDER,
            "frequency": "twice a day",
            "additional_minutes_per_week": 0,
            "practitioner": {
                "professional_body": "NMC",
                "registration_number": "12A3456E",
                "competent_in_task": True,
                "competence_basis": "core_professional_practice",
            },
            "contact_arrangements": "District Nurse visits every ten days; call the LPT hub",
        },
    )["id"]
    demo.events()

    demo.step(
        "The MDT agrees: the carers may do it once trained (R9-R12, R29)",
        "POST /delegation/proposals/{id}/decision",
    )
    decided = demo.call(
        "POST",
        f"/delegation/proposals/{proposal}/decision",
        *mdt,
        {
            "outcome": "approved",
            "person_involved": True,
            "family_or_carers_involved": True,
            "members": [
                {
                    "staff_id": "district-nurse-1",
                    "discipline": "registered_nurse",
                    "organisation": CHS,
                    "present": True,
                },
                {
                    "staff_id": "social-worker-1",
                    "discipline": "social_worker",
                    "organisation": CITY,
                    "present": True,
                },
                {  # the ICB's continuing healthcare nurse, who records the decision
                    "staff_id": "chc-nurse-1",
                    "discipline": "registered_nurse",
                    "organisation": ICB,
                    "present": True,
                },
            ],
            "risk": {
                "stability": "stable",
                "complexity": "low",
                "expected_outcome": "the skin heals; the person stays at home",
                "mitigations": ["carers record each application", "nurse visits"],
            },
            "best_interests": True,
            "section_22": {
                "merely_incidental_or_ancillary": True,
                "of_a_nature_a_local_authority_could_provide": True,
            },
        },
    )
    delegation = decided["delegation_id"]
    demo.events()

    demo.step(
        "The provider names two carers and accepts (R15)",
        "POST /training/workers, POST /delegation/delegations/{id}/acceptance",
    )
    carers = [
        demo.call("POST", "/training/workers", *manager, {"role": "care worker"})["id"]
        for _ in range(2)
    ]
    # The provider approves the community nurses who will train and assess its carers.
    demo.call("POST", "/training/assessor-approvals", *manager, {"organisation": CHS})
    demo.call(
        "POST",
        f"/delegation/delegations/{delegation}/acceptance",
        *manager,
        {
            "worker_ids": carers,
            "training_confirmed": True,
            "supervision_confirmed": True,
            "insurance_and_indemnity_confirmed": True,
        },
    )
    demo.events()

    demo.step("The person consents to this task (R7)", "POST /assessment/people/{id}/consents")
    demo.call(
        "POST",
        f"/assessment/people/{person}/consents",
        *practitioner,
        {
            "task_code": "topical-cream",
            "delegation_id": delegation,
            "given_by": "person",
            "given_on": today.isoformat(),
        },
    )
    demo.events()

    demo.step(
        "The provider, then the District Nurse, agree the training plan (R24, R25)",
        "POST /training/training-plans/{id}/agreement, .../practitioner-agreement",
    )
    plans = demo.until(
        "GET",
        f"/training/training-plans?delegation_id={delegation}",
        *manager,
        lambda page: len(page["items"]) == 1,
    )
    [plan] = plans["items"]
    demo.call("POST", f"/training/training-plans/{plan['id']}/agreement", *manager, PLAN)
    demo.call(
        "POST", f"/training/training-plans/{plan['id']}/practitioner-agreement", *practitioner
    )
    demo.events()

    demo.step(
        "The carers are trained and assessed competent before discharge (R16)",
        "POST /training/workers/{id}/training-records, .../assessments",
    )
    for carer in carers:
        for kind in ("knowledge", "skills"):
            demo.call(
                "POST",
                f"/training/workers/{carer}/training-records",
                *manager,
                {
                    "task_code": "topical-cream",
                    "kind": kind,
                    "completed_on": today.isoformat(),
                    "delivered_by": "District Nurse",
                },
            )
        demo.call(
            "POST",
            f"/training/workers/{carer}/assessments",
            *practitioner,
            {
                "task_code": "topical-cream",
                "outcome": "competent",
                "standard": "Skills for Care delegated healthcare activities",
                "evidence": "observed three applications on the ward",
                "valid_until": (today + timedelta(days=365)).isoformat(),
            },
        )
    demo.events()

    demo.step(
        "Every gate is green: the delegation is live (R7, R15-R17)",
        "GET /delegation/delegations/{id}",
    )
    live = demo.until(
        "GET", f"/delegation/delegations/{delegation}", *mdt, lambda d: d["status"] == "live"
    )
    print(
        f"    live from {live['start_date']}; oversight {live['oversight_kind']} "
        f"({live['oversight_owner']}); accountable {live['accountable_organisation']}; "
        f"Framework version {live['framework_version']}"
    )
    demo.events()

    demo.step(
        "It fits the support plan without alteration: no extra cost to the council (R11, R19)",
        "GET /funding/delegations/{id}/funding",
    )
    funded = demo.until(
        "GET",
        f"/funding/delegations/{delegation}/funding",
        Role.COMMISSIONER,
        CITY,
        lambda f: len(f.get("segments", [])) >= 1,
    )
    print(f"    extra minutes a week: {funded['minutes_per_week']}; payer {funded['payer']}")
    demo.events()
    print(f"""
Where to look:
  the APIs       {demo.base}/<service>/docs  (each of the five services)
  the events     {demo.base}/governance/asyncapi.json   and docs/asyncapi.json
  the runbook    docs/runbook.md""")


PLAN: Json = {
    "knowledge_and_skills_required": "Apply a prescribed steroid cream to the lower leg",
    "training_materials": ["LPT topical medicines leaflet"],
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
    "risks_and_safe_delivery": "Thin skin: gloves, a thin layer, record each application",
    "not_competent_process": "Further supervised practice and a reassessment within 14 days",
    "release_for_training": "Two hours per carer before discharge",
    "backfill_hourly_rate_pence": 1050,
}


def ensure_running(base: str, data: Path, port: int) -> None:
    try:
        if httpx.get(f"{base}/governance/ready", timeout=2).status_code == 200:
            print(f"Using the standalone platform already running at {base}")
            return
    except httpx.HTTPError:
        pass
    data.mkdir(parents=True, exist_ok=True)
    log = (data / "standalone.log").open("ab")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "services.standalone", "--port", str(port), "--data", str(data)],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            if httpx.get(f"{base}/governance/ready", timeout=1).status_code == 200:
                print(
                    f"Started the standalone platform at {base} (pid {process.pid}; "
                    f"log {data / 'standalone.log'}; stop it with `kill {process.pid}`)"
                )
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the standalone platform did not start; see data/standalone.log")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data", type=Path, default=Path("data"))
    args = parser.parse_args(argv)
    base = f"http://127.0.0.1:{args.port}"
    ensure_running(base, args.data, args.port)
    print(__doc__)
    play(Demo(base, args.data))


if __name__ == "__main__":
    main()
