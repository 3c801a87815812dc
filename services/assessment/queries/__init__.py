"""The assessment service's read side, split by sub-topic; every read of a person's records passes
`shared.access` (a legitimate relationship or break-glass) and is audited."""
