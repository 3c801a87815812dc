"""The Framework's rules the delegation service decides: pure functions, no I/O.

Each aggregate with states has one module here holding its states, its commands and its one
`Lifecycle` table; its decide functions return a `Transition` (the new state and the events it
causes) or raise a `RuleViolation` naming the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from shared.events import Event

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Transition(Generic[S]):
    """What the domain decided: the state to record and the events to publish with it."""

    state: S
    events: tuple[Event, ...]
