"""The delegation service's read side, one module per sub-topic; no decisions here."""
