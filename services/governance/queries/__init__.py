"""The governance service's read side, split by topic."""

from services.governance.queries.versions import framework_versions, version_in_force

__all__ = ["framework_versions", "version_in_force"]
