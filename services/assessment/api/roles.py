"""Who may do what in the assessment service.

Social workers sign in as registered practitioners (they are registered with Social Work England)
and assess; MDT members read; provider managers read the people their organisation provides a
task for. Role is not enough: every read and write of a person's records also needs the caller's
organisation to hold a legitimate relationship with the person (or, for a registered practitioner,
a broken glass). The equality profile (R28) is read by registered practitioners within a
relationship only; auditors read the audit trail, never a person's records.
"""

from shared.auth import Role

ASSESSORS = (Role.REGISTERED_PRACTITIONER,)
CLINICAL_READERS = (Role.REGISTERED_PRACTITIONER, Role.MDT_MEMBER)
READERS = (*CLINICAL_READERS, Role.PROVIDER_MANAGER)
EQUALITY_READERS = (Role.REGISTERED_PRACTITIONER,)
# R17: an MDT member may record the person's new GP practice as well as a practitioner.
GP_PRACTICE_RECORDERS = (Role.REGISTERED_PRACTITIONER, Role.MDT_MEMBER)
