"""Rows of the documented files, made up: the examples in docs/onboarding/ and the benchmark's
100,000 delegations come from here."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from services.onboarding.delegations import COLUMNS

MEMBERS = "|".join(
    [
        "registered_nurse:LPT:rn-lpt-0001",
        "social_worker:LEICESTER-CITY-COUNCIL:sw-city-0001",
        "registered_nurse:LLR-ICB:rn-icb-0001",
    ]
)


def case_study(
    source_id: str, person_id: uuid.UUID, crew: Iterable[uuid.UUID], **overrides: str
) -> dict[str, str]:
    """The Deck's case study as a live delegation at go-live: a steroid cream applied by two
    carers, trained, assessed and in date, overseen by the District Nurse every ten days."""
    row = {
        "source_id": source_id,
        "person_id": str(person_id),
        "task_code": "topical-cream",
        "direction": "health_to_social",
        "setting": "own_home",
        "proposed_by_organisation": "LPT",
        "practitioner_professional_body": "NMC",
        "practitioner_registration_number": "12A3456E",
        "practitioner_competent_in_task": "true",
        "practitioner_competence_basis": "core_professional_practice",
        "provider_organisation": "CAREWELL-HOMECARE",
        "frequency": "twice a day",
        "additional_minutes_per_week": "0",
        "contact_arrangements": "District nurse visits every ten days; call the LPT hub",
        "health_need_id": "",
        "decided_by_organisation": "LLR-ICB",
        "decided_on": "2025-09-01",
        "mdt_members": MEMBERS,
        "person_involved": "true",
        "family_or_carers_involved": "true",
        "person_not_involved_reason": "",
        "family_not_involved_reason": "",
        "risk_stability": "stable",
        "risk_complexity": "low",
        "risk_expected_outcome": "skin heals; the person stays at home",
        "risk_mitigations": "carers record each application|nurse visits every ten days",
        "oversight_interval_days": "10",
        "best_interests": "true",
        "s22_merely_incidental_or_ancillary": "true",
        "s22_of_a_nature_a_local_authority_could_provide": "true",
        "section_22_funding": "",
        "clinical_justification": "",
        "new_support_plan_id": "",
        "new_support_plan_version": "",
        "consent_id": str(uuid.uuid5(person_id, source_id)),
        "consent_given_by": "person",
        "consent_given_on": "2025-09-01",
        "started_on": "2025-09-15",
        "workers": "|".join(f"{w}@2027-09-01" for w in crew),
        "workers_assessed_on": "2025-09-10",
        "training_plans_agreed_on": "2025-09-05",
        "training_confirmed": "true",
        "supervision_confirmed": "true",
        "insurance_and_indemnity_confirmed": "true",
    }
    assert set(row) == set(COLUMNS)
    return row | overrides


def write(path: Path, rows: Iterable[dict[str, str]]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def generated(count: int, seed: str = "bench") -> Iterator[tuple[uuid.UUID, dict[str, str]]]:
    """`count` live delegations of `count` people, two carers each (deterministic ids)."""
    space = uuid.uuid5(uuid.NAMESPACE_URL, f"llr-onboarding-{seed}")
    for n in range(count):
        person = uuid.uuid5(space, f"person-{n}")
        workers = [uuid.uuid5(space, f"worker-{n}-{w}") for w in range(2)]
        yield person, case_study(f"SRC-{n:07d}", person, workers)
