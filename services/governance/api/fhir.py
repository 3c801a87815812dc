"""FHIR R4 (`application/fhir+json`): the governance service serves its CapabilityStatement and the
partner register as UK Core Organizations (with ODS identifiers); the person-level resources
are served by assessment and delegation."""

from shared import fhir

router = fhir.open_router("governance", ())
