"""Kafka security settings: credentials are never sent in clear, half a client certificate is
refused, and each client gets TLS and SASL options from the same place."""

from __future__ import annotations

import ssl
from typing import Any

import pytest
from pydantic import ValidationError

from shared.settings import Environment, ServiceSettings
from shared.transport import KafkaSecurity


def settings(**values: Any) -> ServiceSettings:
    return ServiceSettings(environment=Environment.TEST, database_url="sqlite://", **values)


def test_sasl_without_a_user_and_password_is_refused() -> None:
    with pytest.raises(ValidationError, match="needs a SASL user and password"):
        settings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="llr")


def test_plain_without_tls_is_refused() -> None:
    with pytest.raises(ValidationError, match="over SASL_SSL only"):
        settings(
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_mechanism="PLAIN",
            kafka_sasl_username="llr",
            kafka_sasl_password="pw",
        )


def test_a_client_certificate_without_its_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="go together"):
        settings(kafka_security_protocol="SSL", kafka_ssl_certfile="client.pem")


def test_the_placeholder_password_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="kafka_sasl_password still holds the placeholder"):
        settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_username="llr",
            kafka_sasl_password="changethis",
        )


def test_sasl_ssl_gives_every_client_a_tls_context_and_scram_credentials() -> None:
    security = KafkaSecurity.of(
        settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_username="llr",
            kafka_sasl_password="pw",
        )
    )

    options = security.options()

    assert options["security_protocol"] == "SASL_SSL"
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert options["ssl_context"].verify_mode is ssl.CERT_REQUIRED
    assert (options["sasl_mechanism"], options["sasl_plain_username"]) == ("SCRAM-SHA-512", "llr")
    assert "pw" not in repr(security)


def test_plaintext_stays_plaintext() -> None:
    assert KafkaSecurity.of(settings()).options() == {"security_protocol": "PLAINTEXT"}
