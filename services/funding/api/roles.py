"""Who may do what in the funding service: commissioners and finance officers handle money;
providers read their own rates; CSU officers read disputes."""

from shared.auth import Role

MONEY = (Role.COMMISSIONER, Role.FINANCE_OFFICER)
