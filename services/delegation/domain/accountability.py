"""R13: the registered practitioner who delegates, on a real register, for a task their register
lets them delegate, occupationally competent in it on a stated basis.

The forms are the registers' published number formats; a number of the right form is not proof of
registration (no register is consulted here), but a mistyped or invented number is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from shared.errors import RuleViolation
from shared.events.vocabulary import TaskCategory


class ProfessionalBody(StrEnum):
    """R13: the register the delegating practitioner is on."""

    NMC = "NMC"
    HCPC = "HCPC"
    GMC = "GMC"
    GPHC = "GPhC"
    SWE = "SWE"


class CompetenceBasis(StrEnum):
    """R13: how the practitioner's occupational competence in the task is evidenced."""

    CORE_PROFESSIONAL_PRACTICE = "core_professional_practice"  # within their registered scope
    TRAINED_AND_ASSESSED = "trained_and_assessed"  # post-registration training, assessed
    SUPERVISED_EXPERIENCE = "supervised_experience"  # signed-off experience in the task


# NMC PIN: two digits (year), a letter (month), four digits, a letter (where trained: 12A3456E);
# HCPC: a profession prefix of two or three letters and digits (PA123456, OT12345, PYL01234);
# GMC and GPhC: seven digits; Social Work England: SW and digits (SW123456).
REGISTRATION_FORMS = {
    ProfessionalBody.NMC: re.compile(r"\d{2}[A-Z]\d{4}[A-Z]"),
    ProfessionalBody.HCPC: re.compile(r"[A-Z]{2,3}\d{4,6}"),
    ProfessionalBody.GMC: re.compile(r"\d{7}"),
    ProfessionalBody.GPHC: re.compile(r"\d{7}"),
    ProfessionalBody.SWE: re.compile(r"SW\d{1,8}"),
}
FORM_EXAMPLES = {
    ProfessionalBody.NMC: "two digits, a letter, four digits, a letter (12A3456E)",
    ProfessionalBody.HCPC: "a profession prefix and digits (PA123456)",
    ProfessionalBody.GMC: "seven digits (1234567)",
    ProfessionalBody.GPHC: "seven digits (2071234)",
    ProfessionalBody.SWE: "SW and digits (SW123456)",
}
# Who may delegate what: a healthcare task only a registered health professional (the national
# guidance A 5.8 cites); a social care task only a practitioner of social care's side, a social
# worker or an allied health professional (occupational therapists work in both).
MAY_DELEGATE = {
    ProfessionalBody.NMC: frozenset({"healthcare"}),
    ProfessionalBody.GMC: frozenset({"healthcare"}),
    ProfessionalBody.GPHC: frozenset({"healthcare"}),
    ProfessionalBody.HCPC: frozenset({"healthcare", "social care"}),
    ProfessionalBody.SWE: frozenset({"social care"}),
}


@dataclass(frozen=True)
class Practitioner:
    """R13: the registered practitioner who delegates and stays accountable."""

    body: ProfessionalBody
    registration_number: str
    competent_in_task: bool


def registration_number(number: str) -> str:
    """The number as the registers write it: capitals, no spaces or hyphens."""
    return re.sub(r"[\s-]", "", number).upper()


def check_registration(body: ProfessionalBody, number: str) -> None:
    """R13: the registration number has its register's form."""
    if REGISTRATION_FORMS[body].fullmatch(registration_number(number)):
        return
    reason = f"is not a {body.value} registration number: {FORM_EXAMPLES[body]}"
    raise RuleViolation(
        "R13",
        f"the practitioner's registration {reason}",
        errors=[{"field": "practitioner.registration_number", "reason": reason}],
    )


def check_register_fits(body: ProfessionalBody, category: TaskCategory) -> None:
    """R13: a practitioner delegates only tasks of the kind their register covers."""
    kind = "social care" if category is TaskCategory.SOCIAL_CARE else "healthcare"
    if kind in MAY_DELEGATE[body]:
        return
    reason = f"a {body.value} registrant cannot delegate a {kind} task"
    raise RuleViolation(
        "R13", reason, errors=[{"field": "practitioner.professional_body", "reason": reason}]
    )


def check_practitioner(practitioner: Practitioner, category: TaskCategory) -> None:
    """R13: the accountable practitioner is registered, on a register for this kind of task, and
    says they are occupationally competent in it (the basis is a required code)."""
    check_registration(practitioner.body, practitioner.registration_number)
    check_register_fits(practitioner.body, category)
    if not practitioner.competent_in_task:
        raise RuleViolation(
            "R13",
            "the delegating practitioner must be occupationally competent in the task",
            errors=[{"field": "practitioner.competent_in_task", "reason": "must be true"}],
        )
