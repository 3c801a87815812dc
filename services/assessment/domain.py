"""The Framework's rules the assessment service decides: pure functions."""
