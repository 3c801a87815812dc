"""Recharge statements for finance systems: `statements` (as issued, or now with adjustments),
`sources` (what lines are worked out from), `export` (JSON and CSV)."""

from services.funding.queries.recharges.export import CSV_COLUMNS, as_csv, as_read
from services.funding.queries.recharges.sources import Sources, fingerprint, lines_in, sources
from services.funding.queries.recharges.statements import (
    Statement,
    as_issued,
    codes_of,
    finance_codes,
    issued_periods,
    issued_statements,
    lines_now,
    period_of,
    stated_lines,
    statement,
)

__all__ = [
    "CSV_COLUMNS",
    "Sources",
    "Statement",
    "as_csv",
    "as_issued",
    "as_read",
    "codes_of",
    "finance_codes",
    "fingerprint",
    "issued_periods",
    "issued_statements",
    "lines_in",
    "lines_now",
    "period_of",
    "sources",
    "stated_lines",
    "statement",
]
