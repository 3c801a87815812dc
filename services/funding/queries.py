"""The funding service's read side."""
