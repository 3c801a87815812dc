"""The organisations a delegation names and who may act on it (R2, R9, R13, R15, R17, R26).

Every organisation a request names is in the partner register and of a kind that fits its part:
a health task goes to a care provider (or a council's own service), a social care task to an NHS
trust or a GP practice (R1); an MDT member's organisation fits their discipline (R9). Each change
is made by an organisation that has that part: the IPCB's policies by a board member
organisation, a review's outcome or an end by the MDT's organisations or the oversight owner.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.errors import Forbidden, InvalidInput
from shared.events.delegation import Discipline
from shared.events.vocabulary import Direction, OrganisationKind

_K = OrganisationKind
HEALTH = frozenset({_K.NHS_TRUST, _K.GP_PRACTICE, _K.ICB})
SOCIAL_CARE = frozenset({_K.LOCAL_AUTHORITY, _K.CARE_PROVIDER})

# R1, R15: who carries the task out: social care staff for a health task, Health for a social one.
PROVIDER_KINDS = {
    Direction.HEALTH_TO_SOCIAL: frozenset({_K.CARE_PROVIDER, _K.LOCAL_AUTHORITY}),
    Direction.SOCIAL_TO_HEALTH: frozenset({_K.NHS_TRUST, _K.GP_PRACTICE}),
}
# R9: a registered health practitioner works for a health organisation, a social worker for a
# council or a provider, a provider's representative for a care provider.
MEMBER_KINDS = {
    Discipline.REGISTERED_NURSE: HEALTH,
    Discipline.DOCTOR: HEALTH,
    Discipline.ALLIED_HEALTH_PROFESSIONAL: HEALTH,
    Discipline.PHARMACIST: HEALTH,
    Discipline.SOCIAL_WORKER: SOCIAL_CARE,
    Discipline.SOCIAL_CARE_PRACTITIONER: SOCIAL_CARE,
    Discipline.CARE_PROVIDER: frozenset({_K.CARE_PROVIDER, _K.LOCAL_AUTHORITY}),
}


def check_kind(
    field: str, ods_code: str, kind: OrganisationKind, allowed: frozenset[OrganisationKind]
) -> None:
    """R2: the organisation a field names is of a kind that fits it; 422 naming the field."""
    if kind not in allowed:
        fits = " or ".join(sorted(k.value for k in allowed))
        raise InvalidInput(field, f"'{ods_code}' is a {kind.value}; this must name a {fits}")


def check_provider(direction: Direction, ods_code: str, kind: OrganisationKind) -> None:
    """R1, R15: the provider fits the direction."""
    check_kind("provider_organisation", ods_code, kind, PROVIDER_KINDS[direction])


def check_member(field: str, discipline: Discipline, ods_code: str, kind: OrganisationKind) -> None:
    """R9: the member's organisation fits their discipline."""
    check_kind(field, ods_code, kind, MEMBER_KINDS[discipline])


def mdt_organisations(present: Iterable[str]) -> list[str]:
    """The organisations of the MDT members present when it decided, once each, in a stable
    order. The member recording the decision adds nothing: their organisation must be one of
    these (`check_recorder`), so recording a decision never makes a relationship by itself."""
    return sorted({o for o in present if o})


def check_recorder(recorded_by: str, mdt: Iterable[str]) -> None:
    """R9: the MDT records its own decision: the recording member's organisation was at it."""
    if recorded_by in set(mdt):
        return
    raise Forbidden(
        "the member recording an MDT decision must be of an organisation present at the MDT; "
        f"{recorded_by or 'no organisation'} is not among its members"
    )


def check_decider(
    organisation: str, mdt: Iterable[str], oversight_owner: str | None, action: str
) -> None:
    """R13, R17, R26: an end or a review's outcome is for the MDT's organisations or the
    clinical oversight owner."""
    if organisation in set(mdt) or (
        oversight_owner is not None and organisation == oversight_owner
    ):
        return
    raise Forbidden(
        f"only the MDT's organisations or the clinical oversight owner may {action}; "
        f"'{organisation}' is neither"
    )
