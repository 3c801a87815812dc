"""The training service's read side, split by topic."""
