"""Bodies for people, their Community Health Services status and equality profile (R28)."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.assessment.domain import people
from shared.dates import PastDate
from shared.events.vocabulary import Setting
from shared.pages import Page

Organisation = Annotated[str, Field(min_length=2, max_length=200, pattern=r"^[A-Za-z0-9\-_. ]+$")]
OdsCode = Annotated[str, Field(min_length=3, max_length=20, pattern=r"^[A-Za-z0-9]+$")]
NhsNumber = Annotated[str, AfterValidator(people.nhs_number)]


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nhs_number: NhsNumber = Field(examples=["943 476 5919"])
    local_authority: Organisation
    gp_practice: OdsCode
    setting: Setting
    open_to_community_health_services: bool


class PersonLookup(BaseModel):
    """The NHS number travels in a body, never in a URL (URLs are logged and cached)."""

    model_config = ConfigDict(extra="forbid")

    nhs_number: NhsNumber


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    nhs_number: str | None = Field(
        description="Only for an organisation with a legitimate relationship with the person: "
        "null in a break-glass read"
    )
    local_authority: str
    gp_practice: str
    setting: Setting
    open_to_community_health_services: bool
    registered_at: datetime


class PeoplePage(Page[PersonRead]):
    """People, oldest registration first."""


class GpPracticeUpdate(BaseModel):
    """R17: the person's GP practice from `effective_date` (today when absent)."""

    model_config = ConfigDict(extra="forbid")

    gp_practice: OdsCode
    effective_date: PastDate | None = None


class CommunityHealthServicesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    open_to_community_health_services: bool
    effective_date: PastDate | None = None


class EqualityProfileWrite(BaseModel):
    """R28: each characteristic is optional; "prefer_not_to_say" is always an answer."""

    model_config = ConfigDict(extra="forbid")

    age: people.Age | None = None
    disability: people.YesNo | None = None
    gender_reassignment: people.YesNo | None = None
    marriage_and_civil_partnership: people.MarriageAndCivilPartnership | None = None
    pregnancy_and_maternity: people.PregnancyAndMaternity | None = None
    race: people.Race | None = None
    religion_or_belief: people.ReligionOrBelief | None = None
    sex: people.Sex | None = None
    sexual_orientation: people.SexualOrientation | None = None


class EqualityProfileRead(BaseModel):
    person_id: UUID
    characteristics: dict[str, str]
    declared_at: datetime
