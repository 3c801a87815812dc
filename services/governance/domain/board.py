"""R27: the IPCB: one member per partner, triage of reported issues, rulings and guidance."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.governance.domain import snomed
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.governance import (
    BoardEvent,
    CatalogueChange,
    RulingIssued,
    TaskCatalogueChanged,
)
from shared.events.vocabulary import Delegability, TaskCategory
from shared.lifecycle import Lifecycle


def appoint_member(
    organisation: str, partners: Collection[str], sitting_member: UUID | None
) -> None:
    """R27: the board has one member from each partner organisation (R2), and only one."""
    if organisation not in partners:
        raise RuleViolation(
            "R27",
            f"{organisation} is not a board organisation in the partner register (R2)",
            errors=[
                {
                    "field": "organisation",
                    "reason": "not an IPCB member organisation in the register",
                }
            ],
        )
    if sitting_member is not None:
        raise Conflict(
            f"{organisation} already has its member of the board",
            rule="R27",
            existing=f"/board/members/{sitting_member}",
        )


class IssueStatus(StrEnum):
    REPORTED = "reported"
    AGREED = "agreed"  # the board has agreed how the issue is dealt with
    CLOSED = "closed"  # dealt with: the outcome is linked


class IssueCommand(StrEnum):
    AGREE = "agreed"  # again from agreed: the board revises how it is dealt with
    CLOSE = "closed"


ISSUE: Lifecycle[IssueStatus, IssueCommand] = Lifecycle(
    "issue",
    {
        (IssueStatus.REPORTED, IssueCommand.AGREE): IssueStatus.AGREED,
        (IssueStatus.REPORTED, IssueCommand.CLOSE): IssueStatus.CLOSED,
        (IssueStatus.AGREED, IssueCommand.AGREE): IssueStatus.AGREED,
        (IssueStatus.AGREED, IssueCommand.CLOSE): IssueStatus.CLOSED,
    },
)
COMMAND_TO_BECOME: dict[IssueStatus, IssueCommand] = {
    IssueStatus.AGREED: IssueCommand.AGREE,
    IssueStatus.CLOSED: IssueCommand.CLOSE,
}


@dataclass(frozen=True)
class Triage:
    status: IssueStatus
    agreed_handling: str | None
    outcome: str | None


def triage_issue(current: Triage, wanted: Triage) -> Triage:
    """R27: the board agrees how a reported issue is dealt with, then links its outcome."""
    command = COMMAND_TO_BECOME.get(wanted.status)
    if command is None:
        raise RuleViolation(
            "R27",
            f"an issue that is {current.status} cannot become {wanted.status}",
            errors=[{"field": "status", "reason": f"not allowed after {current.status}"}],
        )
    status = ISSUE.next(current.status, command)  # a closed issue stays closed: 409
    handling = wanted.agreed_handling or current.agreed_handling
    if handling is None:
        raise RuleViolation(
            "R27",
            "the board must agree how the issue is dealt with",
            errors=[{"field": "agreed_handling", "reason": "required"}],
        )
    if status is IssueStatus.CLOSED and not wanted.outcome:
        raise RuleViolation(
            "R27",
            "an issue is closed with its outcome linked",
            errors=[{"field": "outcome", "reason": "required to close"}],
        )
    return Triage(status, handling, wanted.outcome or current.outcome)


class RulingKind(StrEnum):
    RULING = "ruling"
    GUIDANCE = "guidance"


@dataclass(frozen=True)
class CatalogueEdit:
    change: CatalogueChange
    task_code: str
    name: str
    category: TaskCategory
    delegability: Delegability
    needs_specific_training: bool | None = None  # A 5.13; None: the ruling does not say
    # The SNOMED CT concept the IPCB says the task is; None: the ruling does not say.
    snomed_concept_id: str | None = None
    snomed_display: str | None = None


@dataclass(frozen=True)
class Ruling:
    ruling_id: UUID
    kind: RulingKind
    title: str
    summary: str
    effective_from: date
    catalogue_changes: Sequence[CatalogueEdit] = ()


def issue_ruling(ruling: Ruling, issued_on: date) -> list[BoardEvent]:
    """R27: a ruling or guidance takes effect from its date; only a ruling changes the catalogue."""
    if ruling.effective_from < issued_on:
        raise RuleViolation(
            "R27",
            f"a ruling takes effect on or after the day it is issued ({issued_on})",
            errors=[{"field": "effective_from", "reason": "before the day of issue"}],
        )
    if ruling.catalogue_changes and ruling.kind is RulingKind.GUIDANCE:
        raise RuleViolation(
            "R27",
            "guidance cannot change the task catalogue; a ruling can",
            errors=[{"field": "catalogue_changes", "reason": "only a ruling changes it"}],
        )
    for index, edit in enumerate(ruling.catalogue_changes):
        _check_edit(index, edit, ruling.catalogue_changes[:index])
    issued: list[BoardEvent] = [
        RulingIssued(
            subject_id=f"ruling-{ruling.ruling_id}",
            ruling_id=ruling.ruling_id,
            title=ruling.title,
            summary=ruling.summary,
            effective_from=ruling.effective_from,
        )
    ]
    return issued + [
        TaskCatalogueChanged(
            subject_id=f"task-{edit.task_code}",
            ruling_id=ruling.ruling_id,
            change=edit.change,
            task_code=edit.task_code,
            name=edit.name,
            category=edit.category,
            delegability=edit.delegability,
            effective_from=ruling.effective_from,
            needs_specific_training=edit.needs_specific_training,
            snomed_concept_id=edit.snomed_concept_id,
            snomed_display=edit.snomed_display,
        )
        for edit in ruling.catalogue_changes
    ]


def _check_edit(index: int, edit: CatalogueEdit, earlier: Sequence[CatalogueEdit]) -> None:
    if any(e.task_code == edit.task_code for e in earlier):
        raise InvalidInput(f"catalogue_changes.{index}.task_code", "changed twice in one ruling")
    field = f"catalogue_changes.{index}.snomed_concept"
    snomed.check_concept(edit.snomed_concept_id, edit.snomed_display, field)
    # A 5.11 per direction: only a social care task can be the exclusive remit of Adult Social
    # Care (never delegated to Health), and only a health task can be for a registered nurse
    # only (never delegated to social care); a social care task may otherwise go to Health.
    social_task = edit.category is TaskCategory.SOCIAL_CARE
    misplaced = (edit.delegability is Delegability.SOCIAL_CARE_ONLY and not social_task) or (
        edit.delegability is Delegability.NEVER and social_task
    )
    if misplaced:
        raise RuleViolation(
            "R10",
            "only a social care task can be social care only, and only a health task nurse-only",
            errors=[
                {
                    "field": f"catalogue_changes.{index}.delegability",
                    "reason": "does not match the category",
                }
            ],
        )
