"""Bodies for consent to a delegated task (R7)."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.assessment.schemas.people import Organisation
from shared.dates import PastDate
from shared.events.assessment import ConsentGivenBy
from shared.pages import Page

TaskCode = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9\-_.]+$")]


class ConsentCreate(BaseModel):
    """R7: consent to a specific delegated task, by the person or a lawful representative."""

    model_config = ConfigDict(extra="forbid")

    task_code: TaskCode
    delegation_id: UUID | None = Field(
        default=None, description="The delegation the consent is given for"
    )
    provider_organisation: Organisation | None = Field(
        default=None,
        description="Or the provider it is given for; with neither, the consent is task-wide "
        "only until a delegation of the task goes live, then it is linked to that one",
    )
    given_by: ConsentGivenBy
    authority_reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The LPA's or the court order's reference (a lasting power of attorney or a "
        "court deputy)",
    )
    capacity_assessed_on: PastDate | None = Field(
        default=None, description="When the person was assessed to lack capacity (best interests)"
    )
    given_on: PastDate

    @model_validator(mode="after")
    def _one_delegation_or_provider(self) -> "ConsentCreate":
        if self.delegation_id is not None and self.provider_organisation is not None:
            raise ValueError("provider_organisation: name the delegation or the provider, not both")
        return self


class ConsentWithdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    withdrawn_on: PastDate
    reason: str = Field(min_length=1, max_length=2000)


class ConsentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    person_id: UUID
    task_code: str
    delegation_id: UUID | None
    provider_organisation: str | None
    linked_delegation_id: UUID | None = Field(
        description="The delegation that went live under this consent: the only one it covers"
    )
    linked_on: date | None
    given_by: ConsentGivenBy
    authority_reference: str | None
    capacity_assessed_on: date | None
    given_on: date
    recorded_at: datetime
    recorded_by: str
    withdrawn_on: date | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdrawal_reason: str | None


class ConsentPage(Page[ConsentRead]):
    """A person's consents, oldest first, withdrawn ones included."""
