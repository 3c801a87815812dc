"""R10, R27: the IPCB may name the SNOMED CT concept a catalogue task is; the id is checked as
an SCTID for a concept (digits, partition identifier, Verhoeff check digit)."""

from __future__ import annotations

import pytest

from services.governance.domain.snomed import concept_id, verhoeff_valid
from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role
from shared.errors import InvalidInput
from shared.events.governance import TaskCatalogueChanged
from tests.conftest import ServiceClient, bearer
from tests.governance.conftest import BOARD, problem_field, published_as
from tests.governance.test_board_api import given_ruling


def given_change(**overrides: object) -> dict[str, object]:
    return {
        "change": "added",
        "task_code": "EYE-DROPS",
        "name": "Administering eye drops",
        "category": "specialised_medication_administration",
        "delegability": "routine",
        "snomed_concept_id": "404684003",
        "snomed_display": "Clinical finding",
    } | overrides


@pytest.mark.parametrize(
    "sctid", ["138875005", "404684003", "22298006", "73211009", "999000011000000103"]
)
def test_r10_a_concepts_sctid_is_accepted(sctid: str) -> None:
    assert concept_id(sctid, "f") == sctid


@pytest.mark.parametrize(
    ("sctid", "why"),
    [
        ("040468400", "no leading zero"),
        ("12345", "6 to 18 digits"),
        ("1234567890123456789", "6 to 18 digits"),
        ("40468400X", "6 to 18 digits"),
        ("404684004", "Verhoeff"),
        ("37436014", "partition identifier '01'"),  # a description's id, not a concept's
        ("12345610" + "3", "namespace"),  # long format, too short for a namespace
    ],
)
def test_r10_an_sctid_that_is_not_a_concepts_is_refused_saying_why(sctid: str, why: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        concept_id(sctid, "snomed_concept_id")
    [error] = refused.value.extensions["errors"]
    assert error["field"] == "snomed_concept_id"
    assert why in error["reason"]


def test_verhoeff_catches_every_single_digit_error_and_adjacent_swap() -> None:
    valid = "404684003"
    for position in range(len(valid)):
        for digit in "0123456789":
            if digit != valid[position]:
                assert not verhoeff_valid(valid[:position] + digit + valid[position + 1 :])
    for position in range(len(valid) - 1):
        a, b = valid[position], valid[position + 1]
        if a != b:
            swapped = valid[:position] + b + a + valid[position + 2 :]
            assert not verhoeff_valid(swapped)


async def test_r27_an_ipcb_ruling_names_a_tasks_snomed_concept_and_delegation_is_told(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        issued = await client.post(
            "/board/rulings", json=given_ruling(catalogue_changes=[given_change()]), headers=BOARD
        )
        read = await client.get(f"/board/rulings/{issued.json()['ruling_id']}", headers=BOARD)
        [changed] = await published_as(runtime, TaskCatalogueChanged)
    assert issued.status_code == 201, issued.text
    [change] = read.json()["catalogue_changes"]
    assert (change["snomed_concept_id"], change["snomed_display"]) == (
        "404684003",
        "Clinical finding",
    )
    assert (changed.snomed_concept_id, changed.snomed_display) == ("404684003", "Clinical finding")


async def test_r27_only_the_ipcb_sets_a_concept_and_a_bad_one_is_a_problem_naming_the_field(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        not_board = await client.post(
            "/board/rulings",
            json=given_ruling(catalogue_changes=[given_change()]),
            headers=bearer(Role.COMMISSIONER, "LLR-ICB"),
        )
        bad_check = await client.post(
            "/board/rulings",
            json=given_ruling(catalogue_changes=[given_change(snomed_concept_id="404684004")]),
            headers=BOARD,
        )
        without_term = await client.post(
            "/board/rulings",
            json=given_ruling(catalogue_changes=[given_change(snomed_display=None)]),
            headers=BOARD,
        )
    assert not_board.status_code == 403
    assert bad_check.status_code == 422
    assert problem_field(bad_check) == "catalogue_changes.0.snomed_concept_id"
    assert without_term.status_code == 422
    assert problem_field(without_term) == "catalogue_changes.0.snomed_concept_id"
