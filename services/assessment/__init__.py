"""Assessment service: People, needs assessments (R4), Care Act eligibility (R5), trusted
assessment (R6), consent (R7), changes in need (R8) and support plans.
"""
