"""The governance service's request and response bodies, split by topic."""
