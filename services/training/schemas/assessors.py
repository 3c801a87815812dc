"""Approved assessors (R25) and the assessors a provider approved to act for it (R16)."""

from datetime import date
from uuid import UUID

from pydantic import Field

from services.training.schemas.common import Input, Name, Output


class ApprovedAssessorCreate(Input):
    user_id: Name
    organisation: Name


class ApprovedAssessorRead(Output):
    user_id: str
    organisation: str
    approved_on: date


class AssessorApprovalCreate(Input):
    user_id: Name = Field(description="the assessor as their token names them (`sub`)")
    organisation: Name = Field(description="the assessor's organisation (in the register, R2)")


class AssessorApprovalRead(Output):
    id: UUID
    provider_organisation: str = Field(description="the provider whose workers they act for")
    user_id: str
    assessor_organisation: str
    approved_on: date
    withdrawn_on: date | None
