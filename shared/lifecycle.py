"""Lifecycles: an aggregate's states and its one transition table, `(state, command) -> state`.

Each service's `domain/` declares a `Lifecycle` per aggregate and decides through it; handlers
apply the answer and never set a state themselves. The table is data, so it can be printed,
counted and tested; an absent pair is a 409 naming the state the aggregate is in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from shared.errors import Conflict

S = TypeVar("S", bound=StrEnum)
C = TypeVar("C", bound=StrEnum)


@dataclass(frozen=True)
class Lifecycle(Generic[S, C]):
    """The states an aggregate may pass through and the command that moves it each time."""

    name: str
    table: Mapping[tuple[S, C], S]

    def next(self, state: S, command: C) -> S:
        """The state `command` leads to from `state`; a Conflict naming the state otherwise."""
        try:
            return self.table[(state, command)]
        except KeyError:
            raise Conflict(
                f"the {self.name} is {state}: it cannot be {command}", state=str(state)
            ) from None

    def allows(self, state: S, command: C) -> bool:
        return (state, command) in self.table

    def commands_from(self, state: S) -> list[C]:
        return [command for (source, command) in self.table if source == state]

    def states(self) -> set[S]:
        return {s for s, _ in self.table} | set(self.table.values())
