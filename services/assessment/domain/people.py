"""People: the NHS number's check digit, their Community Health Services status (R17), and the
self-declared equality profile (R28)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from shared.errors import InvalidInput
from shared.events import Event
from shared.events.assessment import CommunityHealthServicesStatusChanged, GpPracticeChanged
from shared.lifecycle import Lifecycle

PREFER_NOT_TO_SAY = "prefer_not_to_say"
NOT_DECLARED = "not_declared"


# R28: the nine protected characteristics of the Equality Act 2010 and the values a person may
# declare for each (high-level ONS census groupings); "prefer not to say" is always allowed.
class Age(StrEnum):
    FROM_18_TO_24 = "18_24"
    FROM_25_TO_34 = "25_34"
    FROM_35_TO_44 = "35_44"
    FROM_45_TO_54 = "45_54"
    FROM_55_TO_64 = "55_64"
    FROM_65_TO_74 = "65_74"
    FROM_75_TO_84 = "75_84"
    FROM_85 = "85_plus"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class YesNo(StrEnum):
    YES = "yes"
    NO = "no"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class MarriageAndCivilPartnership(StrEnum):
    MARRIED = "married"
    CIVIL_PARTNERSHIP = "civil_partnership"
    NEITHER = "neither"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class PregnancyAndMaternity(StrEnum):
    PREGNANT = "pregnant"
    ON_MATERNITY_LEAVE = "on_maternity_leave"
    NEITHER = "neither"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Race(StrEnum):
    ASIAN = "asian"
    BLACK = "black"
    MIXED = "mixed"
    WHITE = "white"
    OTHER = "other"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class ReligionOrBelief(StrEnum):
    NO_RELIGION = "no_religion"
    CHRISTIAN = "christian"
    BUDDHIST = "buddhist"
    HINDU = "hindu"
    JEWISH = "jewish"
    MUSLIM = "muslim"
    SIKH = "sikh"
    OTHER = "other"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


class SexualOrientation(StrEnum):
    HETEROSEXUAL = "heterosexual"
    GAY_OR_LESBIAN = "gay_or_lesbian"
    BISEXUAL = "bisexual"
    OTHER = "other"
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY


DECLARABLE: Mapping[str, type[StrEnum]] = {
    "age": Age,
    "disability": YesNo,
    "gender_reassignment": YesNo,
    "marriage_and_civil_partnership": MarriageAndCivilPartnership,
    "pregnancy_and_maternity": PregnancyAndMaternity,
    "race": Race,
    "religion_or_belief": ReligionOrBelief,
    "sex": Sex,
    "sexual_orientation": SexualOrientation,
}
CHARACTERISTICS: Mapping[str, tuple[str, ...]] = {
    name: tuple(v.value for v in values if v.value != PREFER_NOT_TO_SAY)
    for name, values in DECLARABLE.items()
}


class CommunityHealthServices(StrEnum):
    """R17: whether the person is open to Community Health Services."""

    OPEN = "open"
    DISCHARGED = "discharged"


class CommunityHealthServicesCommand(StrEnum):
    OPEN = "opened"
    DISCHARGE = "discharged"


COMMUNITY_HEALTH_SERVICES: Lifecycle[CommunityHealthServices, CommunityHealthServicesCommand] = (
    Lifecycle(
        "person's Community Health Services status",
        {
            (
                CommunityHealthServices.DISCHARGED,
                CommunityHealthServicesCommand.OPEN,
            ): CommunityHealthServices.OPEN,
            (
                CommunityHealthServices.OPEN,
                CommunityHealthServicesCommand.DISCHARGE,
            ): CommunityHealthServices.DISCHARGED,
        },
    )
)


@dataclass(frozen=True)
class PersonFacts:
    person_id: UUID
    gp_practice: str
    open_to_community_health_services: bool

    @property
    def community_health_services(self) -> CommunityHealthServices:
        if self.open_to_community_health_services:
            return CommunityHealthServices.OPEN
        return CommunityHealthServices.DISCHARGED


def change_community_health_services(
    person: PersonFacts, open_to_them: bool, effective_date: date
) -> tuple[CommunityHealthServices, list[Event]] | None:
    """R17: opening to or discharge from CHS is published; the same status again is None."""
    command = (
        CommunityHealthServicesCommand.OPEN
        if open_to_them
        else CommunityHealthServicesCommand.DISCHARGE
    )
    now_in = person.community_health_services
    if now_in is (
        CommunityHealthServices.OPEN if open_to_them else CommunityHealthServices.DISCHARGED
    ):
        return None
    state = COMMUNITY_HEALTH_SERVICES.next(now_in, command)
    changed = CommunityHealthServicesStatusChanged(
        person_id=person.person_id,
        open_to_community_health_services=state is CommunityHealthServices.OPEN,
        gp_practice=person.gp_practice,
        effective_date=effective_date,
    )
    return state, [changed]


def change_gp_practice(
    person: PersonFacts, gp_practice: str, effective_date: date
) -> GpPracticeChanged | None:
    """R17: a new GP practice is published (primary care oversight follows it); the same
    practice again is None."""
    if gp_practice == person.gp_practice:
        return None
    return GpPracticeChanged(
        person_id=person.person_id, gp_practice=gp_practice, effective_date=effective_date
    )


def nhs_number(raw: str) -> str:
    """The ten digits of a valid NHS number; spaces are allowed on input (Modulus 11)."""
    digits = raw.replace(" ", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        raise ValueError("an NHS number is 10 digits")
    if check_digit(digits[:9]) != int(digits[9]):
        raise ValueError("the NHS number fails the Modulus 11 check")
    return digits


def check_digit(first_nine: str) -> int | None:
    """Modulus 11: weights 10..2; 11 becomes 0; 10 means no valid number has these digits."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 10:
        return None
    return 0 if check == 11 else check


def values_of(characteristic: str) -> tuple[str, ...]:
    """Every value a report shows for a characteristic, including the two non-answers."""
    return (*CHARACTERISTICS[characteristic], PREFER_NOT_TO_SAY, NOT_DECLARED)


def equality_profile(declared: Mapping[str, str | None]) -> dict[str, str]:
    """R28: a profile over the nine characteristics; what was not declared says so."""
    profile = {}
    for characteristic, allowed in CHARACTERISTICS.items():
        value = declared.get(characteristic)
        if value is not None and value not in (*allowed, PREFER_NOT_TO_SAY):
            reason = f"must be one of {[*allowed, PREFER_NOT_TO_SAY]}"
            raise InvalidInput(characteristic, reason)
        profile[characteristic] = NOT_DECLARED if value is None else value
    return profile
