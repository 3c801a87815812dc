"""Why a delegation may not come about: a rule's refusal, raised as a 422 naming the rule."""

from __future__ import annotations

from dataclasses import dataclass

from shared.errors import RuleViolation


@dataclass(frozen=True)
class Refusal:
    """Why a delegation may not come about: the rule, what it says here and, where one field
    of the record is at fault, which."""

    rule: str
    reason: str
    field: str | None = None

    def violation(self) -> RuleViolation:
        if self.field is None:
            return RuleViolation(self.rule, self.reason)
        errors = [{"field": self.field, "reason": self.reason}]
        return RuleViolation(self.rule, self.reason, errors=errors)
