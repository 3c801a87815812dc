"""Money arithmetic, all integer pence, each rounding said once.

- Weekly cost = minutes a week x hourly rate / 60, rounded half up to the penny.
- Over a run of days the cost accrues day by day: the cost of the first n days from an anchor
  date is floor(weekly x n / 7), so the remainder is carried from day to day, every whole week
  costs exactly the weekly cost, and the cost of split periods adds up to the whole period.
- Shares of an amount are rounded by cumulative floors: party i gets
  floor(A x W_i / W) - floor(A x W_(i-1) / W) with W_i the running total of the weights; each
  party is within a penny of its exact share and the parts add up to the whole.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Owed:
    """One organisation owes another this much, to the penny."""

    payer: str
    payee: str
    amount_pence: int


def weekly_cost_pence(minutes_per_week: int, hourly_rate_pence: int) -> int:
    """Minutes a week x hourly rate / 60, half up to the penny."""
    if minutes_per_week < 0 or hourly_rate_pence < 0:
        raise ValueError("minutes and rates are never negative")
    return (minutes_per_week * hourly_rate_pence + 30) // 60


def accrued_pence(weekly_pence: int, days: int) -> int:
    """What `days` days cost from an anchor: the remainder is carried, never lost."""
    return weekly_pence * max(days, 0) // 7


def cost_between(weekly_pence: int, anchor: date, start: date, end: date) -> int:
    """The cost of the days [start, end) of a weekly cost accruing from `anchor`."""
    if end <= start:
        return 0
    return accrued_pence(weekly_pence, (end - anchor).days) - accrued_pence(
        weekly_pence, (start - anchor).days
    )


def split(amount_pence: int, weights: Sequence[int]) -> list[int]:
    """Shares of an amount in proportion to the weights, by cumulative floors."""
    whole = sum(weights)
    if whole <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights are not negative and add up to more than nothing")
    shares, running, given = [], 0, 0
    for weight in weights:
        running += weight
        upto = amount_pence * running // whole
        shares.append(upto - given)
        given = upto
    return shares


def shares_between(
    weekly_pence: int, weights: Sequence[int], anchor: date, start: date, end: date
) -> list[int]:
    """Each party's share of the days [start, end): its share to `end` less its share to `start`."""
    if end <= start:
        return [0 for _ in weights]
    upto_end = split(accrued_pence(weekly_pence, (end - anchor).days), weights)
    upto_start = split(accrued_pence(weekly_pence, (start - anchor).days), weights)
    return [e - s for e, s in zip(upto_end, upto_start, strict=True)]


def settle(paid: Mapping[str, int], owed: Mapping[str, int]) -> list[Owed]:
    """Who owes whom so that each organisation ends up having paid what it owes.

    Those who paid less than they owe pay those who paid more, largest first, names breaking ties.
    """
    if sum(paid.values()) != sum(owed.values()):
        raise ValueError("what was paid and what is owed must be the same whole")
    balance = {org: owed.get(org, 0) - paid.get(org, 0) for org in sorted({*paid, *owed})}
    debtors = sorted((o for o, b in balance.items() if b > 0), key=lambda o: -balance[o])
    creditors = sorted((o for o, b in balance.items() if b < 0), key=lambda o: balance[o])
    left = {o: abs(b) for o, b in balance.items()}
    settlements: list[Owed] = []
    d, c = 0, 0
    while d < len(debtors) and c < len(creditors):
        payer, payee = debtors[d], creditors[c]
        amount = min(left[payer], left[payee])
        settlements.append(Owed(payer, payee, amount))
        left[payer] -= amount
        left[payee] -= amount
        d += left[payer] == 0
        c += left[payee] == 0
    return settlements
