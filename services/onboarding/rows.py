"""A CSV row becomes the body the API takes; what is wrong is named by row and column."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared.errors import DomainError, InvalidInput, RuleViolation

M = TypeVar("M", bound=BaseModel)
Path = tuple[str | int, ...]

LIST_SEPARATOR = "|"  # inside a cell: a list's items
PART_SEPARATOR = ":"  # inside an item: its parts (discipline:organisation:staff_id)


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with a row: the column it is in (or `row`), why, and the rule if one."""

    field: str
    reason: str
    rule: str = ""


class RowRefused(Exception):
    """The row is not imported: each problem names its column."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = list(problems)


def refused(field: str, reason: str, rule: str = "") -> RowRefused:
    return RowRefused([FieldProblem(field, reason, rule)])


def cell(row: Mapping[str, str], column: str) -> str | None:
    """The stripped cell; an empty cell is None (optional columns may be left out)."""
    value = (row.get(column) or "").strip()
    return value or None


def items(row: Mapping[str, str], column: str) -> list[str]:
    value = cell(row, column)
    return [] if value is None else [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]


BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def flag(row: Mapping[str, str], column: str) -> bool | str | None:
    """true/false, yes/no or 1/0; anything else passes through for pydantic to refuse."""
    value = cell(row, column)
    return value if value is None else BOOLEANS.get(value.lower(), value)


def body(model: type[M], data: dict[str, Any], columns: Mapping[str, Path]) -> M:
    """Validate the body the API takes; each error is named by the column it came from."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RowRefused([problem(e, columns) for e in exc.errors()]) from None


def problem(error: Mapping[str, Any], columns: Mapping[str, Path]) -> FieldProblem:
    loc = tuple(error["loc"])
    return FieldProblem(column_of(loc, columns), str(error["msg"]))


def column_of(loc: Path, columns: Mapping[str, Path]) -> str:
    """The column whose path is the longest prefix of the error's location."""
    best, length = "row", -1
    for column, path in columns.items():
        if loc[: len(path)] == path and len(path) > length:
            best, length = column, len(path)
    return best


def from_domain(
    exc: DomainError, columns: Mapping[str, Path], guess: Callable[[str], str] | None = None
) -> RowRefused:
    """A handler's refusal, named by column: an invalid field by its path, a rule by its id."""
    if isinstance(exc, InvalidInput):
        errors = exc.extensions.get("errors") or []
        return RowRefused(
            [
                FieldProblem(column_of(tuple(e["field"].split(".")), columns), e["reason"])
                for e in errors
            ]
        )
    rule = exc.rule if isinstance(exc, RuleViolation) else ""
    field = str(exc.extensions.get("field") or "")
    named = column_of(tuple(field.split(".")), columns) if field else "row"
    if named == "row" and guess is not None:
        named = guess(exc.detail)
    return refused(named, exc.detail, rule)
