"""The assessment service's request and response bodies, split by sub-topic."""
