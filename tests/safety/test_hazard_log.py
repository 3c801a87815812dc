"""The hazard log (docs/safety/hazard-log.md, DCB0129-style) names real tests as its evidence,
scores its risks from its own matrix and covers the hazards the platform must control; and the
check that says so fails on a log that does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.safety.hazard_log import (
    MATRIX,
    REQUIRED,
    documented_matrix,
    functions_by_file,
    parse,
    problems,
)

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "safety" / "hazard-log.md"


@pytest.fixture(scope="module")
def tests_here() -> dict[str, set[str]]:
    return functions_by_file(ROOT)


@pytest.fixture(scope="module")
def matrix_table() -> str:
    """The documented matrix, as a made-up log must carry it too."""
    rows = "\n".join(
        f"| {likelihood} | " + " | ".join(str(r) for r in risks) + " |"
        for likelihood, risks in sorted(MATRIX.items(), reverse=True)
    )
    return f"## How risk is scored\n\n| likelihood \\ severity | 1 | 2 | 3 | 4 | 5 |\n{rows}\n"


def hazard(
    hazard_id: str,
    title: str,
    evidence: list[str],
    *,
    severity: str = "4 Major",
    initial: tuple[str, str] = ("3 Medium", "3"),
    residual: tuple[str, str] = ("2 Low", "3"),
) -> str:
    listed = "".join(f"  - `{ref}`\n" for ref in evidence)
    return (
        f"### {hazard_id}: {title}\n\n"
        "- **Hazard:** something goes wrong\n"
        "- **Cause:** a reason\n"
        "- **Effect:** harm\n"
        f"- **Severity:** {severity}\n"
        f"- **Initial likelihood:** {initial[0]}\n"
        f"- **Initial risk:** {initial[1]}\n"
        "- **Control:** a control,\n"
        "  over two lines\n"
        f"- **Residual likelihood:** {residual[0]}\n"
        f"- **Residual risk:** {residual[1]} — what is left\n"
        f"- **Evidence:**\n{listed}\n"
    )


REAL_TEST = "tests/safety/test_hazard_log.py::test_the_hazard_log_names_real_tests_and_holds"
TITLES = (
    "A non-delegable task is delegated",
    "A task is left with nobody",
    "An incompetent or expired worker carries out the task",
    "A withdrawn consent is ignored",
    "A review is missed",
    "An event is lost or applied twice",
    "The wrong person's record is changed",
    "Identifiers are leaked",
    "Two conflicting decisions both win",
)


def complete_log(matrix_table: str) -> str:
    body = "".join(hazard(f"H{n:02}", t, [REAL_TEST]) for n, t in enumerate(TITLES, start=1))
    return f"# Made-up log\n\n{matrix_table}\n## Hazards\n\n{body}"


def test_the_hazard_log_names_real_tests_and_holds(tests_here: dict[str, set[str]]) -> None:
    text = LOG.read_text(encoding="utf-8")
    assert problems(text, tests_here) == []
    hazards = parse(text)
    assert len(hazards) >= len(REQUIRED)
    assert all(len(h.evidence) >= 3 for h in hazards), [h.id for h in hazards]
    assert documented_matrix(text) == MATRIX


def test_the_log_records_issue_14_as_a_partial_control_of_leaked_identifiers() -> None:
    [leaked] = [h for h in parse(LOG.read_text(encoding="utf-8")) if "leaked" in h.title]
    assert "partial" in leaked.fields["Residual risk"].lower()
    assert "issue 14" in leaked.fields["Residual risk"]


def test_a_made_up_complete_log_passes(tests_here: dict[str, set[str]], matrix_table: str) -> None:
    text = complete_log(matrix_table)
    assert problems(text, tests_here) == []
    [first, *_] = parse(text)
    assert first.fields["Control"] == "a control, over two lines"
    assert first.evidence == [REAL_TEST]


def test_a_named_test_that_does_not_exist_fails_the_log(
    tests_here: dict[str, set[str]], matrix_table: str
) -> None:
    made_up = [
        "tests/delegation/test_handbacks.py::test_r18_a_handback_that_nobody_wrote",
        "tests/nowhere/test_missing.py::test_anything",
        "tests/delegation/test_handbacks.py",
    ]
    text = complete_log(matrix_table) + hazard("H10", "Care stops over who pays", made_up)
    assert problems(text, tests_here) == [
        "H10: tests/delegation/test_handbacks.py has no test test_r18_a_handback_that_nobody_wrote",
        "H10: tests/nowhere/test_missing.py does not exist",
        "H10: 'tests/delegation/test_handbacks.py' is not written as tests/path.py::test_name",
    ]


def test_a_parametrised_test_is_named_without_its_parameters(
    tests_here: dict[str, set[str]], matrix_table: str
) -> None:
    parametrised = (
        "tests/funding/test_health_cover.py::"
        "test_r20_the_cover_ends_the_day_before_the_task_resumes_and_the_cost_restarts_once[True]"
    )
    text = complete_log(matrix_table) + hazard("H10", "Care stops over who pays", [parametrised])
    assert problems(text, tests_here) == []


def test_a_hazard_without_evidence_or_a_field_fails_the_log(
    tests_here: dict[str, set[str]], matrix_table: str
) -> None:
    bare = hazard("H10", "Care stops over who pays", []).replace("- **Cause:** a reason\n", "")
    assert problems(complete_log(matrix_table) + bare, tests_here) == [
        "H10: no Cause",
        "H10: no evidence",
    ]


def test_a_risk_the_matrix_does_not_give_fails_the_log(
    tests_here: dict[str, set[str]], matrix_table: str
) -> None:
    wrong = hazard(
        "H10",
        "Care stops over who pays",
        [REAL_TEST],
        severity="5 Catastrophic",
        initial=("3 Medium", "4"),
        residual=("1 Very low", "2"),  # the matrix gives 3: catastrophic is never below 3
    )
    assert problems(complete_log(matrix_table) + wrong, tests_here) == [
        "H10: residual risk 2 but the matrix gives 3"
    ]
    changed = matrix_table.replace("| 1 | 1 | 1 | 2 | 2 | 3 |", "| 1 | 1 | 1 | 1 | 1 | 1 |")
    assert problems(complete_log(changed), tests_here) == [
        "the log's risk matrix is not the one the check uses"
    ]


def test_a_log_missing_a_required_hazard_fails(
    tests_here: dict[str, set[str]], matrix_table: str
) -> None:
    text = complete_log(matrix_table).replace("Identifiers are leaked", "Something else")
    text = text.replace("### H02:", "### H01:")
    assert problems(text, tests_here) == [
        "H01: the id is used twice",
        "no hazard for 'identifiers leaked'",
    ]
