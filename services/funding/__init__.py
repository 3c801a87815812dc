"""Funding service: Rates, apportionment (R19), without-prejudice health funding (R20), joint
packages (R21) and disputes (R22).
"""
