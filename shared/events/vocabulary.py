"""The Framework's words that travel in events: shared by producers and consumers alike."""

from enum import StrEnum


class Direction(StrEnum):
    """R1: delegation runs both ways."""

    HEALTH_TO_SOCIAL = "health_to_social"
    SOCIAL_TO_HEALTH = "social_to_health"


class Setting(StrEnum):
    """R3: where a delegated task may be carried out."""

    OWN_HOME = "own_home"
    DAY_CARE_CENTRE = "day_care_centre"
    REGISTERED_CARE_HOME = "registered_care_home"
    SUPPORTED_LIVING = "supported_living"


class TaskCategory(StrEnum):
    """R10: the eight delegated healthcare activity categories, and social care."""

    VITAL_SIGNS_MONITORING = "vital_signs_monitoring"
    SPECIALISED_MEDICATION = "specialised_medication_administration"
    POSTURE_AND_MOBILITY = "complex_posture_and_mobility_care"
    SKIN_INTEGRITY_AND_WOUNDS = "compromised_skin_integrity_and_wound_care"
    AIRWAYS_AND_BREATHING = "airways_and_breathing_care"
    FEEDING_AND_DIGESTIVE = "feeding_and_digestive_care"
    BLADDER_AND_BOWEL = "bladder_and_bowel_care"
    OTHER = "other"
    SOCIAL_CARE = "social_care"


class Delegability(StrEnum):
    """R10: whether a task may be delegated at all."""

    NEVER = "never"  # a registered nurse only
    CASE_BY_CASE = "case_by_case"  # needs a recorded clinical justification
    ROUTINE = "routine"
    SOCIAL_CARE_ONLY = "social_care_only"  # the exclusive remit of adult social care


class OversightKind(StrEnum):
    """R17: who keeps clinical oversight of a live delegated task."""

    COMMUNITY_HEALTH_SERVICES = "community_health_services"
    PRIMARY_CARE = "primary_care"


class OrganisationKind(StrEnum):
    """R2: what kind of partner an organisation in the register is."""

    ICB = "icb"
    LOCAL_AUTHORITY = "local_authority"
    NHS_TRUST = "nhs_trust"
    CSU = "csu"
    GP_PRACTICE = "gp_practice"
    CARE_PROVIDER = "care_provider"


class RelationshipBasis(StrEnum):
    """Why an organisation may see a person's records: its legitimate relationship with them."""

    REGISTERED = "registered"  # it registered the person for assessment
    ASSESSED = "assessed"  # it assessed them
    MDT = "mdt"  # it proposed a delegation for them or sits on its MDT
    PROVIDER = "provider"  # it provides a delegated task for them
    OVERSIGHT = "oversight"  # it keeps clinical oversight of a task for them (R17)
    COMMISSIONER = "commissioner"  # it commissions or funds their care
    LOCAL_AUTHORITY = "local_authority"  # the council responsible for their social care
    CSU_CASE = "csu_case"  # it holds a dispute case about them (R22)
