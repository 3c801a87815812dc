"""Governance service: The IPCB (R27), Framework versions (R29), Shared Care (R14), dispute
escalation (R22) and equality monitoring (R28).
"""
