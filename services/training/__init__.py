"""Training and competence service: Care workers, training plans (R24, R25), competence
assessments, expiry, refreshers and the failure process (R16).
"""
