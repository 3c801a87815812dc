"""`llr import` at go-live (docs/onboarding.md): every row checked and named by row and column,
idempotent, resumable after an interruption, the API path's events and audit."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from services import cli
from services.assessment.main import SPEC as ASSESSMENT
from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Delegation, NamedWorker
from services.funding.main import SPEC as FUNDING
from services.onboarding import delegations, examples, kinds
from services.onboarding.delegations import bulk
from services.onboarding.runner import Kind, Summary, import_file
from shared.audit import audit_log
from shared.events.assessment import PersonRegistered
from shared.events.delegation import TaskDelegated
from shared.outbox import outbox
from shared.service import Runtime
from shared.testing.events import published
from tests.conftest import ServiceClient
from tests.delegation.conftest import given_live, given_person

EXAMPLES = Path(__file__).parents[2] / "docs" / "onboarding"
PEOPLE = [uuid.UUID(f"00000000-0000-4000-8000-00000000000{i}") for i in range(1, 6)]
Rows = list[dict[str, str]]


@pytest.fixture
async def delegation(service_client: ServiceClient) -> AsyncIterator[tuple[AsyncClient, Runtime]]:
    async with service_client(DELEGATION) as (client, runtime):
        yield client, runtime


async def given_people(runtime: Runtime, people: list[uuid.UUID]) -> None:
    """Assessment's PersonRegistered for each, as the people file's import publishes it."""
    for person in people:
        await given_person(runtime, person)


async def imported(
    runtime: Runtime, path: Path, out: Path, kind: Kind = kinds.DELEGATIONS, **options: Any
) -> Summary:
    return await import_file(
        runtime, kind, path, "onboarding-operator", out_dir=out, progress=io.StringIO(), **options
    )


def read(path: Path) -> Rows:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def errors_of(summary: Summary) -> Rows:
    return read(summary.outputs["errors"])


async def count(runtime: Runtime, query: Any) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(query) or 0)


async def test_example_file_imports_good_rows_and_names_each_bad_field_by_row(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    _, runtime = delegation
    await given_people(runtime, PEOPLE)

    summary = await imported(runtime, EXAMPLES / "delegations.csv", tmp_path)

    assert (summary.rows, summary.imported, summary.refused) == (5, 2, 3)
    errors = {(e["row"], e["field"]) for e in errors_of(summary)}
    assert {
        ("5", "direction"),
        ("5", "consent_id"),
        ("5", "workers"),
        ("5", "decided_on"),
    } <= errors
    live = await count(runtime, select(func.count()).where(Delegation.status == "live"))
    assert live == 2


async def test_r1_r10_a_never_delegable_task_is_refused_and_leaves_nothing(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    _, runtime = delegation
    await given_people(runtime, PEOPLE)

    summary = await imported(runtime, EXAMPLES / "delegations.csv", tmp_path)

    [refusal] = [e for e in errors_of(summary) if e["source_id"] == "RIO-1003"]
    assert (refusal["row"], refusal["field"]) == ("4", "task_code")
    assert refusal["rule"] in {"R1", "R10"}
    async with runtime.sessions() as session:
        tasks = set(await session.scalars(select(Delegation.task_code)))
    assert "iv-drug-administration" not in tasks


async def test_r16_a_worker_whose_competence_has_lapsed_keeps_the_delegation_out(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    _, runtime = delegation
    await given_people(runtime, PEOPLE)

    summary = await imported(runtime, EXAMPLES / "delegations.csv", tmp_path)

    [refusal] = [e for e in errors_of(summary) if e["source_id"] == "RIO-1005"]
    assert (refusal["row"], refusal["field"], refusal["rule"]) == ("6", "workers", "R16")


async def test_a_person_delegation_does_not_know_is_refused_naming_person_id(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    _, runtime = delegation
    await given_people(runtime, PEOPLE[1:])

    summary = await imported(runtime, EXAMPLES / "delegations.csv", tmp_path)

    [refusal] = [e for e in errors_of(summary) if e["source_id"] == "RIO-1001"]
    assert (refusal["row"], refusal["field"]) == ("2", "person_id")


def given_file(path: Path, count: int, seed: str) -> tuple[Path, list[uuid.UUID]]:
    made = list(examples.generated(count, seed))
    examples.write(path, (row for _, row in made))
    return path, [person for person, _ in made]


async def test_a_second_run_imports_nothing_again(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    _, runtime = delegation
    path, people = given_file(tmp_path / "delegations.csv", 12, "again")
    await given_people(runtime, people)
    first = await imported(runtime, path, tmp_path, batch_size=5)
    events = await count(runtime, select(func.count()).select_from(outbox))

    again = await imported(runtime, path, tmp_path, batch_size=5, from_start=True)

    assert (first.imported, again.imported, again.already) == (12, 0, 12)
    assert await count(runtime, select(func.count()).select_from(Delegation)) == 12
    assert await count(runtime, select(func.count()).select_from(outbox)) == events


class Interrupted(Exception):
    pass


def dying(path: str) -> Kind:
    """The delegations kind whose process dies in the third batch (a batch is five rows)."""
    calls = 0

    def third(on: int) -> None:
        nonlocal calls
        calls += 1
        if calls == on:
            raise Interrupted  # mid-batch: that batch rolls back

    if path == "rows":

        async def row(*args: Any) -> str:
            third(12)
            return await delegations.apply(*args)

        return dataclasses.replace(kinds.DELEGATIONS, apply=row, apply_batch=None)

    async def batch(*args: Any) -> Any:
        third(3)
        return await bulk.apply_batch(*args)

    return dataclasses.replace(kinds.DELEGATIONS, apply_batch=batch)


@pytest.mark.parametrize("path", ["bulk", "rows"])
async def test_an_interrupted_run_resumes_after_its_last_commit_without_duplicates(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path, path: str
) -> None:
    _, runtime = delegation
    file, people = given_file(tmp_path / "delegations.csv", 23, "resume")
    await given_people(runtime, people)
    with pytest.raises(Interrupted):
        await imported(runtime, file, tmp_path, dying(path), batch_size=5)
    committed = await count(runtime, select(func.count()).select_from(Delegation))

    resumed = await imported(runtime, file, tmp_path, batch_size=5)

    assert committed == 10  # two batches of five
    assert (resumed.resumed_after, resumed.imported, resumed.already) == (10, 13, 0)
    assert await count(runtime, select(func.count()).select_from(Delegation)) == 23
    delegated = await published(runtime, TaskDelegated)
    assert sorted(e.person_id for e in delegated) == sorted(people)  # type: ignore[attr-defined]
    ids = read(resumed.outputs["ids"])
    assert [int(r["row"]) for r in ids] == list(range(2, 25))


UUID_SHAPED = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def shape(value: Any) -> str:
    """A value with its ids blanked: two imports of the same facts compare equal."""
    return UUID_SHAPED.sub("<id>", json.dumps(value, default=str, sort_keys=True))


async def what_was_written(runtime: Runtime, people: list[uuid.UUID]) -> dict[str, Any]:
    async with runtime.sessions() as session:
        found = await session.scalars(
            select(Delegation)
            .where(Delegation.person_id.in_(people))
            .order_by(Delegation.person_id)
        )
        rows = [
            {
                c: getattr(d, c)
                for c in (column.key for column in Delegation.__table__.columns)
                if c not in {"created_at", "version"}
            }
            for d in found
        ]
        named = (
            await session.execute(
                select(NamedWorker.delegation_id, NamedWorker.worker_id)
                .join(Delegation, Delegation.id == NamedWorker.delegation_id)
                .where(Delegation.person_id.in_(people))
                .order_by(NamedWorker.delegation_id, NamedWorker.worker_id)
            )
        ).all()
        audits = (
            await session.execute(
                select(
                    audit_log.c.action,
                    audit_log.c.user_id,
                    audit_log.c.role,
                    audit_log.c.organisation,
                    audit_log.c.reason,
                    audit_log.c.purpose,
                ).order_by(audit_log.c.id)
            )
        ).all()
    events = [
        (type(e).__name__, e.model_dump(mode="json"))
        for e in await published(runtime)
        if getattr(e, "person_id", None) in people
    ]
    return {
        "delegations": shape(rows),
        "named_workers": shape([tuple(n) for n in named]),
        "events": shape(events),
        "audit": shape([tuple(a) for a in audits]),
    }


async def test_the_bulk_path_writes_what_the_handlers_write_for_the_same_facts(
    service_client: ServiceClient, tmp_path: Path
) -> None:
    """The batch path (domain decisions, multi-row inserts) and the row path (the handlers the
    API calls) leave the same delegations, events and audit rows for the same file."""
    made = list(examples.generated(7, "same"))
    for _, row in made[::2]:  # eye drops need an instruction, not training (A 5.13)
        row.update(task_code="eye-drops", training_plans_agreed_on="")
    file = examples.write(tmp_path / "delegations.csv", (row for _, row in made))
    people = [person for person, _ in made]
    written = []
    for kind in (kinds.DELEGATIONS, dataclasses.replace(kinds.DELEGATIONS, apply_batch=None)):
        async with service_client(DELEGATION) as (_client, runtime):
            await given_people(runtime, people)
            summary = await imported(runtime, file, tmp_path / kind.name, kind, from_start=True)
            assert summary.imported == 7
            written.append(await what_was_written(runtime, people))

    bulk_written, handlers_written = written
    assert bulk_written["named_workers"] == handlers_written["named_workers"] != "[]"
    assert bulk_written["events"] == handlers_written["events"]
    assert bulk_written["audit"] == handlers_written["audit"]
    for a, b in zip(
        json.loads(bulk_written["delegations"]),
        json.loads(handlers_written["delegations"]),
        strict=True,
    ):
        assert {k: v for k, v in a.items() if v != b.get(k)} == {}


async def test_an_imported_delegation_publishes_the_api_paths_events(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    client, runtime = delegation
    live = await given_live(client, runtime)
    api_events = [type(e).__name__ for e in await published(runtime)]
    path, people = given_file(tmp_path / "delegations.csv", 1, "events")
    await given_people(runtime, people)
    before = len(api_events)

    await imported(runtime, path, tmp_path)

    import_events = [type(e).__name__ for e in (await published(runtime))[before:]]
    assert import_events == api_events
    assert live.delegation_id


async def test_each_imported_row_is_audited_as_the_operator_for_onboarding(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    _, runtime = delegation
    path, people = given_file(tmp_path / "delegations.csv", 3, "audit")
    await given_people(runtime, people)

    summary = await imported(runtime, path, tmp_path)

    async with runtime.sessions() as session:
        rows = (await session.execute(select(audit_log))).mappings().all()
    onboarding = [r for r in rows if r["purpose"] == "onboarding"]
    made = {r["id"] for r in read(summary.outputs["ids"])}
    assert {r["subject"] for r in onboarding} == made
    assert {r["action"] for r in rows if r["user_id"] == "onboarding-operator"} >= {
        "proposal.submit",
        "proposal.decide",
        "delegation.accept",
        "onboarding.import.delegations",
    }


# ----------------------------------------------------------------------------------------------
# People and support plans (assessment), joint packages (funding)


async def test_people_are_registered_once_each_and_a_bad_row_is_named_by_field(
    service_client: ServiceClient, tmp_path: Path
) -> None:
    async with service_client(ASSESSMENT) as (_client, runtime):
        first = await import_file(
            runtime, kinds.KINDS["people"], EXAMPLES / "people.csv", "op", out_dir=tmp_path,
            progress=io.StringIO(),
        )  # fmt: skip
        again = await import_file(
            runtime, kinds.KINDS["people"], EXAMPLES / "people.csv", "op", out_dir=tmp_path,
            progress=io.StringIO(), from_start=True,
        )  # fmt: skip
        registered = await published(runtime, PersonRegistered)

    assert (first.imported, first.refused, again.imported, again.already) == (2, 1, 0, 2)
    assert {(e["row"], e["field"]) for e in errors_of(first)} == {
        ("4", "nhs_number"),
        ("4", "setting"),
    }
    assert len(registered) == 2


async def test_support_plans_are_versioned_for_imported_people(
    service_client: ServiceClient, tmp_path: Path
) -> None:
    async with service_client(ASSESSMENT) as (_client, runtime):
        people = await import_file(
            runtime, kinds.KINDS["people"], EXAMPLES / "people.csv", "op", out_dir=tmp_path,
            progress=io.StringIO(),
        )  # fmt: skip
        ids = [r["id"] for r in read(people.outputs["ids"])]
        text = (EXAMPLES / "plans.csv").read_text()
        for n, person_id in enumerate(ids, 1):
            text = text.replace(f"00000000-0000-4000-8000-00000000000{n}", person_id)
        (tmp_path / "plans.csv").write_text(text)

        plans = await import_file(
            runtime, kinds.KINDS["plans"], tmp_path / "plans.csv", "op", progress=io.StringIO()
        )

    assert (plans.imported, plans.refused) == (1, 1)
    assert [(e["row"], e["field"]) for e in errors_of(plans)] == [("3", "visits_per_day")]


async def test_r21_joint_packages_are_agreed_and_shares_not_adding_up_are_refused(
    service_client: ServiceClient, tmp_path: Path
) -> None:
    async with service_client(FUNDING) as (_client, runtime):
        summary = await import_file(
            runtime, kinds.KINDS["packages"], EXAMPLES / "packages.csv", "op", out_dir=tmp_path,
            progress=io.StringIO(),
        )  # fmt: skip

    assert (summary.imported, summary.refused) == (1, 1)
    [refusal] = errors_of(summary)
    assert (refusal["row"], refusal["field"]) == ("3", "shares")


def test_standalone_llr_import_registers_people_in_the_sqlite_files(tmp_path: Path) -> None:
    """`llr import people FILE --data DIR`: standalone mode, its SQLite file migrated first."""
    code = cli.main(
        ["import", "people", str(EXAMPLES / "people.csv"), "--data", str(tmp_path / "data"),
         "--out", str(tmp_path), "--operator", "go-live-operator"]
    )  # fmt: skip

    assert code == 1  # a row was refused: the operator mends it and runs again
    ids = read(tmp_path / "people.csv.ids.csv")
    assert [r["outcome"] for r in ids] == ["imported", "imported"]
    with sqlite3.connect(tmp_path / "data" / "assessment.db") as db:
        audited = db.execute(
            "SELECT count(*) FROM audit_log WHERE user_id = 'go-live-operator' "
            "AND purpose = 'onboarding'"
        ).fetchone()[0]
    assert audited == 2


async def test_workers_import_a_part_each_and_their_files_are_merged(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`llr import --workers 2`: two processes, one part of the file each, one merged result."""
    _, runtime = delegation
    file, people = given_file(tmp_path / "delegations.csv", 11, "workers")
    await given_people(runtime, people)
    monkeypatch.setenv("DELEGATION_DATABASE_URL", runtime.settings.database_url)
    command = ["import", "delegations", str(file), "--workers", "2", "--batch", "4"]

    code = await asyncio.to_thread(cli.main, [*command, "--out", str(tmp_path)])
    again = await asyncio.to_thread(cli.main, [*command, "--out", str(tmp_path), "--from-start"])

    assert (code, again) == (0, 0)
    ids = read(tmp_path / "delegations.csv.ids.csv")
    assert [int(r["row"]) for r in ids] == list(range(2, 13))
    assert {r["outcome"] for r in ids} == {"already_imported"}
    assert await count(runtime, select(func.count()).select_from(Delegation)) == 11


