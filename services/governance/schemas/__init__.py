"""The governance service's request and response bodies, split by topic."""

from services.governance.schemas.versions import FrameworkVersionCreate, FrameworkVersionRead

__all__ = ["FrameworkVersionCreate", "FrameworkVersionRead"]
