"""Funding service: Rates, apportionment (R19), without-prejudice health funding (R20), joint
packages (R21) and disputes (R22).

Money is integer pence. Weekly cost = minutes a week x hourly rate / 60, half up to the penny.
Costs accrue day by day: the first n days from a run's start cost floor(weekly x n / 7), the
remainder carried, so whole weeks cost the weekly cost and consecutive periods add up exactly.
Shares are split by cumulative floors and always add up to the whole. A delegation whose provider
has no rate in force is recorded as awaiting a rate and apportioned when the rate is recorded.
A healthcare task with no funding decision (a commissioner's POST /funding-gaps before it goes
live, or a TaskDelegated naming an undecided accountable organisation) is funded by the ICB
without prejudice until POST /delegations/{id}/funding-decision settles it back to the start.
Statement and CSV line dates: `line_from` included, `line_until` excluded.
"""