def first_commit(checkpoint: Path) -> None:
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


async def test_a_killed_import_resumes_from_its_checkpoint_with_each_event_once(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    """SIGKILL mid-file, then the same command again: no duplicate, no missing row."""
    _, runtime = delegation
    file, people = given_file(tmp_path / "delegations.csv", 300, "killed")
    await given_people(runtime, people)
    env = {**os.environ, "DELEGATION_DATABASE_URL": runtime.settings.database_url}
    command = [sys.executable, "-m", "services.cli", "import", "delegations", str(file)]
    command += ["--batch", "5", "--out", str(tmp_path)]
    checkpoint = tmp_path / "delegations.csv.checkpoint.json"
    running = await asyncio.create_subprocess_exec(
        *command, env=env, stderr=asyncio.subprocess.DEVNULL
    )
    await asyncio.to_thread(first_commit, checkpoint)
    running.send_signal(signal.SIGKILL)
    await running.wait()

    resumed = await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, check=False
    )

    assert running.returncode == -signal.SIGKILL
    assert "resumed after row" in resumed.stdout, resumed.stdout + resumed.stderr
    assert await count(runtime, select(func.count()).select_from(Delegation)) == 300
    delegated = await published(runtime, TaskDelegated)
    assert sorted(e.person_id for e in delegated) == sorted(people)  # type: ignore[attr-defined]


def test_a_file_lacking_a_column_is_refused_whole_naming_the_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "people.csv"
    file.write_text("source_id,nhs_number\nSYS-1,9434765919\n")

    code = cli.main(["import", "people", str(file), "--data", str(tmp_path / "data")])

    assert code == 1
    said = capsys.readouterr().err
    assert "the header lacks local_authority, gp_practice" in said
    assert not (tmp_path / "people.csv.ids.csv").exists()


async def test_r2_an_organisation_not_in_the_register_is_refused_naming_its_column(
    delegation: tuple[AsyncClient, Runtime], tmp_path: Path
) -> None:
    _, runtime = delegation
    made = list(examples.generated(3, "register"))
    made[1][1]["provider_organisation"] = "NOT-A-PARTNER"
    made[2][1]["mdt_members"] += "|registered_nurse:NOBODY-KNOWN:rn-x"
    file = examples.write(tmp_path / "delegations.csv", (row for _, row in made))
    await given_people(runtime, [person for person, _ in made])

    summary = await imported(runtime, file, tmp_path)

    assert (summary.imported, summary.refused) == (1, 2)
    assert [(e["row"], e["field"]) for e in errors_of(summary)] == [
        ("3", "provider_organisation"),
        ("4", "mdt_members"),
    ]
