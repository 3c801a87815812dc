#!/usr/bin/env bash
# Topics are created explicitly (the broker does not auto-create): partitions, retention, dead letters.
set -euo pipefail
BOOTSTRAP=${BOOTSTRAP:-kafka:9092}
PARTITIONS=${PARTITIONS:-3}
RETENTION_MS=${RETENTION_MS:-2592000000}  # 30 days: a consumer may rebuild from the topic
topic() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$PARTITIONS" --replication-factor "${REPLICATION:-1}" \
    --config "retention.ms=$2" --config min.insync.replicas="${MIN_ISR:-1}"
}
for t in assessment.person delegation.delegation training.competence funding.apportionment governance.board; do
  topic "$t" "$RETENTION_MS"
done
topic platform.dead-letters 7776000000  # 90 days: parked messages stay inspectable
