"""A progress bar with rate and time left on stderr; plain lines when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR = 30


def duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


class Progress:
    """`advance(n)` after each batch; a terminal gets one redrawn line, a log a line each
    `every` seconds (and the last)."""

    def __init__(
        self, label: str, total: int, stream: TextIO | None = None, every: float = 5.0
    ) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = 0.2 if self.tty else every
        self.started = self.shown = time.monotonic()

    def advance(self, rows: int) -> None:
        self.done += rows
        at = time.monotonic()
        if at - self.shown >= self.every or self.done >= self.total:
            self.shown = at
            self.show(at)

    def line(self, at: float) -> str:
        elapsed = max(at - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0.0
        share = self.done / self.total if self.total else 1.0
        filled = int(BAR * share)
        return (
            f"{self.label} [{'#' * filled}{'.' * (BAR - filled)}] {self.done:,}/{self.total:,} "
            f"{share:4.0%} {rate:,.0f} rows/s, {duration(left)} left"
        )

    def show(self, at: float) -> None:
        if self.tty:
            self.stream.write("\r" + self.line(at))
            if self.done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(self.line(at) + "\n")
        self.stream.flush()
