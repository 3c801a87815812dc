"""The assessment service's request and response bodies."""
