"""The Framework's rules the assessment service decides: pure functions, split by sub-topic.

people: NHS numbers and the equality profile (R28); eligibility: Care Act eligibility (R5);
assessments: health needs (R4) and trusted assessment (R6), its kinds enumerated; consents: consent
(R7), what it covers and when it is linked to a delegation; plans: support plan versions;
equality: the aggregated equality report (R28).
"""
