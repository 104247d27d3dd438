"""Connecting to an existing NATS: credentials and TLS from NATS_* settings reach nats-py,
against a real nats-server that demands mutual TLS and a password."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gogent.monitoring import check_nats
from gogent.nats import (
    NatsSettingsError,
    nats_connect_options,
    nats_server_binary,
    nats_servers_display,
)
from logs.models import LogEntry
from tests.helpers.processes import ManagePy, free_port
from tests.helpers.wait import wait_for
from tests.logs.harness import stop_gracefully

PASSWORD = "pw-NATS-NEVER-PRINTED-7c1"


def openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private CA, a server certificate for 127.0.0.1 and a client certificate."""
    folder = tmp_path_factory.mktemp("tls")
    files = {name: folder / name for name in ("ca.pem", "ca.key")}
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            "/CN=Gogent test CA", "-keyout", files["ca.key"], "-out", files["ca.pem"])  # fmt: skip
    for name, extension in (
        ("server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
        ("client", "extendedKeyUsage=clientAuth"),
    ):
        key, request, cert = folder / f"{name}.key", folder / f"{name}.csr", folder / f"{name}.pem"
        extfile = folder / f"{name}.ext"
        extfile.write_text(extension + "\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN=gogent-{name}",
                "-keyout", key, "-out", request)  # fmt: skip
        openssl("x509", "-req", "-in", request, "-CA", files["ca.pem"], "-CAkey", files["ca.key"],
                "-CAcreateserial", "-days", "2", "-extfile", extfile, "-out", cert)  # fmt: skip
        files[f"{name}.pem"], files[f"{name}.key"] = cert, key
    return files


@pytest.fixture
def secure_nats(tmp_path: Path, certificates: dict[str, Path]) -> Iterator[str]:
    """nats-server with JetStream that takes only TLS clients with a certificate from the
    CA and the right user and password; yields its URL."""
    port = free_port()
    config = tmp_path / "nats-secure.conf"
    config.write_text(
        f'listen: "127.0.0.1:{port}"\n'
        f'jetstream {{ store_dir: "{tmp_path / "js"}" }}\n'
        "tls {\n"
        f'  cert_file: "{certificates["server.pem"]}"\n'
        f'  key_file: "{certificates["server.key"]}"\n'
        f'  ca_file: "{certificates["ca.pem"]}"\n'
        "  verify: true\n"
        "}\n"
        f'authorization {{ user: "gogent", password: "{PASSWORD}" }}\n'
    )
    log = tmp_path / "nats-secure.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(nats_server_binary()), "--config", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "Server is ready" in log.read_text(), timeout=15, what="nats-server")
        yield f"nats://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.fixture
def tls_settings(certificates: dict[str, Path]) -> dict[str, str]:
    return {
        "NATS_TLS_CA_FILE": str(certificates["ca.pem"]),
        "NATS_TLS_CERT_FILE": str(certificates["client.pem"]),
        "NATS_TLS_KEY_FILE": str(certificates["client.key"]),
        "NATS_USER": "gogent",
        "NATS_PASSWORD": PASSWORD,
    }


def use(settings, values: dict[str, str]) -> None:
    for name, value in values.items():
        setattr(settings, name, value)


def test_credentials_in_nats_url_are_masked_wherever_servers_are_shown(settings):
    settings.NATS_SERVERS = [
        "nats://gogent:hunter2@nats-1:4222",
        "tls://s3cr3t-token@nats-2",
        "nats://nats-3:4222",
    ]
    shown = nats_servers_display()
    assert shown == "nats://***@nats-1:4222, tls://***@nats-2, nats://nats-3:4222"
    assert "hunter2" not in shown and "s3cr3t" not in shown


def test_a_missing_or_half_configured_file_is_named(settings, tmp_path: Path, certificates):
    settings.NATS_TLS_CA_FILE = str(tmp_path / "nowhere.pem")
    with pytest.raises(NatsSettingsError, match=r"NATS_TLS_CA_FILE: no such file: .*nowhere\.pem"):
        nats_connect_options()
    settings.NATS_TLS_CA_FILE = str(certificates["ca.pem"])
    settings.NATS_TLS_CERT_FILE = str(certificates["client.pem"])
    with pytest.raises(NatsSettingsError, match="NATS_TLS_KEY_FILE must be too"):
        nats_connect_options()
    settings.NATS_TLS_CERT_FILE = settings.NATS_TLS_CA_FILE = ""
    settings.NATS_CREDS_FILE = str(tmp_path / "user.creds")
    with pytest.raises(NatsSettingsError, match="NATS_CREDS_FILE: no such file"):
        nats_connect_options()


def test_a_file_that_is_not_a_ca_certificate_is_a_clear_error(settings, tmp_path: Path):
    not_a_cert = tmp_path / "ca.pem"
    not_a_cert.write_text("-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n")
    settings.NATS_TLS_CA_FILE = str(not_a_cert)
    with pytest.raises(NatsSettingsError, match="NATS_TLS_CA_FILE: not a CA certificate"):
        nats_connect_options()


def test_readiness_connects_with_tls_and_password_and_fails_without(
    settings, secure_nats: str, tls_settings: dict[str, str]
):
    settings.NATS_SERVERS = [secure_nats]
    settings.MONITORING_TIMEOUT = 5
    use(settings, tls_settings)
    assert check_nats().ok

    settings.NATS_PASSWORD = "wrong"
    refused = check_nats()
    assert not refused.ok and "authorization" in refused.error.lower()

    settings.NATS_PASSWORD = PASSWORD
    settings.NATS_TLS_CERT_FILE = settings.NATS_TLS_KEY_FILE = ""
    assert not check_nats().ok  # the server demands a client certificate


@pytest.mark.slow
def test_consumer_and_publisher_pass_tls_and_credentials_to_nats(
    secure_nats: str,
    tls_settings: dict[str, str],
    gogent_env: dict[str, str],
    start_consumer: Callable[..., ManagePy],
    tmp_path: Path,
):
    env = {**gogent_env, **tls_settings, "NATS_URL": secure_nats}
    consumer = start_consumer(**env)
    wait_for(lambda: "consuming AGENT_STREAM" in consumer.output, what="the consumer")

    publisher = ManagePy(
        ["publish_logs", "--generate", "300", "--wait", "30"], env, tmp_path / "publish.log"
    ).start()
    assert publisher.wait(timeout=90) == 0, publisher.output[-2000:]
    wait_for(lambda: LogEntry.objects.count() == 300, timeout=60, what="300 logs stored")
    output = stop_gracefully(consumer) + publisher.output
    assert PASSWORD not in output


@pytest.mark.slow
def test_a_wrong_password_is_reported_without_the_password(
    secure_nats: str,
    tls_settings: dict[str, str],
    start_consumer: Callable[..., ManagePy],
):
    consumer = start_consumer(
        **{**tls_settings, "NATS_URL": secure_nats, "NATS_PASSWORD": f"{PASSWORD}-wrong"}
    )
    wait_for(lambda: "authorization" in consumer.output.lower(), timeout=30, what="an auth error")
    consumer.stop()
    assert PASSWORD not in consumer.output


@pytest.mark.slow
def test_a_missing_certificate_file_stops_the_consumer_with_its_setting_named(
    tls_settings: dict[str, str], start_consumer: Callable[..., ManagePy], tmp_path: Path
):
    missing = tmp_path / "missing-ca.pem"
    consumer = start_consumer(**{**tls_settings, "NATS_TLS_CA_FILE": str(missing)})
    assert consumer.wait(timeout=60) != 0
    assert f"NATS_TLS_CA_FILE: no such file: {missing}" in consumer.output
    assert "Traceback" not in consumer.output
