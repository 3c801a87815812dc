"""The Framework's rules the governance service decides: pure functions, split by topic."""
