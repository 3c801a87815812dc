"""The import loop: rows in batches (one transaction each, one savepoint per row), rows already
imported skipped by their source id, a checkpoint after each commit, errors by row and column."""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.onboarding.progress import Progress, duration
from services.onboarding.rows import FieldProblem, RowRefused, cell, refused
from shared.audit import Purpose, audit_log
from shared.auth import CurrentUser, Role
from shared.db import now
from shared.errors import DomainError
from shared.service import Runtime

BATCH = 500
FIRST_ROW = 2  # the header is row 1, as a spreadsheet numbers them
SOURCE_ID = "source_id"


def operator(user_id: str, organisation: str) -> CurrentUser:
    """The importing operator, acting for the organisation a row names: a platform role, so the
    relationship checks (which the import itself creates) do not apply; every rule still does."""
    return CurrentUser(user_id=user_id, organisation=organisation, role=Role.SERVICE)


# (session, [(key, parsed row)]) → the keys of rows already imported, and the id made for each
Existing = Callable[[AsyncSession, Sequence[tuple[str, Any]]], Awaitable[dict[str, str]]]
Apply = Callable[[AsyncSession, str, str, Any], Awaitable[str]]
Numbered = tuple[int, str, Any]  # row number, key, parsed row
# (session, operator, file name, rows) → ids made by row number, and rows left to `apply`
ApplyBatch = Callable[
    [AsyncSession, str, str, Sequence[Numbered]],
    Awaitable[tuple[dict[int, str], list[Numbered]]],
]


@dataclass(frozen=True)
class Kind:
    """One file's kind: its service, columns, how a row is read and how it is imported."""

    name: str
    service: str
    columns: tuple[str, ...]  # every column the header must have (optional ones may be empty)
    parse: Callable[[dict[str, str]], Any]  # raises RowRefused
    existing: Existing
    apply: Apply  # (session, operator, key, parsed) → the id made; raises RowRefused/DomainError
    explain: Callable[[DomainError], RowRefused]
    apply_batch: ApplyBatch | None = None  # a batch in a few statements; `apply` for the rest
    describe: Callable[[Any], str] = lambda _row: ""  # facts kept only in the audit's reason

    def key(self, source_id: str) -> str:
        """The idempotency key the service keeps for the row: its natural key."""
        return f"onboarding:{self.name}:{source_id}"


@dataclass
class Summary:
    kind: str
    rows: int = 0
    imported: int = 0
    already: int = 0
    refused: int = 0
    resumed_after: int = 0
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        resumed = f", resumed after row {self.resumed_after + 1}" if self.resumed_after else ""
        return (
            f"{self.kind}: {self.rows:,} rows read, {self.imported:,} imported, {self.already:,} "
            f"already imported, {self.refused:,} refused in {duration(self.seconds)} "
            f"({rate:,.0f} rows/s){resumed}"
        )


@dataclass(frozen=True)
class Part:
    """Part `index` of `count` of the file's rows (`llr import --workers`): a contiguous slice."""

    index: int = 0
    count: int = 1

    def bounds(self, total: int) -> tuple[int, int]:
        return total * self.index // self.count, total * (self.index + 1) // self.count

    @classmethod
    def parse(cls, text: str) -> Part:
        index, _, count = text.partition("/")
        part = cls(int(index), int(count))
        if not 0 <= part.index < part.count:
            raise ValueError(f"part {text}: K/N with 0 <= K < N")
        return part


@dataclass(frozen=True)
class Outputs:
    """Beside the file: its errors, the ids made, and the checkpoint of the last commit."""

    errors: Path
    ids: Path
    checkpoint: Path

    @classmethod
    def beside(cls, path: Path, directory: Path | None, part: Part | None = None) -> Outputs:
        base = (directory or path.parent) / path.name
        if part is not None and part.count > 1:
            base = base.with_name(f"{base.name}.part{part.index}of{part.count}")
        return cls(
            Path(f"{base}.errors.csv"), Path(f"{base}.ids.csv"), Path(f"{base}.checkpoint.json")
        )


ERROR_HEADER = ["row", "source_id", "field", "rule", "reason"]
IDS_HEADER = ["row", "source_id", "id", "outcome"]


def digest(path: Path) -> str:
    found = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            found.update(chunk)
    return found.hexdigest()


