"""R21 joint packages: shares agreed, changed only from a date, and held while disputed.

A package is agreed, or in dispute while a party's dispute is with the CSU (R22): one open
dispute at a time; its terms may still change from a date meanwhile.
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
from shared.lifecycle import Lifecycle


class PackageState(StrEnum):
    AGREED = "agreed"
    IN_DISPUTE = "in_dispute"


class PackageCommand(StrEnum):
    CHANGE_SHARES = "changed"
    DISPUTE = "disputed"
    SETTLE = "settled"


PACKAGE: Lifecycle[PackageState, PackageCommand] = Lifecycle(
    "joint package",
    {
        (PackageState.AGREED, PackageCommand.CHANGE_SHARES): PackageState.AGREED,
        (PackageState.IN_DISPUTE, PackageCommand.CHANGE_SHARES): PackageState.IN_DISPUTE,
        (PackageState.AGREED, PackageCommand.DISPUTE): PackageState.IN_DISPUTE,
        (PackageState.IN_DISPUTE, PackageCommand.SETTLE): PackageState.AGREED,
        # The CSU may resolve a dispute this service did not see raised: settled all the same.
        (PackageState.AGREED, PackageCommand.SETTLE): PackageState.AGREED,
    },
)


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
            a, b = max(start, current.effective_from), min(end, until)
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
