"""The events the delegation service reacts to, and its handler for each."""

from services.delegation.handlers import (
    catalogue,
    handbacks,
    projections,
    proposals,
    reviews,
    worklist,
)
from services.delegation.handlers.delegations import workers
from shared import organisations, relationships
from shared.events.assessment import (
    CommunityHealthServicesStatusChanged,
    ConsentLinked,
    ConsentRecorded,
    ConsentWithdrawn,
    GpPracticeChanged,
    NeedChanged,
    NeedsAssessed,
    PersonRegistered,
    RelationshipChanged,
)
from shared.events.funding import WithoutPrejudiceSettled
from shared.events.governance import (
    FrameworkVersionPublished,
    OrganisationRegistered,
    SharedCareDecisionRecorded,
    TaskCatalogueChanged,
)
from shared.events.training import (
    CompetenceAssessed,
    CompetenceExpiryWarned,
    CompetenceLapsed,
    InstructionRecorded,
    TrainingPlanAgreed,
    WorkerLeft,
    WorkerRegistered,
)
from shared.inbox import Subscriptions

SUBSCRIPTIONS: Subscriptions = {
    OrganisationRegistered: organisations.on_registered,
    RelationshipChanged: relationships.KEEP_RELATIONSHIPS,
    FrameworkVersionPublished: catalogue.on_framework_version_published,
    TaskCatalogueChanged: catalogue.on_task_catalogue_changed,
    SharedCareDecisionRecorded: proposals.on_shared_care_decision_recorded,
    PersonRegistered: projections.on_person_registered,
    CommunityHealthServicesStatusChanged: projections.on_chs_status_changed,
    GpPracticeChanged: projections.on_gp_practice_changed,
    ConsentRecorded: projections.on_consent_recorded,
    ConsentLinked: projections.on_consent_linked,
    ConsentWithdrawn: projections.on_consent_withdrawn,
    NeedChanged: reviews.on_need_changed,
    NeedsAssessed: projections.on_needs_assessed,
    TrainingPlanAgreed: projections.on_training_plan_agreed,
    InstructionRecorded: projections.on_instruction_recorded,
    CompetenceAssessed: projections.on_competence_assessed,
    CompetenceLapsed: projections.on_competence_lapsed,
    WorkerRegistered: workers.on_worker_registered,
    WorkerLeft: workers.on_worker_left,
    CompetenceExpiryWarned: worklist.on_competence_expiry_warned,
    WithoutPrejudiceSettled: handbacks.on_without_prejudice_settled,
}
