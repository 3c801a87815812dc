"""Events the governance service publishes on `governance.board`, keyed by subject id."""

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from shared.events import Event


class BoardEvent(Event):
    topic: ClassVar[str] = "governance.board"
    key: ClassVar[str] = "subject_id"
    abstract: ClassVar[bool] = True

    subject_id: str


class FrameworkVersionPublished(BoardEvent):
    """Emitted when the IPCB publishes a version of the Framework with its effective date (R29)."""

    version: int
    effective_from: date
    summary: str


PUBLISHED: Sequence[type[Event]] = (FrameworkVersionPublished,)
