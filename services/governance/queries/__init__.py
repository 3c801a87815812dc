"""The governance service's read side, split by topic."""
