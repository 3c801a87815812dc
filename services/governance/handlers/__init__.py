"""The governance service's use cases and event reactions: load, decide, record; never commit."""
