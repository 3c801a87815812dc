"""Bodies for the partner register (R2)."""

from pydantic import Field

from services.governance.schemas.common import EffectiveDate, Input, Output
from shared.events.vocabulary import OrganisationKind
from shared.pages import Page

ODS_CODE = r"^[A-Z0-9][A-Z0-9-]{1,99}$"
NATIONAL_ODS_CODE = r"^[A-Z0-9]{3,12}$"


class OrganisationWrite(Input):
    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    ipcb_member: bool = Field(description="whether it sits on the IPCB (a board organisation)")
    national_ods_code: str | None = Field(
        default=None,
        pattern=NATIONAL_ODS_CODE,
        description="its national ODS code (QK1, RT5), when the register's code is not one",
    )
    effective_from: EffectiveDate | None = Field(default=None, description="today when absent")


class OrganisationRead(Output):
    ods_code: str
    name: str
    kind: OrganisationKind
    ipcb_member: bool
    national_ods_code: str | None = None


class OrganisationPage(Page[OrganisationRead]):
    """The partner register, by code."""
