"""The training service's read side."""
