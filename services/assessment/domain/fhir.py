"""How consent reads in FHIR: `Consent.status` for each state of consent (R7) and the lawful
basis on which it was given (`Consent.policyRule`). A new state or a new way of giving consent
needs its row here (a test holds every one to it)."""

from __future__ import annotations

from services.assessment.domain.consents import ConsentState
from shared.events.assessment import ConsentGivenBy

CONSENT_STATUS: dict[ConsentState, str] = {
    ConsentState.GIVEN: "active",
    ConsentState.WITHDRAWN: "inactive",  # R7: withdrawal stops the delegation; history stays
}

LAWFUL_BASIS: dict[ConsentGivenBy, str] = {
    ConsentGivenBy.PERSON: "the person's own consent (R7)",
    ConsentGivenBy.LASTING_POWER_OF_ATTORNEY: (
        "consent of an attorney under a lasting power of attorney for health and welfare "
        "(Mental Capacity Act 2005 s.9)"
    ),
    ConsentGivenBy.COURT_DEPUTY: (
        "consent of a deputy appointed by the Court of Protection (Mental Capacity Act 2005 s.16)"
    ),
    ConsentGivenBy.BEST_INTERESTS_DECISION: (
        "a best interests decision for a person who lacks capacity (Mental Capacity Act 2005 s.4)"
    ),
}
