"""Who may do what in the assessment service.

Social workers sign in as registered practitioners (they are registered with Social Work England)
and assess; MDT members read; provider managers read only the people whose tasks were delegated to
their organisation; auditors read the audit trail and, with registered practitioners, the equality
profile (R28).
"""

from shared.auth import Role

ASSESSORS = (Role.REGISTERED_PRACTITIONER,)
CLINICAL_READERS = (Role.REGISTERED_PRACTITIONER, Role.MDT_MEMBER)
READERS = (*CLINICAL_READERS, Role.PROVIDER_MANAGER)
EQUALITY_READERS = (Role.REGISTERED_PRACTITIONER, Role.AUDITOR)
AUDITORS = (Role.AUDITOR,)
