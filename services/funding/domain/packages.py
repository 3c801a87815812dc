"""R21 joint packages: for a person not eligible for NHS Continuing Healthcare, funded by the NHS
and a council in agreed shares, changed only from a date, reviewed, held while disputed, ended.

A package is agreed, or in dispute while a party's dispute is with the CSU (R22): one open
dispute at a time; its terms may still change from a date meanwhile, and it keeps paying
(R20). An ended package pays nothing from its end date; an outcome still settles its days.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.funding.domain import money
from services.funding.domain.apportionment import charges_the_council, check_not_the_council
from services.funding.domain.lines import CostLine
from shared.errors import InvalidInput, RuleViolation
from shared.events.funding import ChcOutcome
from shared.events.vocabulary import OrganisationKind
from shared.lifecycle import Lifecycle


class PackageState(StrEnum):
    AGREED = "agreed"
    IN_DISPUTE = "in_dispute"
    ENDED = "ended"


class PackageCommand(StrEnum):
    CHANGE_SHARES = "changed"
    DISPUTE = "disputed"
    SETTLE = "settled"
    REVIEW = "reviewed"
    END = "ended"


AGREED, IN_DISPUTE, ENDED = PackageState.AGREED, PackageState.IN_DISPUTE, PackageState.ENDED


PACKAGE: Lifecycle[PackageState, PackageCommand] = Lifecycle(
    "joint package",
    {
        (PackageState.AGREED, PackageCommand.CHANGE_SHARES): PackageState.AGREED,
        (PackageState.IN_DISPUTE, PackageCommand.CHANGE_SHARES): PackageState.IN_DISPUTE,
        (PackageState.AGREED, PackageCommand.DISPUTE): PackageState.IN_DISPUTE,
        (PackageState.IN_DISPUTE, PackageCommand.SETTLE): PackageState.AGREED,
        # The CSU may resolve a dispute this service did not see raised: settled all the same.
        (PackageState.AGREED, PackageCommand.SETTLE): PackageState.AGREED,
        # A5.14: reviewed whether agreed or in dispute; care continues meanwhile (R20).
        (AGREED, PackageCommand.REVIEW): AGREED,
        (IN_DISPUTE, PackageCommand.REVIEW): IN_DISPUTE,
        (AGREED, PackageCommand.END): ENDED,
        (IN_DISPUTE, PackageCommand.END): ENDED,
        # A dispute open when the package ended still settles the days it paid.
        (ENDED, PackageCommand.SETTLE): ENDED,
    },
)

# R21: the NHS is an ICB or an NHS trust; the council a local authority (by the register's kind).
NHS_KINDS = frozenset({OrganisationKind.ICB, OrganisationKind.NHS_TRUST})
COUNCIL_KINDS = frozenset({OrganisationKind.LOCAL_AUTHORITY})


@dataclass(frozen=True)
class ShareTerm:
    """An organisation's share: a percentage, or a fixed weekly amount in pence."""

    organisation: str
    percent: int | None = None
    weekly_pence: int | None = None

    @property
    def weight(self) -> int:
        return self.percent if self.percent is not None else (self.weekly_pence or 0)


@dataclass(frozen=True)
class Terms:
    """A joint package's weekly cost and shares from `effective_from` until the next terms."""

    terms_id: UUID
    package_id: UUID
    person_id: UUID
    effective_from: date
    weekly_cost_pence: int
    shares: tuple[ShareTerm, ...]
    ends_on: date | None = None  # the package's end: it pays nothing from that day


def refuse(field: str, why: str, rule: str = "R21") -> RuleViolation:
    return RuleViolation(rule, why, errors=[{"field": field, "reason": why}])


def check_not_chc_eligible(
    outcome: ChcOutcome | None, decided_on: date | None, effective_from: date
) -> None:
    """R21: a joint package is for a person assessed as not eligible for NHS Continuing
    Healthcare; the outcome and the day it was decided are recorded, before the package."""
    if outcome is None:
        raise refuse("chc_outcome", "record the NHS Continuing Healthcare outcome: not_eligible")
    if outcome is ChcOutcome.ELIGIBLE:
        raise refuse(
            "chc_outcome",
            "a person eligible for NHS Continuing Healthcare is funded by the NHS in full, "
            "not by a joint package",
        )
    if decided_on is None:
        raise refuse(
            "chc_decided_on", "record the day the NHS Continuing Healthcare outcome was decided"
        )
    if decided_on > effective_from:
        raise refuse(
            "chc_decided_on", f"the outcome is decided before the package starts ({effective_from})"
        )


def check_parties(kinds: Sequence[OrganisationKind]) -> None:
    """R21: the parties are the NHS (an ICB or an NHS trust) and a council, by the kind the
    partner register gives each share's organisation, in the shares' order."""
    for index, kind in enumerate(kinds):
        if kind not in NHS_KINDS | COUNCIL_KINDS:
            raise refuse(
                f"shares.{index}.organisation",
                f"a {kind} is not a party to a joint package: the NHS (an ICB or NHS trust) "
                "and a council fund it",
            )
    if not NHS_KINDS & set(kinds):
        raise refuse("shares", "the NHS (an ICB or NHS trust) is a party to a joint package")
    if not COUNCIL_KINDS & set(kinds):
        raise refuse("shares", "a council (a local authority) is a party to a joint package")


