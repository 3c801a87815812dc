"""Approved assessors (R25) and the assessors a provider approved to act for it (R16)."""

from datetime import date
from uuid import UUID

from pydantic import Field, field_validator

from services.training.domain.assessors import EVERY_PRACTITIONER
from services.training.schemas.common import Input, Name, Output
from shared.pages import Page


class ApprovedAssessorCreate(Input):
    user_id: Name
    organisation: Name


class ApprovedAssessorRead(Output):
    user_id: str
    organisation: str
    approved_on: date


class AssessorApprovalCreate(Input):
    user_id: Name | None = Field(
        default=None,
        description=(
            "the assessor as their token names them (`sub`); absent: every registered "
            "practitioner of the organisation"
        ),
    )
    organisation: Name = Field(description="the assessor's organisation (in the register, R2)")


class AssessorApprovalRead(Output):
    id: UUID
    provider_organisation: str = Field(description="the provider whose workers they act for")
    user_id: str | None = Field(description="None: every registered practitioner of it")
    assessor_organisation: str
    approved_on: date
    withdrawn_on: date | None

    @field_validator("user_id", mode="before")
    @classmethod
    def _every_practitioner(cls, value: str | None) -> str | None:
        return None if value == EVERY_PRACTITIONER else value


class ApprovedAssessorPage(Page[ApprovedAssessorRead]):
    """Approved assessors, by user id."""


class AssessorApprovalPage(Page[AssessorApprovalRead]):
    """Assessors' approvals to act for providers, by provider."""
