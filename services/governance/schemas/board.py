"""Bodies for the board (R27): partners, members, reported issues, rulings, areas and themes."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from services.governance.domain.board import IssueStatus, RulingKind
from services.governance.schemas.common import EffectiveDate, Input, Output, Text
from shared.dates import PastDate
from shared.events.governance import CatalogueChange
from shared.events.vocabulary import Delegability, TaskCategory
from shared.pages import Page

Title = Annotated[str, Field(min_length=1, max_length=200)]
Organisation = Annotated[str, Field(min_length=1, max_length=100)]


class PartnerRead(Output):
    code: str
    name: str
    kind: str


class MemberCreate(Input):
    organisation: Organisation
    member_ref: str = Field(min_length=1, max_length=200, description="staff id of the member")
    role_title: Title
    appointed_on: PastDate


class MemberStandDown(Input):
    reason: Text


class MemberRead(Output):
    member_id: UUID
    organisation: str
    member_ref: str
    role_title: str
    appointed_on: date


class IssueCreate(Input):
    title: Title
    description: Text


class IssueTriage(Input):
    status: IssueStatus
    agreed_handling: str | None = Field(default=None, min_length=1, max_length=5000)
    outcome: str | None = Field(default=None, min_length=1, max_length=5000)
    outcome_ruling_id: UUID | None = None


class IssueRead(Output):
    issue_id: UUID
    title: str
    description: str
    reporter_organisation: str
    reported_at: datetime
    status: IssueStatus
    agreed_handling: str | None
    outcome: str | None
    outcome_ruling_id: UUID | None


class CatalogueChangeIn(Input):
    change: CatalogueChange
    task_code: str = Field(min_length=1, max_length=100)
    name: Title
    category: TaskCategory
    delegability: Delegability
    needs_specific_training: bool | None = Field(
        default=None,
        description="R16, A 5.13: false for a task needing only a recorded instruction "
        "(medication prompts, eye drops); omitted when the ruling does not say",
    )
    snomed_concept_id: str | None = Field(
        default=None,
        max_length=18,
        description="The SNOMED CT concept the board says the task is (an SCTID: 6 to 18 "
        "digits, a concept's partition, Verhoeff check digit); omitted: unchanged",
        examples=["404684003"],
    )
    snomed_display: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        pattern=r"^[A-Za-z0-9 ()\-,/'.+&]+$",
        description="The concept's display term, with the concept id",
    )


class RulingCreate(Input):
    kind: RulingKind = RulingKind.RULING
    title: Title
    summary: Text
    effective_from: EffectiveDate
    catalogue_changes: list[CatalogueChangeIn] = Field(default_factory=list, max_length=200)


class RulingRead(Output):
    ruling_id: UUID
    kind: RulingKind
    title: str
    summary: str
    effective_from: date
    catalogue_changes: list[CatalogueChangeIn]
    issued_at: datetime


class AreaCreate(Input):
    title: Title
    description: Text
    proposed_by: Organisation
    identified_on: PastDate


class AreaRead(Output):
    area_id: UUID
    title: str
    description: str
    proposed_by: str
    identified_on: date


class ThemeCreate(Input):
    title: Title
    summary: Text
    received_on: PastDate


class ThemeRead(Output):
    theme_id: UUID
    title: str
    summary: str
    received_on: date


class PartnerPage(Page[PartnerRead]):
    """The board's partner organisations, by code."""


class MemberPage(Page[MemberRead]):
    """The board's members, by organisation."""


class IssuePage(Page[IssueRead]):
    """Reported issues, oldest first."""


class RulingPage(Page[RulingRead]):
    """Rulings and guidance, by effective date."""


class AreaPage(Page[AreaRead]):
    """New areas for delegated working, oldest first."""


class ThemePage(Page[ThemeRead]):
    """Themes from the shared care panel, oldest first."""