def check_shares(shares: Sequence[ShareTerm], weekly_cost_pence: int) -> None:
    """R21: two or more organisations; all percentages totalling 100, or all fixed weekly
    amounts totalling the package's weekly cost."""
    organisations = [s.organisation for s in shares]
    if len(set(organisations)) != len(organisations) or len(organisations) < 2:
        raise InvalidInput("shares", "a joint package has two or more different organisations")
    if any((s.percent is None) == (s.weekly_pence is None) for s in shares):
        raise InvalidInput("shares", "each share is either a percent or a weekly_pence")
    if all(s.percent is not None for s in shares):
        if sum(s.weight for s in shares) != 100:
            raise InvalidInput("shares", "percentages must total 100")
    elif all(s.weekly_pence is not None for s in shares):
        if sum(s.weight for s in shares) != weekly_cost_pence:
            raise InvalidInput("shares", f"weekly amounts must total {weekly_cost_pence} pence")
    else:
        raise InvalidInput("shares", "shares are all percentages or all weekly amounts")


def check_no_council_share(
    shares: Sequence[ShareTerm], section_22_met: bool | None, local_authority: str
) -> None:
    """R11: a package funding a task that failed the s.22 test gives the council no share."""
    for share in shares:
        if share.weight > 0:
            check_not_the_council(section_22_met, share.organisation, local_authority, "shares")


def council_share_to_nhs(
    shares: Sequence[ShareTerm], section_22_met: bool | None, local_authority: str, nhs: str
) -> tuple[list[ShareTerm], bool]:
    """R11: an outcome that would give the council a share of a task failing the s.22 test
    gives it to the NHS instead; True when it did."""
    council = [
        s for s in shares if charges_the_council(section_22_met, s.organisation, local_authority)
    ]
    if not any(s.weight for s in council):
        return list(shares), False
    moved = sum(s.weight for s in council)
    kept = [s for s in shares if s not in council]
    nhs_share = next((s for s in kept if s.organisation == nhs), None)
    percent = all(s.percent is not None for s in shares)
    added = ShareTerm(
        nhs,
        percent=(nhs_share.weight if nhs_share else 0) + moved if percent else None,
        weekly_pence=None if percent else (nhs_share.weight if nhs_share else 0) + moved,
    )
    return [added if s is nhs_share else s for s in kept] + ([] if nhs_share else [added]), True


def change_shares(
    state: PackageState,
    existing: Sequence[Terms],
    shares: Sequence[ShareTerm],
    weekly_cost_pence: int,
    effective_from: date,
) -> PackageState:
    """R21: new shares (and weekly cost) from a date after the terms now agreed."""
    state = PACKAGE.next(state, PackageCommand.CHANGE_SHARES)
    check_next_terms(existing, effective_from)
    check_shares(shares, weekly_cost_pence)
    return state


def check_next_terms(existing: Sequence[Terms], effective_from: date) -> None:
    """R21: shares change only from an effective date after the terms now agreed."""
    latest = max((t.effective_from for t in existing), default=None)
    if latest is not None and effective_from <= latest:
        raise RuleViolation(
            "R21",
            f"shares change only from a date after {latest}",
            errors=[{"field": "effective_from", "reason": "not after the current terms"}],
        )


def package_lines(terms: Sequence[Terms], start: date, end: date) -> list[CostLine]:
    """R21: what each organisation pays for the days [start, end) under the terms in force."""
    lines: list[CostLine] = []
    for package_id in sorted({t.package_id for t in terms}):
        ordered = sorted(
            (t for t in terms if t.package_id == package_id), key=lambda t: t.effective_from
        )
        untils = [t.effective_from for t in ordered[1:]] + [end]
        for current, until in zip(ordered, untils, strict=True):
            a, b = max(start, current.effective_from), min(end, until, current.ends_on or end)
            lines.extend(_share_lines(current, current.shares, a, b))
    return lines


def _share_lines(terms: Terms, shares: Sequence[ShareTerm], a: date, b: date) -> list[CostLine]:
    if b <= a:
        return []
    weights = [s.weight for s in shares]
    amounts = money.shares_between(terms.weekly_cost_pence, weights, terms.effective_from, a, b)
    return [
        CostLine(
            kind="joint_package",
            reference_id=terms.terms_id,
            subject_id=terms.package_id,
            person_id=terms.person_id,
            organisation=share.organisation,
            provider_organisation=None,
            minutes_per_week=None,
            rate_id=None,
            hourly_rate_pence=None,
            weekly_cost_pence=terms.weekly_cost_pence,
            share_percent=share.percent,
            share_weekly_pence=share.weekly_pence,
            accrues_from=terms.effective_from,
            line_from=a,
            line_until=b,
            amount_pence=amount,
        )
        for share, amount in zip(shares, amounts, strict=True)
    ]


def end_package(state: PackageState, existing: Sequence[Terms], ends_on: date) -> PackageState:
    """R21: a package ends from a date after its latest terms took effect (with a coded
    reason); it pays nothing from that day."""
    state = PACKAGE.next(state, PackageCommand.END)
    latest = max((t.effective_from for t in existing), default=ends_on)
    if ends_on <= latest:
        raise refuse("ends_on", f"a package ends after its latest terms took effect ({latest})")
    return state
