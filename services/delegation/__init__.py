"""Delegation service: The task catalogue (R10), proposals and MDT decisions (R9-R14), provider
acceptance (R15), readiness gates (R7, R16, R17), live delegations and reviews (R26), each
application recorded and oversight visits, and each organisation's worklist.
"""