def resume_point(outputs: Outputs, file_digest: str, part: Part, from_start: bool) -> int:
    """Rows committed by an earlier run of this same file and part (0: start afresh)."""
    if from_start or not outputs.checkpoint.exists():
        return 0
    saved = json.loads(outputs.checkpoint.read_text())
    same = saved.get("sha256") == file_digest and saved.get("part", [0, 1]) == list(
        vars(part).values()
    )
    return int(saved["rows"]) if same else 0


def keep_rows_before(path: Path, header: list[str], last_row: int) -> TextIO:
    """Open an output for appending, keeping only what an earlier run wrote up to `last_row`."""
    kept: list[list[str]] = []
    if last_row and path.exists():
        with path.open(newline="") as f:
            reader = csv.reader(f)
            next(reader, None)
            kept = [r for r in reader if r and int(r[0]) <= last_row]
    out = path.open("w", newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(kept)
    return out


def records(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        yield from csv.DictReader(f)


def check_header(path: Path, kind: Kind) -> int:
    """The data rows in the file; a missing column refuses the whole file before any row."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in kind.columns if c not in (reader.fieldnames or [])]
        if missing:
            raise FileRefused(f"{path}: the header lacks {', '.join(missing)} (docs/onboarding.md)")
        return sum(1 for _ in reader)


class FileRefused(Exception):
    """The file cannot be read as its kind: nothing is imported."""


@dataclass
class Batch:
    first_row: int
    rows: list[dict[str, str]]


def batches(path: Path, size: int, skip: int, end: int) -> Iterator[Batch]:
    """The rows from index `skip` to `end`, `size` at a time."""
    current = Batch(FIRST_ROW + skip, [])
    for index, row in enumerate(records(path)):
        if index < skip:
            continue
        if index >= end:
            break
        current.rows.append(row)
        if len(current.rows) == size:
            yield current
            current = Batch(current.first_row + size, [])
    if current.rows:
        yield current


async def import_file(
    runtime: Runtime,
    kind: Kind,
    path: Path,
    user_id: str,
    *,
    batch_size: int = BATCH,
    out_dir: Path | None = None,
    from_start: bool = False,
    progress: TextIO | None = None,
    part: Part = Part(),
) -> Summary:
    """Import every row of `path` (or of its `part`); re-running skips what is done, resuming
    after the last commit of an interrupted run."""
    total = check_header(path, kind)
    start, end = part.bounds(total)
    outputs = Outputs.beside(path, out_dir, part)
    outputs.errors.parent.mkdir(parents=True, exist_ok=True)
    file_digest = digest(path)
    done = resume_point(outputs, file_digest, part, from_start)
    summary = Summary(kind.name, resumed_after=done, outputs=vars(outputs))
    bar = Progress(f"{kind.name}", end - start, progress)
    bar.advance(done)
    started = time.monotonic()
    last_kept = FIRST_ROW + start + done - 1
    with (
        keep_rows_before(outputs.errors, ERROR_HEADER, last_kept) as errors,
        keep_rows_before(outputs.ids, IDS_HEADER, last_kept) as ids,
    ):
        for batch in batches(path, batch_size, start + done, end):
            found = await run_batch(runtime, kind, path, user_id, batch)
            csv.writer(errors).writerows(found.errors)
            csv.writer(ids).writerows(found.ids)
            errors.flush()
            ids.flush()
            done += len(batch.rows)
            save_checkpoint(outputs.checkpoint, file_digest, done, part)
            summary.imported += found.imported
            summary.already += found.already
            summary.refused += found.refused
            bar.advance(len(batch.rows))
    summary.rows = end - start
    summary.seconds = time.monotonic() - started
    return summary


def save_checkpoint(path: Path, file_digest: str, rows: int, part: Part) -> None:
    partial = path.with_suffix(".tmp")
    saved = {"sha256": file_digest, "rows": rows, "part": [part.index, part.count]}
    partial.write_text(json.dumps(saved))
    partial.replace(path)  # atomic: a crash leaves the old checkpoint or the new one


@dataclass
class Outcomes:
    errors: list[list[object]] = field(default_factory=list)
    ids: list[list[object]] = field(default_factory=list)
    imported: int = 0
    already: int = 0
    refused: int = 0

    def refuse(self, row: int, source_id: str, problems: Sequence[FieldProblem]) -> None:
        self.refused += 1
        self.errors.extend([row, source_id, p.field, p.rule, p.reason] for p in problems)


async def run_batch(
    runtime: Runtime, kind: Kind, path: Path, user_id: str, batch: Batch
) -> Outcomes:
    """One transaction: every good row imported (each in a savepoint), every bad one named."""
    outcomes = Outcomes()
    parsed: list[tuple[int, str, Any]] = []
    for number, row in enumerate(batch.rows, batch.first_row):
        source_id = cell(row, SOURCE_ID) or ""
        try:
            if not source_id or len(source_id) > 100:
                raise refused(SOURCE_ID, "required: the source system's id, 1-100 characters")
            parsed.append((number, source_id, kind.parse(row)))
        except RowRefused as exc:
            outcomes.refuse(number, source_id, exc.problems)
    async with runtime.sessions() as session, session.begin():
        existing = await kind.existing(session, [(kind.key(s), f) for _, s, f in parsed])
        todo: list[Numbered] = []
        first: dict[str, int] = {}
        for number, source_id, facts in parsed:
            key = kind.key(source_id)
            if key in existing:
                outcomes.already += 1
                outcomes.ids.append([number, source_id, existing[key], "already_imported"])
            elif key in first:
                problem = FieldProblem(SOURCE_ID, f"the same source_id as row {first[key]}")
                outcomes.refuse(number, source_id, [problem])
            else:
                first[key] = number
                todo.append((number, key, facts))
        if kind.apply_batch is not None:
            todo = await in_bulk(session, kind, path, user_id, todo, outcomes)
        for number, key, facts in todo:
            source_id = key.removeprefix(kind.key(""))
            made = await import_row(session, kind, path, user_id, (number, source_id, facts))
            if isinstance(made, RowRefused):
                outcomes.refuse(number, source_id, made.problems)
                continue
            outcomes.imported += 1
            outcomes.ids.append([number, source_id, made, "imported"])
    outcomes.ids.sort(key=lambda r: int(str(r[0])))
    outcomes.errors.sort(key=lambda r: int(str(r[0])))
    return outcomes


async def in_bulk(
    session: AsyncSession,
    kind: Kind,
    path: Path,
    user_id: str,
    todo: list[Numbered],
    outcomes: Outcomes,
) -> list[Numbered]:
    """The kind's batch path in a savepoint; if it fails, every row goes to the row path."""
    assert kind.apply_batch is not None
    try:
        async with session.begin_nested():
            made, left = await kind.apply_batch(session, user_id, path.name, todo)
    except (DomainError, IntegrityError, ValidationError):
        session.expunge_all()
        return todo
    for number, key, _ in todo:
        if number in made:
            outcomes.imported += 1
            outcomes.ids.append([number, key.removeprefix(kind.key("")), made[number], "imported"])
    return left


async def import_row(
    session: AsyncSession, kind: Kind, path: Path, user_id: str, row: tuple[int, str, Any]
) -> str | RowRefused:
    """The row's handlers in a savepoint: a refused row leaves nothing behind."""
    number, source_id, facts = row
    try:
        async with session.begin_nested():
            made = await kind.apply(session, user_id, kind.key(source_id), facts)
            where = origin(path.name, number, source_id, kind.describe(facts))
            await onboarded(session, kind, user_id, made, where)
    except RowRefused as exc:
        return exc
    except DomainError as exc:
        return kind.explain(exc)
    except ValidationError as exc:
        return RowRefused([FieldProblem("row", str(e["msg"])) for e in exc.errors()])
    except IntegrityError as exc:
        return refused("row", str(exc.orig).splitlines()[0])
    return made


def origin(file: str, number: int, source_id: str, described: str) -> str:
    """The audit reason of an imported row: where it came from, and what else it said."""
    return f"{file} row {number} source_id {source_id}" + (f"; {described}" if described else "")


async def onboarded(session: AsyncSession, kind: Kind, user_id: str, made: str, at: str) -> None:
    """The import's own audit row beside the handlers' ones: who imported what, from where."""
    await session.execute(
        insert(audit_log).values(
            at=now(session),
            user_id=user_id,
            role=Role.SERVICE.value,
            organisation="platform",
            action=f"onboarding.import.{kind.name}",
            subject=made,
            reason=at,
            purpose=Purpose.ONBOARDING.value,
        )
    )
