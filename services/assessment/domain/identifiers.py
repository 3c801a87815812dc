"""Local system identifiers: the numbers a person carries in partners' own systems beside the
NHS number (the councils' LAS and Mosaic, SystmOne, RiO), each checked against its system's
format. They identify a person, so, like the NHS number, they stay in this service: never on an
event, never in the audit trail's reason, and shown only within a legitimate relationship.

The formats are this platform's reading of what each system issues (its person or client id);
a value outside its system's format is refused naming the field.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from shared.errors import InvalidInput


class IdentifierSystem(StrEnum):
    LAS = "las"  # Liquidlogic Adults' System (council social care)
    MOSAIC = "mosaic"  # Mosaic (council social care)
    SYSTMONE = "systmone"  # TPP SystmOne (primary and community care)
    RIO = "rio"  # RiO (Leicestershire Partnership NHS Trust)


@dataclass(frozen=True)
class Format:
    pattern: re.Pattern[str]
    says: str


FORMATS = {
    IdentifierSystem.LAS: Format(re.compile(r"[1-9][0-9]{0,9}"), "1 to 10 digits, no leading 0"),
    IdentifierSystem.MOSAIC: Format(re.compile(r"[1-9][0-9]{0,9}"), "1 to 10 digits, no leading 0"),
    IdentifierSystem.SYSTMONE: Format(re.compile(r"[0-9]{6,15}"), "6 to 15 digits"),
    IdentifierSystem.RIO: Format(
        re.compile(r"[A-Z]{0,3}[0-9]{4,12}"), "up to 3 capital letters then 4 to 12 digits"
    ),
}


@dataclass(frozen=True)
class LocalIdentifier:
    system: IdentifierSystem
    value: str


def local_identifier(system: str, value: str, field: str) -> LocalIdentifier:
    """A system's identifier in its canonical form (spaces dropped, capitals), or a 422."""
    try:
        known = IdentifierSystem(system.strip().lower())
    except ValueError:
        systems = ", ".join(IdentifierSystem)
        raise InvalidInput(field, f"the system is one of {systems}") from None
    canonical = "".join(value.split()).upper()
    rule = FORMATS[known]
    if not rule.pattern.fullmatch(canonical):
        raise InvalidInput(field, f"a {known} identifier is {rule.says}")
    return LocalIdentifier(known, canonical)


def parse_token(token: str, field: str) -> LocalIdentifier:
    """`system|value`, as a search names an identifier (the FHIR token form)."""
    system, bar, value = token.partition("|")
    if not bar:
        raise InvalidInput(field, "is system|value, e.g. mosaic|123456")
    return local_identifier(system, value, field)
