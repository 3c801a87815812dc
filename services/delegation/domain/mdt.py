"""R9: who the MDT was, and how the person and their family or carers took part.

The MDT records each member (an identifier, never a name), their discipline and organisation,
and whether they were present; the disciplines that must be there count only members present.
The person and their family or carers are involved 'where possible' (A 3.6, A 5.10): when they
were not, the record says why, as a code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from shared.errors import InvalidInput


class NotInvolvedReason(StrEnum):
    """R9: why the person, or their family or carers, did not take part in the decision."""

    LACKS_CAPACITY = "lacks_capacity"  # the person, assessed under the Mental Capacity Act
    TOO_UNWELL = "too_unwell"  # the person
    DECLINED = "declined"
    NOT_REACHABLE = "not_reachable"
    NO_FAMILY_OR_CARERS = "no_family_or_carers"  # the family: there is nobody to involve
    PERSON_DID_NOT_WANT_THEM = "person_did_not_want_them"  # the family: the person's wish


PERSON_REASONS = frozenset(
    {
        NotInvolvedReason.LACKS_CAPACITY,
        NotInvolvedReason.TOO_UNWELL,
        NotInvolvedReason.DECLINED,
        NotInvolvedReason.NOT_REACHABLE,
    }
)
FAMILY_REASONS = frozenset(
    {
        NotInvolvedReason.DECLINED,
        NotInvolvedReason.NOT_REACHABLE,
        NotInvolvedReason.NO_FAMILY_OR_CARERS,
        NotInvolvedReason.PERSON_DID_NOT_WANT_THEM,
    }
)


@dataclass(frozen=True)
class Involvement:
    """R9: whether the person and their family or carers were involved, and if not why."""

    person: bool = True
    family_or_carers: bool = True
    person_reason: NotInvolvedReason | None = None
    family_reason: NotInvolvedReason | None = None


def check_involvement(involvement: Involvement) -> None:
    """R9: a coded reason for each party not involved (one that fits that party), none for a
    party that was."""
    _check_party(
        "person_not_involved_reason", involvement.person, involvement.person_reason, PERSON_REASONS
    )
    _check_party(
        "family_not_involved_reason",
        involvement.family_or_carers,
        involvement.family_reason,
        FAMILY_REASONS,
    )


def _check_party(
    field: str,
    involved: bool,
    reason: NotInvolvedReason | None,
    fits: frozenset[NotInvolvedReason],
) -> None:
    if involved and reason is not None:
        raise InvalidInput(field, "give a reason only when they were not involved")
    if involved:
        return
    if reason is None:
        raise InvalidInput(field, "say why they were not involved (R9, A 5.10)")
    if reason not in fits:
        allowed = ", ".join(sorted(r.value for r in fits))
        raise InvalidInput(field, f"'{reason.value}' does not apply here; one of: {allowed}")


def check_staff_ids(staff_ids: list[str]) -> None:
    """R9: each member is recorded once."""
    repeated = sorted(m for m, n in Counter(staff_ids).items() if n > 1)
    if repeated:
        raise InvalidInput("members", f"each member once: {', '.join(repeated)} repeated")
