"""The Framework's rules the funding service decides: pure functions."""
