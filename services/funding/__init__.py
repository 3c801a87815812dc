"""Funding service: Rates, apportionment (R19), without-prejudice health funding (R20), joint
packages (R21) and disputes (R22).

Money is integer pence. Weekly cost = minutes a week x hourly rate / 60, half up to the penny.
Costs accrue day by day: the first n days from a run's start cost floor(weekly x n / 7), the
remainder carried, so whole weeks cost the weekly cost and consecutive periods add up exactly.
Shares are split by cumulative floors and always add up to the whole. A rate is a commissioning
organisation's (an ICB's or a council's) for a provider: a run is costed at its payer's rate for
its provider, and one commissioner's rate never blocks another's. A run whose payer has no rate
in force for its provider is recorded as awaiting a rate and apportioned when the rate comes.
A healthcare task with no funding decision (its accountable commissioner's POST /funding-gaps
before it goes live, counted only if that organisation is the one TaskDelegated names, for the
same person; or a TaskDelegated naming an undecided accountable organisation) is funded by the
ICB without prejudice until POST /delegations/{id}/funding-decision settles it back to the start.
When social care stops carrying out a delegated health task (delegation's HandbackOpened, R18),
the apportionment to the accountable organisation stops from the stop date and the ICB covers the
task without prejudice from that date, at the clinical oversight owner's rate, until the handback
closes (the last covered day is the day before it resumes, is delegated again or ends) or the same
funding decision settles it back to the stop date. A social-to-health handback returns a social
care task to the council: its apportionment stops and Health covers nothing.
R11: a health-to-social delegation whose s.22 test failed is never charged to its council: an
event naming the council is charged to the ICB (the record says why); a funding decision, or a
joint package share for that delegation, naming the council is refused (422, rule R11).
R29: funding decisions and dispute settlements record the Framework version in force on their date.
Statement and CSV line dates: `line_from` included, `line_until` excluded; a statement covers
at most three years, and every date a request names lies between 1900 and 2199.
Information governance: a person's funding, packages and disputes are read only by an
organisation concerned that has a legitimate relationship with the person (others get 404), and
every read is audited; a statement shows the caller's organisation's own lines. Events carry
codes and fixed words: a dispute's note, a gap's reason and a delegation's end reason stay here.
Recharge statements (`/recharges`, docs/finance-export.md): per commissioning organisation and
monthly or four-weekly period, the lines a finance system imports (commissioner, payer, provider
and the organisation's reference for it, service element and its cost code, units, rate, amount
in pence), as JSON or CSV. A finance officer issues a period once it has ended; it is frozen, and
later changes to its days come as adjustment lines, naming it, in the period after the latest
issued one.
"""
