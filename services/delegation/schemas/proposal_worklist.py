"""The MDT's work queue and the decision record read back (R9-R14, R29)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field

from services.delegation.schemas import Output
from services.delegation.schemas.proposals import ProposalRead
from shared.events.delegation import DecisionOutcome
from shared.pages import Page


class ProposalPage(Page[ProposalRead]):
    """Proposals, by the day submitted."""


class DecisionRecordRead(Output):
    """A decision as it was recorded: for the MDT its members and disciplines, the person's and
    family's involvement, the risk and benefit assessment, the s.22 test, the justification and
    reasons; for Shared Care its decision, conditions and rationale."""

    id: UUID
    proposal_id: UUID
    source: str = Field(description="`mdt` or `shared_care`")
    outcome: DecisionOutcome
    framework_version: int = Field(description="R29: the version it was decided under")
    decided_on: date
    decided_by: str
    rule: str | None = Field(default=None, description="R10-R13: the rule that refused it")
    section_22_met: bool | None = None
    funding_basis: str | None = None
    organisations: list[str] | None = Field(
        default=None, description="R9, R13: the organisations of the MDT members who decided"
    )
    record: dict[str, Any] = Field(description="The decision's full record, as given")


class DecisionRecordPage(Page[DecisionRecordRead]):
    """A proposal's decisions, by the day decided."""
