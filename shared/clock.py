"""Time as a dependency: code asks a clock, tests move it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def move(self, by: timedelta) -> None:
        self._now += by

    def set(self, to: datetime) -> None:
        self._now = to


class OffsetFileClock:
    """Time travel across processes for journeys and demos: system time plus a file's seconds.

    Refused in production (see ServiceSettings); a missing or empty file means no offset.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def now(self) -> datetime:
        try:
            offset = float(self.path.read_text().strip() or 0)
        except FileNotFoundError:
            offset = 0.0
        return datetime.now(UTC) + timedelta(seconds=offset)

    def move(self, by: timedelta) -> None:
        """Move every process that reads this file; they see it on their next reading."""
        current = self.now() - datetime.now(UTC)
        self.path.write_text(str((current + by).total_seconds()))


def today(clock: Clock) -> date:
    return clock.now().date()
