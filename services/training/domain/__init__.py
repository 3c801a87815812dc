"""The Framework's rules the training service decides: pure functions, split by topic."""
