"""The Framework's rules the funding service decides: pure functions over integer pence.

`money` holds the arithmetic (weekly cost, day-by-day accrual, shares, settlements);
`apportionment` the cost of delegated time (R19, R20); `packages` joint packages and disputes
(R21, R22).
"""
