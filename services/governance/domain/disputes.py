"""R22: a joint-funding dispute goes to the CSU under the LLR inter-agency resolution policy."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NoReturn
from uuid import UUID

from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.funding import DisputeSubject, Share
from shared.events.governance import DisputeResolved
from shared.lifecycle import Lifecycle


class Stage(StrEnum):
    RAISED = "raised"
    LOCAL_RESOLUTION = "local_resolution"
    CSU_REVIEW = "csu_review"
    RESOLVED = "resolved"


class StageCommand(StrEnum):
    TAKE_UP = "taken up for local resolution"
    REFER = "referred to the CSU"
    RESOLVE = "resolved"


# The policy: the parties try to resolve it locally first; then the CSU reviews it.
CASE: Lifecycle[Stage, StageCommand] = Lifecycle(
    "dispute case",
    {
        (Stage.RAISED, StageCommand.TAKE_UP): Stage.LOCAL_RESOLUTION,
        (Stage.LOCAL_RESOLUTION, StageCommand.REFER): Stage.CSU_REVIEW,
        (Stage.LOCAL_RESOLUTION, StageCommand.RESOLVE): Stage.RESOLVED,
        (Stage.CSU_REVIEW, StageCommand.RESOLVE): Stage.RESOLVED,
    },
)
# The stage endpoint moves a case on; resolving has its own step, with the outcome.
COMMAND_TO_REACH: dict[Stage, StageCommand] = {
    Stage.LOCAL_RESOLUTION: StageCommand.TAKE_UP,
    Stage.CSU_REVIEW: StageCommand.REFER,
}
ORDER = list(Stage)


# Staff of a party organisation who see its cases and add its evidence.
PARTY_ROLES = frozenset({"commissioner", "finance_officer"})


def sees_case(role: str, organisation: str, held_by: str | None, parties: Collection[str]) -> bool:
    """R22: a case about a person is seen by the CSU that holds it and by the parties to it
    (commissioners and finance officers of those organisations); the IPCB and auditors see
    counts and the audit trail, not the case."""
    if role == "csu_officer":
        return organisation == held_by
    if role in PARTY_ROLES:
        return organisation in parties
    return role == "service"


def parties_of(raised_by: str, parties: Sequence[str]) -> list[str]:
    """R22: whoever raised the dispute is a party to it."""
    return sorted({raised_by, *parties})


def advance(current: Stage, wanted: Stage) -> Stage:
    """R22: a case moves through the policy's stages in order; resolving has its own step."""
    if current is Stage.RESOLVED:
        raise Conflict("the dispute is already resolved", rule="R22")
    command = COMMAND_TO_REACH.get(wanted)
    if command is None:
        _refuse("stage", f"a case at {current} cannot move to {wanted}")
    if ORDER.index(current) >= ORDER.index(wanted):  # someone moved it there first
        raise Conflict(f"the case is already at {current}", rule="R22")
    if not CASE.allows(current, command):
        _refuse("stage", f"a case at {current} cannot move to {wanted}")
    return CASE.next(current, command)


def check_evidence(parties: Collection[str], stage: Stage, organisation: str) -> None:
    """R22: evidence comes from the parties while the case is open."""
    if stage is Stage.RESOLVED:
        raise Conflict("the dispute is already resolved", rule="R22")
    if organisation not in parties:
        _refuse("submitted_by", f"{organisation} is not a party to this dispute")


@dataclass(frozen=True)
class Case:
    case_id: UUID
    dispute_id: UUID
    package_id: UUID
    person_id: UUID
    parties: Sequence[str]
    stage: Stage
    subject: DisputeSubject = DisputeSubject.JOINT_PACKAGE
    weekly_cost_pence: int | None = None  # the subject's weekly cost when the dispute was raised
    may_not_pay: tuple[str, ...] = ()  # R11: a council, for a task failing the s.22 test


def resolve(
    case: Case,
    shares: Sequence[Share],
    effective_from: date,
    resolved_on: date,
    framework_version: int | None,
) -> tuple[Stage, DisputeResolved]:
    """R22: the outcome says who pays what share of the package, from when.

    R29: it records the Framework version in force on the day it is resolved.
    """
    if case.stage is Stage.RESOLVED:
        raise Conflict("the dispute is already resolved", rule="R22")
    if not CASE.allows(case.stage, StageCommand.RESOLVE):
        _refuse("stage", "a case is resolved locally or by the CSU, after it is taken up")
    check_shares(case.parties, shares)
    check_outcome(case, shares)
    if framework_version is None:
        raise RuleViolation("R29", f"no Framework version was in force on {resolved_on}")
    return CASE.next(case.stage, StageCommand.RESOLVE), DisputeResolved(
        subject_id=f"dispute-case-{case.case_id}",
        case_id=case.case_id,
        dispute_id=case.dispute_id,
        package_id=case.package_id,
        person_id=case.person_id,
        shares=list(shares),
        effective_from=effective_from,
        resolved_on=resolved_on,
        framework_version=framework_version,
    )


def check_shares(parties: Collection[str], shares: Sequence[Share]) -> None:
    """R22: every payer is a party, once; shares are all percentages (making 100) or all pence."""
    if not shares:
        raise InvalidInput("shares", "at least one organisation pays")
    for index, share in enumerate(shares):
        if share.organisation not in parties:
            _refuse(f"shares.{index}.organisation", "not a party to this dispute")
        if (share.percent is None) == (share.weekly_pence is None):
            raise InvalidInput(f"shares.{index}", "give either percent or weekly_pence")
    if len({s.organisation for s in shares}) != len(shares):
        raise InvalidInput("shares", "an organisation appears twice")
    percents = [s.percent for s in shares if s.percent is not None]
    if percents and len(percents) != len(shares):
        raise InvalidInput("shares", "do not mix percentages and weekly amounts")
    if percents and sum(percents) != 100:
        raise InvalidInput("shares", f"percentages make {sum(percents)}, not 100")


def check_outcome(case: Case, shares: Sequence[Share]) -> None:
    """R22: an outcome about a delegation's funding (R19, R20) names the one organisation that
    pays all of it; one in weekly pence adds up to the subject's weekly cost, never silently
    re-proportioned (£300 and £200 on a £700 package is refused, not charged as £420 and £280)."""
    if case.subject is not DisputeSubject.JOINT_PACKAGE and len(shares) != 1:
        raise InvalidInput(
            "shares", f"a dispute about {case.subject.value} names one organisation paying all"
        )
    for index, share in enumerate(shares):
        if share.organisation in case.may_not_pay:
            why = "the s.22 test failed for this task: the council may not be charged for it"
            raise RuleViolation(
                "R11", why, errors=[{"field": f"shares.{index}.organisation", "reason": why}]
            )
    pence = [s.weekly_pence for s in shares if s.weekly_pence is not None]
    cost = case.weekly_cost_pence
    if pence and cost is not None and sum(pence) != cost:
        raise InvalidInput(
            "shares", f"weekly amounts make {sum(pence)} pence, not the weekly cost of {cost}"
        )


def open_too_long(stage: Stage, raised_on: date, today: date, days: int) -> bool:
    """R22: an unresolved case open longer than the configured number of days."""
    return stage is not Stage.RESOLVED and (today - raised_on).days > days


def _refuse(field: str, why: str) -> NoReturn:
    raise RuleViolation("R22", why, errors=[{"field": field, "reason": why}])
