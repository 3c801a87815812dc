"""The funding service's read side, split by sub-topic, and the loads its handlers share."""
