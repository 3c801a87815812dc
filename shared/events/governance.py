"""Events the governance service publishes on `governance.board`, keyed by subject id."""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.events import Event
from shared.events.funding import Share
from shared.events.vocabulary import (
    Delegability,
    Direction,
    OrganisationKind,
    Setting,
    TaskCategory,
)


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


class RulingIssued(BoardEvent):
    """Emitted when the IPCB issues a ruling or new guidance with its effective date (R27)."""

    ruling_id: UUID
    title: str
    summary: str
    effective_from: date


class OrganisationRegistered(BoardEvent):
    """Emitted when the IPCB adds an organisation to the register or changes its entry (R2); every
    service keeps the register, and a token's or record's organisation must be in it."""

    ods_code: str
    name: str
    kind: OrganisationKind
    ipcb_member: bool
    effective_from: date
    national_ods_code: str | None = None  # the national ODS code, when `ods_code` is not one


class CatalogueChange(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


class TaskCatalogueChanged(BoardEvent):
    """Emitted when a ruling changes the task catalogue; the delegation service applies it (R10)."""

    ruling_id: UUID
    change: CatalogueChange
    task_code: str
    name: str
    category: TaskCategory
    delegability: Delegability
    effective_from: date
    # A 5.13: False for tasks needing an instruction record, not a training plan; None: unchanged
    # (a new task needs specific training unless the ruling says otherwise).
    needs_specific_training: bool | None = None
    # The SNOMED CT concept the IPCB chose for the task (an SCTID and its display term); None:
    # the ruling does not say, and the entry keeps the concept it had.
    snomed_concept_id: str | None = Field(default=None, pattern=r"^[1-9][0-9]{5,17}$")
    snomed_display: str | None = Field(default=None, max_length=255)


class SharedCareDecision(StrEnum):
    DELEGATE = "delegate"
    DO_NOT_DELEGATE = "do_not_delegate"


class SharedCareDecisionRecorded(BoardEvent):
    """Emitted when a Shared Care discussion decides a proposal the MDT could not (R14)."""

    discussion_id: UUID
    proposal_id: UUID
    person_id: UUID
    decision: SharedCareDecision
    conditions: list[str]
    rationale: str
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    decided_on: date


class DisputeResolved(BoardEvent):
    """Emitted when the CSU resolves a funding dispute: who pays what, from when (R22)."""

    case_id: UUID
    dispute_id: UUID
    package_id: UUID
    person_id: UUID
    shares: list[Share]
    effective_from: date
    resolved_on: date
    framework_version: int | None = None  # R29: the version the resolution was made under


class EqualityReportRequested(BoardEvent):
    """Emitted when the IPCB asks for an equality monitoring report over a period (R28)."""

    report_id: UUID
    period_start: date
    period_end: date


PUBLISHED: Sequence[type[Event]] = (
    FrameworkVersionPublished,
    RulingIssued,
    TaskCatalogueChanged,
    SharedCareDecisionRecorded,
    DisputeResolved,
    EqualityReportRequested,
    OrganisationRegistered,
)
