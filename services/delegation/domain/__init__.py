"""The Framework's rules the delegation service decides: pure functions, no I/O."""
