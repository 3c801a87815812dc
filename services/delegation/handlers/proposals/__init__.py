"""Proposals and decisions: R1, R3, R9-R14, R29. A registered practitioner proposes, the MDT
decides (or cannot agree), the Shared Care discussion's decision is applied."""

from services.delegation.handlers.proposals.decisions import (
    decide_proposal,
    mdt_decision,
    members_of,
    new_decision,
    new_delegation,
    record_terms,
    risk_of,
)
from services.delegation.handlers.proposals.shared_care import (
    MDT_RECORD_MISSING,
    mdt_organisations,
    mdt_record,
    on_shared_care_decision_recorded,
    recorded_case,
    shared_care_rationale,
)
from services.delegation.handlers.proposals.submission import (
    catalogue_entry,
    facts_of,
    submit_proposal,
    task_rules,
)

__all__ = [
    "MDT_RECORD_MISSING",
    "catalogue_entry",
    "decide_proposal",
    "facts_of",
    "mdt_decision",
    "mdt_organisations",
    "mdt_record",
    "members_of",
    "new_decision",
    "new_delegation",
    "on_shared_care_decision_recorded",
    "record_terms",
    "recorded_case",
    "risk_of",
    "shared_care_rationale",
    "submit_proposal",
    "task_rules",
]
