"""R14: a Shared Care discussion decides what the MDT could not; the decision is a precedent."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NoReturn
from uuid import UUID

from services.governance.domain.identifiers import refuse_identifiers
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.delegation import SharedCareQuestion
from shared.events.governance import SharedCareDecision, SharedCareDecisionRecorded
from shared.events.vocabulary import Direction, Setting, TaskCategory
from shared.lifecycle import Lifecycle


class DiscussionStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    # It decided to delegate, and the delegation service refused: the task fails R10-R12.
    DELEGATION_REFUSED = "delegation_refused"


class DiscussionCommand(StrEnum):
    DECIDE = "decided"
    REFUSE_DELEGATION = "refused by the delegation service"


DISCUSSION: Lifecycle[DiscussionStatus, DiscussionCommand] = Lifecycle(
    "Shared Care discussion",
    {
        (DiscussionStatus.OPEN, DiscussionCommand.DECIDE): DiscussionStatus.DECIDED,
        (
            DiscussionStatus.DECIDED,
            DiscussionCommand.REFUSE_DELEGATION,
        ): DiscussionStatus.DELEGATION_REFUSED,
    },
)
# A refusal names its rule by id, nothing else: it is shown on case examples.
RULE_ID = re.compile(r"R(?:[1-9]|1[0-9]|2[0-9])")


def discussion_status(decided: bool, refused: bool = False) -> DiscussionStatus:
    """A discussion is decided once its decision is recorded; refused once delegation refuses."""
    if refused:
        return DiscussionStatus.DELEGATION_REFUSED
    return DiscussionStatus.DECIDED if decided else DiscussionStatus.OPEN


def record_refusal(
    status: DiscussionStatus, decision: SharedCareDecision | None, rule: str | None
) -> DiscussionStatus | None:
    """R14 with R10-R12: a decision to delegate that the delegation service refused keeps why.

    None when there is nothing to record: the discussion has not decided to delegate, or the
    refusal is already recorded (the same fact again). A rule that is not a rule id is refused,
    so no free text reaches a case example.
    """
    if decision is not SharedCareDecision.DELEGATE:
        return None
    if not DISCUSSION.allows(status, DiscussionCommand.REFUSE_DELEGATION):
        return None
    if rule is not None and not RULE_ID.fullmatch(rule):
        raise InvalidInput("rule", "a refusal names the rule by its id, R1 to R29")
    return DISCUSSION.next(status, DiscussionCommand.REFUSE_DELEGATION)


@dataclass(frozen=True)
class Discussion:
    discussion_id: UUID
    proposal_id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    question: str
    positions: Sequence[str]
    status: DiscussionStatus = DiscussionStatus.OPEN
    question_code: SharedCareQuestion | None = None


@dataclass(frozen=True)
class Participant:
    staff_id: str
    discipline: str
    organisation: str


@dataclass(frozen=True)
class Decision:
    decision: SharedCareDecision
    conditions: Sequence[str]
    rationale: str
    circumstances: str
    participants: Sequence[Participant]
    decided_on: date
    summary: str  # what the panel writes for publication as a case example


@dataclass(frozen=True)
class CaseExample:
    """A precedent for MDTs facing similar circumstances: structured facts and the summary the
    panel wrote for publication; never the MDT's question or positions, never an identifier."""

    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    question_code: SharedCareQuestion | None
    decision: SharedCareDecision
    disciplines: Sequence[str]
    summary: str
    decided_on: date


def decide(
    discussion: Discussion, decision: Decision
) -> tuple[DiscussionStatus, SharedCareDecisionRecorded, CaseExample]:
    """R14: the decision is documented, shared with the IPCB and kept as a precedent."""
    _check_decision(discussion, decision)
    status = DISCUSSION.next(discussion.status, DiscussionCommand.DECIDE)
    recorded = SharedCareDecisionRecorded(
        subject_id=f"shared-care-{discussion.discussion_id}",
        discussion_id=discussion.discussion_id,
        proposal_id=discussion.proposal_id,
        person_id=discussion.person_id,
        decision=decision.decision,
        conditions=list(decision.conditions),
        rationale=decision.rationale,
        task_code=discussion.task_code,
        category=discussion.category,
        direction=discussion.direction,
        setting=discussion.setting,
        decided_on=decision.decided_on,
    )
    return status, recorded, case_example(discussion, decision)


def case_example(discussion: Discussion, decision: Decision) -> CaseExample:
    """R14: the precedent keeps what was decided, for what task and by which disciplines, and
    the panel's summary for publication; the free text of the MDT and of the decision stays
    with the discussion."""
    return CaseExample(
        task_code=discussion.task_code,
        category=discussion.category,
        direction=discussion.direction,
        setting=discussion.setting,
        question_code=discussion.question_code,
        decision=decision.decision,
        disciplines=sorted({p.discipline for p in decision.participants}),
        summary=decision.summary,
        decided_on=decision.decided_on,
    )


def _check_decision(discussion: Discussion, decision: Decision) -> None:
    if not DISCUSSION.allows(discussion.status, DiscussionCommand.DECIDE):
        raise Conflict(
            "this Shared Care discussion has already decided",
            rule="R14",
            existing=f"/shared-care/discussions/{discussion.discussion_id}",
        )
    if len({p.organisation for p in decision.participants}) < 2:
        _refuse(
            "participants", "a Shared Care discussion brings together two organisations at least"
        )
    if decision.conditions and decision.decision is SharedCareDecision.DO_NOT_DELEGATE:
        _refuse("conditions", "conditions belong to a decision to delegate")
    # The summary is published; the rationale and conditions go to the delegation service in
    # the event; the circumstances stay beside them. None may hold an identifier.
    texts = {"summary": decision.summary, "rationale": decision.rationale}
    texts |= {"circumstances": decision.circumstances}
    texts |= {f"conditions.{i}": c for i, c in enumerate(decision.conditions)}
    refuse_identifiers(texts, "R14")


def _refuse(field: str, why: str) -> NoReturn:
    raise RuleViolation("R14", why, errors=[{"field": field, "reason": why}])
