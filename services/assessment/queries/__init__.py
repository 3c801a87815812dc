"""The assessment service's read side, split by sub-topic; a provider sees only people
delegated to it."""
