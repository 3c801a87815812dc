"""The governance service's use cases and event reactions: load, decide, record; never commit."""

from services.governance.handlers.versions import publish_framework_version

__all__ = ["publish_framework_version"]
