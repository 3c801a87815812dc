"""What would let a reader of text published beyond its owner find the person it is about: an NHS
number, a postcode, a date (a date of birth is one), a telephone number, an email address or a
pseudonymous id. Text that leaves governance (a case example's summary, a decision's rationale
and conditions on the bus) is refused when it holds one; nothing is redacted silently.

Pure functions: the detector errs towards refusing, since the panel can always reword.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from shared.errors import RuleViolation


class Identifier(StrEnum):
    NHS_NUMBER = "an NHS number"
    POSTCODE = "a postcode"
    DATE = "a date"
    TELEPHONE = "a telephone number"
    EMAIL = "an email address"
    ID = "an identifier"


# Digits separated by at most one space, dash or dot: "943 476 5919", "943-476-5919".
_DIGIT_RUN = re.compile(r"(?<!\d)\+?\d(?:[ .-]?\d)*(?!\d)")
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])", re.I
)
_MONTH = (
    r"(?:(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)|May)"  # "may": a verb too
)
_DATES = (
    re.compile(r"(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}(?!\d)"),  # 12/03/1950
    re.compile(r"(?<!\d)\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}(?!\d)"),  # 1950-03-12
    re.compile(rf"(?<!\d)\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b"),  # 12th of March
    re.compile(rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"),  # March 12
    re.compile(rf"\b{_MONTH}\.?\s+\d{{4}}\b"),  # March 1950
    re.compile(r"\b(?:d\.?o\.?b\b|date\s+of\s+birth|born\s+(?:on|in)\b)", re.I),
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_UUID = re.compile(r"\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b", re.I)
NHS_NUMBER_LENGTH = 10


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS Modulus 11 check: weights 10 to 2 on the first nine digits; 11 minus the sum's
    remainder (11 becomes 0, 10 is never valid) is the tenth."""
    if len(digits) != NHS_NUMBER_LENGTH or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _digit_runs(text: str) -> list[str]:
    return [re.sub(r"\D", "", m.group()) for m in _DIGIT_RUN.finditer(text)]


def _holds_nhs_number(text: str) -> bool:
    """Any ten consecutive digits of a run (spaces, dashes and dots aside) that pass Modulus 11."""
    return any(
        nhs_number_is_valid(run[i : i + NHS_NUMBER_LENGTH])
        for run in _digit_runs(text)
        for i in range(len(run) - NHS_NUMBER_LENGTH + 1)
    )


def _holds_telephone(text: str) -> bool:
    """A UK number: eleven digits from 0, or +44 and ten more."""
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if (digits.startswith("0") and len(digits) == 11) or (
            match.group().startswith("+") and digits.startswith("44") and len(digits) == 12
        ):
            return True
    return False


def identifiers_in(text: str) -> list[Identifier]:
    """Every kind of identifier the text holds, in the enum's order (empty: none)."""
    found = {
        Identifier.NHS_NUMBER: _holds_nhs_number(text),
        Identifier.POSTCODE: bool(_POSTCODE.search(text)),
        Identifier.DATE: any(pattern.search(text) for pattern in _DATES),
        Identifier.TELEPHONE: _holds_telephone(text),
        Identifier.EMAIL: bool(_EMAIL.search(text)),
        Identifier.ID: bool(_UUID.search(text)),
    }
    return [kind for kind, present in found.items() if present]


def refuse_identifiers(texts: Mapping[str, str], rule: str, *, dates: bool = True) -> None:
    """422 (the rule) naming the first field whose text holds an identifier. `dates=False` lets
    dates through, for the board's own texts (a ruling takes effect on a date; a person's date
    of birth is not what they carry) while every other identifier is still refused."""
    for field, text in texts.items():
        found = [k for k in identifiers_in(text) if dates or k is not Identifier.DATE]
        if found:
            why = f"it holds {', '.join(found)}: text shared beyond its author names no one"
            raise RuleViolation(rule, why, errors=[{"field": field, "reason": why}])
