"""The Framework's rules the governance service decides: pure functions, split by topic."""

from services.governance.domain.versions import publish_framework_version, version_in_force

__all__ = ["publish_framework_version", "version_in_force"]
