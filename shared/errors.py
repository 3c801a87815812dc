"""Domain error bases: what went wrong, in the Framework's words; `problems` maps them to HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


class DomainError(Exception):
    """Base of every error the Framework's rules or the service layer raise on purpose."""

    status: int = 400
    kind: str = "bad-request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFound(DomainError):
    status, kind = 404, "not-found"


class Conflict(DomainError):
    """Pass `existing=<url>` to point at the resource the request collides with."""

    status, kind = 409, "conflict"


class RuleViolation(DomainError):
    """A rule of the Framework stops the request; `rule` names it (R1-R29)."""

    status, kind = 422, "rule-violation"

    def __init__(self, rule: str, detail: str, **extensions: Any) -> None:
        super().__init__(detail, rule=rule, **extensions)
        self.rule = rule


class InvalidInput(DomainError):
    status, kind = 422, "invalid-input"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", errors=[FieldError(field, reason).__dict__])


class Unauthenticated(DomainError):
    """No bearer token, or one the platform does not accept. The answer says only that; `reason`
    says why, for the log (a token's defects are the attacker's lesson, not the caller's)."""

    status, kind = 401, "unauthenticated"

    def __init__(self, reason: str) -> None:
        super().__init__("the bearer token is missing or not accepted")
        self.reason = reason


class Forbidden(DomainError):
    status, kind = 403, "forbidden"


class Unavailable(DomainError):
    """A dependency the request needs (the identity provider's keys) does not answer."""

    status, kind = 503, "unavailable"
