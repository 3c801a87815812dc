"""The training service's request and response bodies, split by topic."""
