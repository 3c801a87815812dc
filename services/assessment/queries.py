"""The assessment service's read side."""
