"""SNOMED CT concept ids: the IPCB may name the concept a catalogue task is (R10, R27).

The concept is the board's choice, carried as data on its ruling: nothing in code maps a task to
a concept. An id is checked as an SCTID: 6 to 18 digits without a leading zero, the partition
identifier (the two digits before the last) saying it is a concept (`00` in the international
short format, `10` in an extension's long format with a namespace), and the last digit the
Verhoeff check digit of the others.
"""

import re

from shared.errors import InvalidInput

SCTID = re.compile(r"[1-9][0-9]{5,17}")
CONCEPT_PARTITIONS = frozenset({"00", "10"})

# Verhoeff's dihedral group D5 multiplication, permutation and inverse tables.
_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_valid(digits: str) -> bool:
    """True when the last digit is the Verhoeff check digit of the ones before it."""
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


def concept_id(value: str, field: str) -> str:
    """An SCTID that identifies a concept, or a 422 naming the field and what is wrong."""
    if not SCTID.fullmatch(value):
        raise InvalidInput(field, "an SCTID is 6 to 18 digits with no leading zero")
    if value[-3:-1] not in CONCEPT_PARTITIONS:
        raise InvalidInput(
            field, f"partition identifier '{value[-3:-1]}' is not a concept's (00 or 10)"
        )
    if value[-3:-1] == "10" and len(value) < 11:
        raise InvalidInput(
            field, "a long-format SCTID carries a 7-digit namespace: 11 digits at least"
        )
    if not verhoeff_valid(value):
        raise InvalidInput(field, "the Verhoeff check digit does not match")
    return value


def check_concept(concept_id_value: str | None, display: str | None, field: str) -> None:
    """A task's concept is named with its display term, or not at all."""
    if (concept_id_value is None) != (display is None):
        raise InvalidInput(field + "_id", "a SNOMED CT concept comes with its display term")
    if concept_id_value is not None:
        concept_id(concept_id_value, field + "_id")
