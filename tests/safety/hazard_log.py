"""Reads docs/safety/hazard-log.md and says what is wrong with it: a hazard without evidence, a
named test that does not exist, a risk the matrix does not give, a required hazard missing."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

FIELDS = (
    "Hazard",
    "Cause",
    "Effect",
    "Severity",
    "Initial likelihood",
    "Initial risk",
    "Control",
    "Residual likelihood",
    "Residual risk",
    "Evidence",
)
SCORED = ("Severity", "Initial likelihood", "Initial risk", "Residual likelihood", "Residual risk")

# The risk a likelihood (row) and a severity (column) give, both scored 1-5; the log documents
# the same matrix, and the check refuses a log whose table says otherwise.
MATRIX: dict[int, tuple[int, ...]] = {
    5: (3, 4, 4, 5, 5),
    4: (2, 3, 3, 4, 5),
    3: (2, 2, 3, 3, 4),
    2: (1, 2, 2, 3, 4),
    1: (1, 1, 2, 2, 3),
}

# What the log must cover: each hazard is found by words its title holds (case-insensitive).
REQUIRED: dict[str, tuple[str, ...]] = {
    "a non-delegable task delegated": ("non-delegable", "delegated"),
    "a task left with nobody": ("left with nobody",),
    "an incompetent or expired worker carries it out": ("incompetent", "expired worker"),
    "a withdrawn consent ignored": ("withdrawn consent", "ignored"),
    "a review missed": ("review", "missed"),
    "an event lost or applied twice": ("event", "lost", "twice"),
    "the wrong person's record changed": ("wrong person", "record"),
    "identifiers leaked": ("identifiers", "leaked"),
    "two conflicting decisions both win": ("conflicting decisions", "win"),
}

HEADING = re.compile(r"^### (H\d+): (.+)$")
FIELD = re.compile(r"^- \*\*(?P<name>[^*]+):\*\*\s*(?P<value>.*)$")
EVIDENCE = re.compile(r"^\s+- `(?P<ref>[^`]+)`\s*$")
REFERENCE = re.compile(r"^(?P<path>tests/[\w/]+\.py)::(?:\w+::)?(?P<name>test\w*)(?:\[.*\])?$")
MATRIX_ROW = re.compile(r"^\| ([1-5]) \| ([1-5]) \| ([1-5]) \| ([1-5]) \| ([1-5]) \| ([1-5]) \|$")
SCORE = re.compile(r"^([1-5])\b")


@dataclass
class Hazard:
    id: str
    title: str
    fields: dict[str, str] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)


def parse(text: str) -> list[Hazard]:
    """Each `### Hnn: title` section's bullet fields; evidence is the indented list under it."""
    hazards: list[Hazard] = []
    current: str | None = None  # the field a continuation line belongs to
    for line in text.splitlines():
        if heading := HEADING.match(line):
            hazards.append(Hazard(heading[1], heading[2].strip()))
            current = None
            continue
        if not hazards:
            continue
        hazard = hazards[-1]
        if found := FIELD.match(line):
            current = found["name"].strip()
            hazard.fields[current] = found["value"].strip()
        elif current == "Evidence" and (ref := EVIDENCE.match(line)):
            hazard.evidence.append(ref["ref"])
        elif line.startswith("## "):
            current = None
        elif current is not None and line.startswith("  ") and line.strip():
            hazard.fields[current] = f"{hazard.fields[current]} {line.strip()}"
    return hazards


def documented_matrix(text: str) -> dict[int, tuple[int, ...]]:
    """The risk matrix as the log's table writes it: likelihood -> risks by severity 1-5."""
    rows: dict[int, tuple[int, ...]] = {}
    for line in text.splitlines():
        if row := MATRIX_ROW.match(line.strip()):
            numbers = [int(n) for n in row.groups()]
            rows[numbers[0]] = tuple(numbers[1:])
    return rows


def functions_by_file(root: Path) -> dict[str, set[str]]:
    """Every test function under tests/, by its path from the repository root (ast, no import)."""
    found: dict[str, set[str]] = {}
    for path in sorted((root / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test")
        }
        found[path.relative_to(root).as_posix()] = names
    return found


def score(value: str) -> int | None:
    found = SCORE.match(value)
    return int(found[1]) if found else None


def problems(text: str, tests: dict[str, set[str]]) -> list[str]:
    """Everything wrong with a hazard log, one line each; empty when it holds."""
    found: list[str] = []
    if documented_matrix(text) != MATRIX:
        found.append("the log's risk matrix is not the one the check uses")
    hazards = parse(text)
    seen_ids: set[str] = set()
    for hazard in hazards:
        found.extend(_hazard_problems(hazard, tests))
        if hazard.id in seen_ids:
            found.append(f"{hazard.id}: the id is used twice")
        seen_ids.add(hazard.id)
    for required, words in REQUIRED.items():
        if not any(all(w in h.title.lower() for w in words) for h in hazards):
            found.append(f"no hazard for {required!r}")
    return found


def _hazard_problems(hazard: Hazard, tests: dict[str, set[str]]) -> Iterable[str]:
    for name in FIELDS:
        if name != "Evidence" and not hazard.fields.get(name):
            yield f"{hazard.id}: no {name}"
    scores = {name: score(hazard.fields.get(name, "")) for name in SCORED}
    for name, value in scores.items():
        if value is None and hazard.fields.get(name):
            yield f"{hazard.id}: {name} is not scored 1-5"
    severity = scores["Severity"]
    for stage in ("Initial", "Residual"):
        likelihood, risk = scores[f"{stage} likelihood"], scores[f"{stage} risk"]
        if severity and likelihood and risk and MATRIX[likelihood][severity - 1] != risk:
            expected = MATRIX[likelihood][severity - 1]
            yield f"{hazard.id}: {stage.lower()} risk {risk} but the matrix gives {expected}"
    if not hazard.evidence:
        yield f"{hazard.id}: no evidence"
    for ref in hazard.evidence:
        reference = REFERENCE.match(ref)
        if reference is None:
            yield f"{hazard.id}: {ref!r} is not written as tests/path.py::test_name"
        elif reference["path"] not in tests:
            yield f"{hazard.id}: {reference['path']} does not exist"
        elif reference["name"] not in tests[reference["path"]]:
            yield f"{hazard.id}: {reference['path']} has no test {reference['name']}"
