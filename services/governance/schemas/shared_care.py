"""Bodies for Shared Care discussions and case examples (R14)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from services.governance.schemas.common import Input, Output, Text
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Direction, Setting, TaskCategory


class ParticipantIn(Input):
    staff_id: str = Field(min_length=1, max_length=200)
    discipline: str = Field(min_length=1, max_length=100)
    organisation: str = Field(min_length=1, max_length=100)


class DecisionCreate(Input):
    decision: SharedCareDecision
    conditions: list[str] = Field(default_factory=list, max_length=20)
    rationale: Text
    circumstances: str = Field(
        min_length=1, max_length=5000, description="the circumstances, with no identifiers"
    )
    participants: list[ParticipantIn] = Field(min_length=2, max_length=30)
    summary: str = Field(
        min_length=1,
        max_length=2000,
        description=(
            "what the panel writes for publication as a case example: no NHS number, postcode, "
            "date, telephone number or email address (refused, naming this field)"
        ),
    )


class DiscussionRead(Output):
    discussion_id: UUID
    proposal_id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    question: str
    positions: list[str]
    opened_at: datetime
    decision: SharedCareDecision | None
    conditions: list[str] | None
    rationale: str | None
    circumstances: str | None
    participants: list[dict[str, Any]] | None
    decided_on: date | None
    refused_on: date | None = Field(
        default=None, description="the day the delegation service refused the decision to delegate"
    )
    refusal_rule: str | None = Field(
        default=None, description="the rule the task failed (R10-R12), by its id"
    )


class CaseExampleRead(Output):
    """A precedent: structured facts and the panel's summary for publication, nothing else."""

    case_example_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    decision: SharedCareDecision
    disciplines: list[str]
    summary: str | None = Field(
        description="the panel's summary for publication (None: published before summaries)"
    )
    decided_on: date
    refusal_rule: str | None = Field(
        default=None, description="the rule on which the delegation was then refused, by its id"
    )
