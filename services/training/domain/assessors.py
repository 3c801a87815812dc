"""R16, R25: whose workers a caller may see, train, assess and instruct.

A worker belongs to its provider (the employing organisation). The provider's own staff act for
it; so does an assessor from another organisation (a district nurse of the delegating trust, an
approved assessor) whom the provider's manager approved to train and assess its workers: that
approval, kept here, is the only link between another organisation and a provider's workers. A
provider may approve one assessor, or every registered practitioner of an organisation (its
district nursing team, say): the approval then names no one (`EVERY_PRACTITIONER`).
The IPCB, which oversees training and competence sign-off (R27), reads every provider's
competence but acts on none; any other organisation sees nothing of a provider's workers (the
delegation's MDT learns of competence from events, not by reading workers).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

# An approval of every registered practitioner of the assessor's organisation, not of one user.
EVERY_PRACTITIONER = "*"


@dataclass(frozen=True)
class Scope:
    """The providers whose workers the caller sees or acts for; None: every provider."""

    providers: frozenset[str] | None

    def covers(self, provider: str) -> bool:
        return self.providers is None or provider in self.providers


EVERY_PROVIDER = Scope(None)


def scope_of(organisation: str, approved_by: Collection[str]) -> Scope:
    """A caller acts for their own organisation and for each provider that approved them."""
    return Scope(frozenset({organisation, *approved_by}))
