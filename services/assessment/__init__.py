"""Assessment service: People, needs assessments (R4), Care Act eligibility (R5), trusted
assessment (R6), consent (R7), changes in need (R8) and support plans.

A person may carry local system identifiers beside the NHS number (LAS, Mosaic, SystmOne, RiO),
each checked against its system's format and held by one person per system; `GET /people
?identifier=system|value` finds the holder within the caller's relationships. Like the NHS
number they stay here: never on an event, shown only within a relationship, audited.
"""
