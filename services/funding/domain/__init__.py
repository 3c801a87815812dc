"""The Framework's rules the funding service decides: pure functions over integer pence.

`money` holds the arithmetic (weekly cost, day-by-day accrual, shares, settlements) and `lines`
a statement's lines; each aggregate with states has its module, its states, commands and one
transition table: `apportionment` (R19), `segments` (R20 without-prejudice funding),
`packages` (R21 joint packages), `disputes` (R22) and `covers` (R18, R20: Health's cover of
a task social care stopped carrying out).
"""
