"""The funding service's request and response bodies."""
