"""Real PostgreSQL and Kafka for tests: from the environment, testcontainers, or local scripts."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LOCAL = Path(__file__).resolve().parents[2] / "deploy" / "local"
BASH = shutil.which("bash") or "/bin/bash"
POSTGRES_SETTINGS = [
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_connections=300",
]


@dataclass
class Server:
    """A running server and, where this run started it, how to stop and start it again."""

    address: str
    stop: Callable[[], None] | None = None
    start: Callable[[], None] | None = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def controllable(self) -> bool:
        return self.stop is not None and self.start is not None


def _script(name: str, *args: str, timeout: float = 900, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(  # noqa: S603
        [BASH, str(LOCAL / name), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} {' '.join(args)} failed:\n{done.stderr[-4000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _local(script: str) -> Server:
    was_running = (
        subprocess.run(  # noqa: S603
            [BASH, str(LOCAL / script), "status"], capture_output=True, timeout=30
        ).returncode
        == 0
    )
    address = _script(script, "start")

    def start() -> None:
        _script(script, "start")

    def stop() -> None:
        _script(script, "stop", timeout=120)

    server = Server(address, stop=stop, start=start)
    # Leave a server this run did not start as it found it; LLR_KEEP_SERVERS keeps ours running
    # for the next run (several developers' suites may share one machine's servers).
    if not was_running and not os.environ.get("LLR_KEEP_SERVERS"):
        server.cleanups.append(stop)
    return server


def postgres() -> Server:
    if url := os.environ.get("LLR_TEST_DATABASE_URL"):
        return Server(url)
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer

        # As deploy/local/postgres.sh: durability traded for speed, data living one test run.
        container = (
            PostgresContainer("postgres:16-alpine", driver=None)
            .with_command(" ".join(f"-c {setting}" for setting in POSTGRES_SETTINGS))
            .start()
        )
        server = Server(container.get_connection_url())
        server.cleanups.append(container.stop)
        return server
    return _local("postgres.sh")


def kafka() -> Server:
    if bootstrap := os.environ.get("LLR_TEST_KAFKA_BOOTSTRAP"):
        return Server(bootstrap)
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer

        container = KafkaContainer().with_kraft().start()
        server = Server(container.get_bootstrap_server())
        server.cleanups.append(container.stop)
        return server
    return _local("kafka.sh")


@contextlib.contextmanager
def running(make: Callable[[], Server]) -> Iterator[Server]:
    server = make()
    try:
        yield server
    finally:
        for cleanup in server.cleanups:
            cleanup()


@dataclass(frozen=True)
class SecuredKafka:
    """A broker of this run's own with a SASL_SSL listener beside its PLAINTEXT one."""

    plaintext: str
    sasl_ssl: str
    tls: Path  # ca.pem; client.pem and client-key.pem, a client certificate the CA signed
    user: str
    password: str


def _certificates(directory: Path) -> None:
    """A CA, the broker's certificate for 127.0.0.1 and a client certificate, all made here."""
    from datetime import UTC, datetime, timedelta
    from ipaddress import IPv4Address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())

    def issue(
        common: str, key: ec.EllipticCurvePrivateKey, *, ca: bool = False
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(common))
            .issuer_name(name("llr test CA"))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
                ),
                critical=False,
            )
        return builder.sign(ca_key, hashes.SHA256())

    def pem(certificate: x509.Certificate) -> bytes:
        return certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.pem").write_bytes(pem(issue("llr test CA", ca_key, ca=True)))
    broker_key = ec.generate_private_key(ec.SECP256R1())
    # A PEM key store for Kafka: the PKCS#8 key, then the certificate chain.
    broker = key_pem(broker_key) + pem(issue("127.0.0.1", broker_key))
    (directory / "broker.pem").write_bytes(broker)
    client_key = ec.generate_private_key(ec.SECP256R1())
    (directory / "client.pem").write_bytes(pem(issue("llr-client", client_key)))
    (directory / "client-key.pem").write_bytes(key_pem(client_key))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def own_kafka(directory: Path, **settings: str) -> Iterator[Server]:
    """A broker of the caller's own (deploy/local/kafka.sh in `directory`, on free ports): it can be
    stopped and started without disturbing any other test, whatever broker the environment names."""
    env = {
        "LLR_LOCAL_DIR": str(directory),
        "LLR_KAFKA_PORT": str(free_port()),
        "LLR_KAFKA_CONTROLLER_PORT": str(free_port()),
        **settings,
    }

    def start() -> None:
        _script("kafka.sh", "start", timeout=300, env=env)

    def stop() -> None:
        _script("kafka.sh", "stop", timeout=120, env=env)

    try:
        address = _script("kafka.sh", "start", timeout=300, env=env)
        try:
            yield Server(address, stop=stop, start=start)
        finally:
            stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def secured_kafka(directory: Path) -> Iterator[SecuredKafka]:
    """A broker of its own with a SASL_SSL listener beside its PLAINTEXT one (free ports)."""
    tls = directory / "tls"
    _certificates(tls)
    user, password = "llr-worker", "s3cret-for-tests"
    sasl_ssl_port = free_port()
    settings = {
        "LLR_KAFKA_SASL_SSL_PORT": str(sasl_ssl_port),
        "LLR_KAFKA_TLS_DIR": str(tls),
        "LLR_KAFKA_SASL_USER": user,
        "LLR_KAFKA_SASL_PASSWORD": password,
    }
    with own_kafka(directory, **settings) as broker:
        yield SecuredKafka(broker.address, f"127.0.0.1:{sasl_ssl_port}", tls, user, password)
