"""Live delegations at go-live (delegation service): the proposal, the MDT's decision, the
provider's acceptance, and the consent, competence and training plans the gates look at,
through the handlers the API and the consumers call, so every rule they enforce holds (R1, R7,
R9-R13, R15-R17, R24) and the outbox gets the API path's events."""

from services.onboarding.delegations.file import (
    COLUMNS,
    NAMESPACE,
    LiveDelegation,
    Worker,
    describe,
    parse,
)
from services.onboarding.delegations.handlers import apply, existing, explain

__all__ = [
    "COLUMNS",
    "NAMESPACE",
    "LiveDelegation",
    "Worker",
    "apply",
    "describe",
    "existing",
    "explain",
    "parse",
]
