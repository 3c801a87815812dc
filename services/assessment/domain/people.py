"""People: the NHS number's check digit, and the self-declared equality profile (R28)."""

from collections.abc import Mapping

from shared.errors import InvalidInput

PREFER_NOT_TO_SAY = "prefer_not_to_say"
NOT_DECLARED = "not_declared"

# R28: the nine protected characteristics of the Equality Act 2010 and the values a person may
# declare for each (high-level ONS census groupings); "prefer not to say" is always allowed.
CHARACTERISTICS: Mapping[str, tuple[str, ...]] = {
    "age": ("18_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_84", "85_plus"),
    "disability": ("yes", "no"),
    "gender_reassignment": ("yes", "no"),
    "marriage_and_civil_partnership": ("married", "civil_partnership", "neither"),
    "pregnancy_and_maternity": ("pregnant", "on_maternity_leave", "neither"),
    "race": ("asian", "black", "mixed", "white", "other"),
    "religion_or_belief": (
        "no_religion",
        "christian",
        "buddhist",
        "hindu",
        "jewish",
        "muslim",
        "sikh",
        "other",
    ),
    "sex": ("female", "male"),
    "sexual_orientation": ("heterosexual", "gay_or_lesbian", "bisexual", "other"),
}


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
