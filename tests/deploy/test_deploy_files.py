"""The deployment files under deploy/ fit this project and work.

No Docker here: the compose file is checked against the project (every command a real
manage.py command, the Celery app or the WSGI app; every variable a real setting), its
NATS config runs as a real three-node JetStream cluster under the real consumer, and the
systemd units pass `systemd-analyze verify` with their paths pointed at this checkout.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import nats
import nats.errors
import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from gogent.nats import nats_server_binary
from logs.models import LogEntry, RejectedMessage
from tests.helpers.processes import BASE_DIR, ManagePy, free_port
from tests.helpers.wait import run_async, wait_for
from tests.logs.harness import FAST_REDELIVERY, final_stats, generated, stop_gracefully

DEPLOY = BASE_DIR / "deploy"
CLUSTER_CONF = DEPLOY / "nats" / "nats-cluster.conf"
UNITS = DEPLOY / "systemd"
SETTINGS_SOURCE = (BASE_DIR / "gogent" / "settings.py").read_text()
NATS_NODES = ["nats-1", "nats-2", "nats-3"]
APP_SERVICES = ["migrate", "consumer", "syslog", "worker", "beat", "web"]
UNIT_FILES = [
    "gogent-migrate.service",
    "gogent-consumer@.service",
    "gogent-syslog.service",
    "gogent-worker@.service",
    "gogent-beat.service",
    "gogent-web.service",
    "gogent.target",
]
SERVICE_UNITS = [name for name in UNIT_FILES if name.endswith(".service")]
MIGRATE_COMMANDS = [
    ["python", "manage.py", "migrate", "--no-input"],
    ["python", "manage.py", "ensure_roles"],
]


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def commands_of(argv: list[str]) -> list[list[str]]:
    """The commands a container runs: its argv, or each `&&` part of an `sh -c` line."""
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def normalized(argv: list[str]) -> list[str]:
    """argv with the program's directory dropped (python, not /opt/gogent/.venv/bin/python)."""
    return [Path(argv[0]).name, *argv[1:]]


def without_option(argv: list[str], option: str) -> list[str]:
    index = argv.index(option)
    return argv[:index] + argv[index + 2 :]


def assert_runs_gogent(argv: list[str]) -> None:
    """argv runs a real manage.py command, the Celery app `gogent` or gunicorn with Gogent."""
    program, *args = normalized(argv)
    if program == "python":
        assert args[0] == "manage.py", argv
        assert args[1] in get_commands(), f"no manage.py command {args[1]!r}: {argv}"
    elif program == "celery":
        assert args[:2] == ["--app", "gogent"], argv
        assert args[2] in {"worker", "beat"}, argv
    elif program == "gunicorn":
        assert args[0] == settings.WSGI_APPLICATION.rsplit(".", 1)[0], argv
        assert import_module(args[0]).application is not None
    else:
        raise AssertionError(f"not a Gogent command: {argv}")


def procfile() -> dict[str, list[str]]:
    """Each process of the Procfile (`make run`) as argv, without the shell's `exec`."""
    processes = {}
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        name, command = line.split(":", 1)
        argv = shlex.split(command)
        processes[name] = argv[1:] if argv[0] == "exec" else argv
    return processes


def is_setting(name: str) -> bool:
    """settings.py reads the variable: env_*("NAME"), or NAME_FILE through env_secret("NAME")."""
    if f'"{name}"' in SETTINGS_SOURCE:
        return True
    return (
        name.endswith("_FILE") and f'env_secret("{name.removesuffix("_FILE")}")' in SETTINGS_SOURCE
    )


def nats_server_version() -> str:
    output = subprocess.run(
        [str(nats_server_binary()), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return re.search(r"v(\d+\.\d+\.\d+)", output).group(1)


# --- compose.yaml ---------------------------------------------------------------------


def test_compose_has_the_cluster_the_stores_and_every_gogent_process():
    services = compose()["services"]

    assert set(services) == {*NATS_NODES, "postgres", "redis", *APP_SERVICES, "proxy"}
    for name in APP_SERVICES:
        assert services[name]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        for argv in commands_of(services[name]["command"]):
            assert_runs_gogent(argv)
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["redis"]["command"] == ["redis-server", "--appendonly", "yes"]
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    for name in ["postgres", "redis", "proxy", *NATS_NODES]:
        tag = services[name]["image"].split(":")[1]
        assert re.match(r"\d+\.\d+", tag), f"{name}: pin the image's version, not {tag!r}"


def test_compose_runs_consumers_and_workers_in_numbers_and_one_beat():
    services = compose()["services"]

    assert services["consumer"]["deploy"]["replicas"] >= 2
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert services["beat"]["deploy"]["replicas"] == 1
    beats = [
        name
        for name, service in services.items()
        if any(
            argv[:4] == ["celery", "--app", "gogent", "beat"]
            for argv in commands_of(service.get("command", [""]))
        )
    ]
    assert beats == ["beat"]


def test_compose_app_services_start_after_the_stores_and_migrate():
    services = compose()["services"]
    healthy = {"condition": "service_healthy"}

    for name in ["consumer", "syslog", "worker", "beat", "web"]:
        depends_on = services[name]["depends_on"]
        assert depends_on["postgres"] == healthy
        assert depends_on["redis"] == healthy
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
        assert all(depends_on[node] == healthy for node in NATS_NODES)
    assert services["migrate"]["depends_on"] == {"postgres": healthy}
    assert services["migrate"]["restart"] == "no"


def test_compose_environment_sets_only_real_settings_pointing_at_its_services():
    document = compose()
    environment = document["x-gogent"]["environment"]

    unknown = [name for name in environment if not is_setting(name)]
    assert not unknown, f"not read by gogent/settings.py: {unknown}"
    for name in APP_SERVICES:
        assert document["services"][name]["environment"] == environment
    assert environment["NATS_URL"] == ",".join(f"nats://{node}:4222" for node in NATS_NODES)
    assert environment["NATS_STREAM_REPLICAS"] == "3"
    assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert re.fullmatch(
        r"postgres://gogent:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres/gogent",
        environment["DATABASE_URL"],
    )
    # Secrets have no default: compose refuses to start without them.
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert environment["GOGENT_ENCRYPTION_KEYS"].startswith("${GOGENT_ENCRYPTION_KEYS:?")


def test_compose_nats_nodes_share_the_cluster_config_and_keep_their_own_store():
    services = compose()["services"]
    conf = CLUSTER_CONF.read_text()

    names = []
    for node in NATS_NODES:
        service = services[node]
        assert "./nats/nats-cluster.conf:/etc/nats/nats-cluster.conf:ro" in service["volumes"]
        assert service["command"] == ["--config", "/etc/nats/nats-cluster.conf"]
        assert f"{node}:/data" in service["volumes"]
        names.append(service["environment"]["NATS_SERVER_NAME"])
    assert names == NATS_NODES
    assert "server_name: $NATS_SERVER_NAME" in conf
    assert "store_dir: /data\n" in conf
    assert re.findall(r"nats-route://([\w-]+):6222", conf) == NATS_NODES
    # The cluster test below runs the venv's nats-server: the image is that release.
    tag = services["nats-1"]["image"].split(":")[1]
    assert tag.split(".")[:2] == nats_server_version().split(".")[:2], tag


def test_compose_processes_run_what_the_procfile_runs():
    services = compose()["services"]
    local = procfile()

    assert services["consumer"]["command"] == local["consumer"]
    assert services["syslog"]["command"] == local["syslog"]
    assert services["worker"]["command"] == local["worker"]
    assert services["beat"]["command"] == local["beat"]
    assert without_option(services["web"]["command"], "--bind") == without_option(
        local["web"], "--bind"
    )
    assert "0.0.0.0:8000" in services["web"]["command"]


# --- Dockerfile -----------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/Dockerfile, continuation lines joined."""
    instructions = []
    pending = ""
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        if line.strip().startswith("#") or not line.strip():
            continue
        pending += line.rstrip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        instruction, _, arguments = pending.strip().partition(" ")
        instructions.append((instruction, arguments.strip()))
        pending = ""
    return instructions


def test_dockerfile_builds_a_non_root_image_that_serves_gunicorn():
    instructions = dockerfile()
    environment = dict(
        item.split("=", 1)
        for kind, args in instructions
        if kind == "ENV"
        for item in shlex.split(args)
    )

    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    assert environment["GOGENT_DATA_DIR"] == "/var/lib/gogent"
    assert is_setting("GOGENT_DATA_DIR")
    assert ("RUN", "pip install . && rm -rf build ./*.egg-info && python -m compileall -q .") in (
        instructions
    )
    users = [args for kind, args in instructions if kind == "USER"]
    assert users == ["gogent"]
    assert not any(kind == "ENV" and "SECRET_KEY" in args for kind, args in instructions)
    cmd = yaml.safe_load(dict(instructions)["CMD"])
    assert_runs_gogent(cmd)
    ignored = (BASE_DIR / ".dockerignore").read_text().splitlines()
    assert {".git", ".venv", "data", "test-artifacts", ".env"} <= set(ignored)


def test_dockerfile_collectstatic_step_needs_no_database_and_leaves_no_key(tmp_path):
    """The image's collectstatic RUN, with the image's ENV (its paths mapped to this checkout
    and a tmp data dir), makes the manifest and leaves no secret key or broker folder."""
    instructions = dockerfile()
    data_dir = tmp_path / "var-lib-gogent"
    image_env = {
        name: value.replace("/app", str(BASE_DIR)).replace("/var/lib/gogent", str(data_dir))
        for kind, args in instructions
        if kind == "ENV"
        for name, value in (item.split("=", 1) for item in shlex.split(args))
    }
    (command,) = [args for kind, args in instructions if kind == "RUN" and "collectstatic" in args]
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "CELERY_", "NATS_", "SECRET_KEY"))
    }
    env = {**inherited, **image_env, "PATH": f"{BASE_DIR / '.venv' / 'bin'}:{os.environ['PATH']}"}

    result = subprocess.run(
        ["sh", "-c", command], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert (data_dir / "static" / "staticfiles.json").is_file()
    assert not (data_dir / "secret_key").exists()
    assert not (data_dir / "celery-broker").exists()


# --- deploy/nats/nats-cluster.conf: a real cluster -------------------------------------


@dataclass
class NatsNode:
    name: str
    client_port: int
    cluster_port: int
    monitor_port: int
    store_dir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.client_port}"

    @property
    def log(self) -> str:
        path = self.store_dir / "nats-server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""


class NatsCluster:
    """deploy/nats/nats-cluster.conf run as three local nodes. Only addresses and the store
    dir are rewritten: each listen address to a free loopback port, each route's host name
    (the compose service) to that node's port, /data to a tmp dir."""

    def __init__(self, tmp_path: Path) -> None:
        ports: set[int] = set()
        while len(ports) < 3 * len(NATS_NODES):
            ports.add(free_port())
        free = iter(ports)
        self.nodes = [
            NatsNode(name, next(free), next(free), next(free), tmp_path / name)
            for name in NATS_NODES
        ]

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    @property
    def url(self) -> str:
        """NATS_URL, as gogent_env passes it to the consumer: every node."""
        return ",".join(self.urls)

    def node_config(self, node: NatsNode) -> str:
        text = CLUSTER_CONF.read_text()
        replacements = {
            "0.0.0.0:4222": f"127.0.0.1:{node.client_port}",
            "0.0.0.0:8222": f"127.0.0.1:{node.monitor_port}",
            "0.0.0.0:6222": f"127.0.0.1:{node.cluster_port}",
            "store_dir: /data\n": f'store_dir: "{node.store_dir}"\n',
            **{f"{other.name}:6222": f"127.0.0.1:{other.cluster_port}" for other in self.nodes},
        }
        for old, new in replacements.items():
            assert text.count(old) == 1, f"{old!r} should occur once in {CLUSTER_CONF.name}"
            text = text.replace(old, new)
        return text

    def start(self) -> None:
        for node in self.nodes:
            node.store_dir.mkdir(parents=True)
            config = node.store_dir / "nats-cluster.conf"
            config.write_text(self.node_config(node))
            with open(node.store_dir / "nats-server.log", "wb") as log:
                node.process = subprocess.Popen(
                    [str(nats_server_binary()), "--config", str(config)],
                    env={**os.environ, "NATS_SERVER_NAME": node.name},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
        wait_for(self._has_meta_leader, timeout=60, interval=0.2, what="a JetStream meta leader")

    def _has_meta_leader(self) -> bool:
        for node in self.nodes:
            assert node.process.poll() is None, f"{node.name} exited:\n{node.log}"
        return jetstream_or_none(self.urls, lambda js: js.account_info()) is not None

    def node(self, name: str) -> NatsNode:
        (node,) = [node for node in self.nodes if node.name == name]
        return node

    def kill(self, name: str) -> None:
        node = self.node(name)
        node.process.send_signal(signal.SIGKILL)
        node.process.wait()

    def stop(self) -> None:
        for node in self.nodes:
            if node.process and node.process.poll() is None:
                node.process.terminate()
        for node in self.nodes:
            if node.process:
                try:
                    node.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    node.process.kill()
                    node.process.wait()


def jetstream(urls: list[str], call: Callable[[Any], Any]) -> Any:
    """call(JetStreamContext) over a short-lived connection to any of urls."""

    async def go() -> Any:
        async def quiet(error: Exception) -> None:
            return None

        client = await nats.connect(
            servers=urls, connect_timeout=2, max_reconnect_attempts=1, error_cb=quiet
        )
        try:
            return await call(client.jetstream(timeout=3))
        finally:
            await client.close()

    return run_async(go())


def jetstream_or_none(urls: list[str], call: Callable[[Any], Any]) -> Any:
    """jetstream(), or None while the cluster cannot answer (no leader yet, node down)."""
    try:
        return jetstream(urls, call)
    except (nats.errors.Error, TimeoutError, OSError):
        return None


def publish_to(urls: list[str], payloads: list[bytes], *, first_id: int) -> None:
    """Publish each payload with a message id, again until every one is acked.
    The stream keeps one copy per id (its duplicate window), so a retry across a leader
    election adds none; what this test checks is the consumer, not the publisher."""

    async def go() -> None:
        client = await nats.connect(servers=urls)
        js = client.jetstream(timeout=5)
        pending = dict(enumerate(payloads, start=first_id))
        deadline = time.monotonic() + 60
        try:
            while pending:
                numbers = list(pending)[:500]
                acks = await asyncio.gather(
                    *(
                        js.publish(
                            settings.NATS_SUBJECT,
                            pending[number],
                            headers={"Nats-Msg-Id": f"log-{number}"},
                        )
                        for number in numbers
                    ),
                    return_exceptions=True,
                )
                errors = []
                for number, ack in zip(numbers, acks, strict=True):
                    if isinstance(ack, BaseException):
                        errors.append(ack)
                    else:
                        del pending[number]
                assert time.monotonic() < deadline, f"{len(pending)} never acked: {errors[:1]}"
        finally:
            await client.close()

    run_async(go())


@pytest.fixture
def nats_cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    cluster = NatsCluster(tmp_path / "nats-cluster")
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        # Captured: shown with a failure only.
        for node in cluster.nodes:
            print(f"--- {node.name} (end of its log) ---\n{node.log}")


@pytest.fixture
def nats_server(nats_cluster: NatsCluster) -> NatsCluster:
    """In this module gogent_env's NATS_URL (from nats_server.url) names the three nodes."""
    return nats_cluster


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_cluster_config_keeps_every_log_once_when_the_stream_leader_dies(
    nats_cluster: NatsCluster, start_consumer: Callable[..., ManagePy], request
):
    stream_name, consumer_name = settings.NATS_STREAM, settings.NATS_CONSUMER
    payloads = generated(3_000)
    consumer = start_consumer(NATS_STREAM_REPLICAS="3", **FAST_REDELIVERY)
    # Captured: shown with a failure only.
    request.addfinalizer(lambda: print(f"--- consume_logs ---\n{consumer.output[-3000:]}"))
    assert consumer.env["NATS_URL"] == nats_cluster.url
    # consume_logs creates the stream and the durable consumer.
    wait_for(
        lambda: jetstream_or_none(
            nats_cluster.urls, lambda js: js.consumer_info(stream_name, consumer_name)
        ),
        timeout=60,
        interval=0.2,
        what="consume_logs to create the stream and the durable consumer",
    )

    publish_to(nats_cluster.urls, payloads[:2_000], first_id=0)
    wait_for(lambda: LogEntry.objects.count() >= 2_000, timeout=120, what="2000 logs stored")

    def replicated() -> Any:
        info = jetstream_or_none(nats_cluster.urls, lambda js: js.stream_info(stream_name))
        replicas = (info and info.cluster.replicas) or []
        return info if len(replicas) == 2 and all(peer.current for peer in replicas) else None

    stream = wait_for(replicated, timeout=60, interval=0.2, what="every replica current")
    assert stream.config.num_replicas == 3
    peers = {stream.cluster.leader, *(peer.name for peer in stream.cluster.replicas)}
    assert peers == set(NATS_NODES), stream.cluster

    leader = stream.cluster.leader
    nats_cluster.kill(leader)
    survivors = [node.url for node in nats_cluster.nodes if node.name != leader]

    def new_leader() -> str | None:
        info = jetstream_or_none(survivors, lambda js: js.stream_info(stream_name))
        return info.cluster.leader if info and info.cluster.leader not in (None, leader) else None

    wait_for(new_leader, timeout=60, interval=0.2, what=f"a stream leader other than {leader}")
    publish_to(survivors, payloads[2_000:], first_id=2_000)

    wait_for(lambda: LogEntry.objects.count() >= 3_000, timeout=120, what="3000 logs stored")

    def drained() -> bool:
        info = jetstream_or_none(survivors, lambda js: js.consumer_info(stream_name, consumer_name))
        return bool(info) and info.num_pending == 0 and info.num_ack_pending == 0

    wait_for(drained, timeout=60, interval=0.2, what="every message acked")
    seqs = sorted(LogEntry.objects.values_list("stream_seq", flat=True))
    assert seqs == list(range(1, 3_001))
    assert RejectedMessage.objects.count() == 0
    stream = jetstream(survivors, lambda js: js.stream_info(stream_name))
    assert stream.state.messages == 3_000
    assert final_stats(stop_gracefully(consumer))["stored"] == 3_000


# --- deploy/systemd -------------------------------------------------------------------


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values]}}; keys like ExecStart may repeat."""
    sections: dict[str, dict[str, list[str]]] = {}
    section: dict[str, list[str]] = {}
    pending = ""
    for line in (UNITS / name).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith(("#", ";")):
            continue
        pending += line.strip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        if pending.startswith("["):
            section = sections.setdefault(pending.strip("[]"), {})
        else:
            key, value = pending.split("=", 1)
            section.setdefault(key.strip(), []).append(value.strip())
        pending = ""
    return sections


def unit_argv(command: str, instance: str = "1") -> list[str]:
    """An Exec line as the process gets it: specifiers expanded, /opt/gogent at this checkout."""
    expanded = command.replace("%%", "\0").replace("%i", instance).replace("\0", "%")
    return shlex.split(expanded.replace("/opt/gogent", str(BASE_DIR)))


def test_systemd_units_run_gogent_commands_from_the_venv_as_gogent():
    assert sorted(path.name for path in UNITS.glob("gogent*")) == sorted(
        [*UNIT_FILES, "gogent.env.example"]
    )
    for name in SERVICE_UNITS:
        sections = unit(name)
        service = sections["Service"]
        assert service["User"] == ["gogent"], name
        assert service["WorkingDirectory"] == ["/opt/gogent"], name
        assert service["EnvironmentFile"] == ["/etc/gogent/gogent.env"], name
        assert sections["Unit"]["PartOf"] == ["gogent.target"], name
        assert sections["Install"]["WantedBy"] == ["gogent.target"], name
        for key, wanted in {
            "NoNewPrivileges": "yes",
            "ProtectSystem": "strict",
            "PrivateTmp": "yes",
            "StateDirectory": "gogent",
        }.items():
            assert service[key] == [wanted], f"{name}: {key}"
        for command in service.get("ExecStartPre", []) + service["ExecStart"]:
            argv = unit_argv(command)
            assert argv[0].startswith(str(BASE_DIR / ".venv" / "bin")), command
            assert os.access(argv[0], os.X_OK), f"{name}: {argv[0]} is not in the venv"
            assert_runs_gogent(argv)
        if name.endswith("@.service"):
            assert "%i" in (UNITS / name).read_text(), name
        if name != "gogent-migrate.service":
            assert "gogent-migrate.service" in sections["Unit"]["Requires"][0].split(), name
            assert "gogent-migrate.service" in sections["Unit"]["After"][0].split(), name
            assert service["Restart"][0] in {"always", "on-failure"}, name
            assert service["KillSignal"] == ["SIGTERM"], name
    migrate = unit("gogent-migrate.service")["Service"]
    assert (migrate["Type"], migrate["RemainAfterExit"]) == (["oneshot"], ["yes"])
    assert unit("gogent.target")["Install"]["WantedBy"] == ["multi-user.target"]


def test_systemd_processes_run_what_the_procfile_runs():
    local = procfile()

    def exec_start(name: str) -> list[str]:
        (command,) = unit(name)["Service"]["ExecStart"]
        return normalized(unit_argv(command))

    assert exec_start("gogent-consumer@.service") == local["consumer"]
    assert exec_start("gogent-syslog.service") == local["syslog"]
    assert exec_start("gogent-worker@.service") == [*local["worker"], "--hostname", "worker1@%h"]
    assert exec_start("gogent-beat.service") == local["beat"]
    web = exec_start("gogent-web.service")
    assert without_option(web, "--bind") == without_option(local["web"], "--bind")
    assert web[web.index("--bind") + 1] == "${WEB_BIND}"


def test_systemd_env_example_sets_only_real_settings():
    text = (UNITS / "gogent.env.example").read_text()
    names = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE)

    assert {"DATABASE_URL", "CELERY_BROKER_URL", "NATS_URL", "SECRET_KEY_FILE"} <= set(names)
    # WEB_BIND is read by gogent-web.service itself, as by the Procfile.
    units = "".join((UNITS / name).read_text() for name in UNIT_FILES)
    unknown = [name for name in names if not (is_setting(name) or f"${{{name}}}" in units)]
    assert not unknown, f"not read by gogent/settings.py or a unit: {unknown}"
    assert not re.search(r"^export ", text, flags=re.MULTILINE)


def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        message = "systemd-analyze not found (apt-get install systemd)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true it must run")
        pytest.skip(message)  # outside CI only
    for name in UNIT_FILES:
        text = (UNITS / name).read_text().replace("/opt/gogent", str(BASE_DIR))
        (tmp_path / name).write_text(text)
    # A template is verified as one of its instances.
    paths = [str(tmp_path / name.replace("@.service", "@1.service")) for name in UNIT_FILES]

    result = subprocess.run(
        [tool, "verify", "--man=no", *paths], capture_output=True, text=True, timeout=120
    )

    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert not [line for line in report.splitlines() if "gogent" in line], report


# --- compose and systemd agree ---------------------------------------------------------


def test_compose_migrate_and_the_systemd_migrate_unit_run_the_same_commands():
    in_compose = [
        normalized(argv) for argv in commands_of(compose()["services"]["migrate"]["command"])
    ]
    in_systemd = [
        normalized(unit_argv(command))
        for command in unit("gogent-migrate.service")["Service"]["ExecStart"]
    ]

    assert in_compose == in_systemd == MIGRATE_COMMANDS


# --- TLS: the reverse proxies and the settings behind them -------------------------------

CADDYFILE = DEPLOY / "caddy" / "Caddyfile"
NGINX_CONF = DEPLOY / "nginx" / "gogent.conf"
# What Caddy's reverse_proxy sets on every request, replacing a client's (no trusted_proxies).
CADDY_FORWARDED = {"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"}


def tls_docs() -> str:
    text = (BASE_DIR / "docs" / "deployment.md").read_text()
    return text.split("\n## TLS\n", 1)[1].split("\n## ", 1)[0]


def documented_proxy_header() -> tuple[str, str]:
    """The header and value docs/deployment.md tells operators to set, as written there."""
    value = re.search(r"^\| `SECURE_PROXY_SSL_HEADER` \| `([^`]+)`", tls_docs(), re.M).group(1)
    name, value = value.split(":", 1)
    return name.strip(), value.strip()


def nginx_directives(name: str) -> list[list[str]]:
    """The arguments of each `name ...;` in the nginx config (blocks' openings left out)."""
    statements = re.split(r"[;{}]", re.sub(r"#.*", "", NGINX_CONF.read_text()))
    return [words[1:] for words in map(str.split, statements) if words[:1] == [name] and words[1:]]


def test_the_docs_name_real_settings_for_tls():
    names = set(re.findall(r"`((?:SECURE|CSRF|COOKIE|CSP)_[A-Z_]+|ALLOWED_HOSTS)`", tls_docs()))
    env_example = (BASE_DIR / ".env.example").read_text()

    assert {"SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
            "CSRF_TRUSTED_ORIGINS", "ALLOWED_HOSTS"} <= names  # fmt: skip
    for name in names:
        assert is_setting(name), f"{name} is not read by gogent/settings.py"
        assert re.search(rf"^# {name}=", env_example, re.M), f"{name} not in .env.example"


def test_the_proxies_send_the_header_the_docs_name(monkeypatch):
    header, value = documented_proxy_header()

    # nginx sets it from the connection's scheme, replacing whatever the client sent.
    assert [header, "$scheme"] in nginx_directives("proxy_set_header")
    assert ["Host", "$host"] in nginx_directives("proxy_set_header")
    # Caddy sets it by default; trusted_proxies or a header_up of it would let a client's in.
    caddyfile = re.sub(r"#.*", "", CADDYFILE.read_text())
    assert header in CADDY_FORWARDED
    assert "trusted_proxies" not in caddyfile
    assert "header_up" not in caddyfile
    # Gogent behind either is told to read that header, and reads it as Django expects.
    environment = compose()["x-gogent"]["environment"]
    assert environment["SECURE_PROXY_SSL_HEADER"] == f"{header}: {value}"
    systemd_env = (UNITS / "gogent.env.example").read_text()
    assert f"\nSECURE_PROXY_SSL_HEADER={header}: {value}\n" in systemd_env
    from gogent.settings import env_header

    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", environment["SECURE_PROXY_SSL_HEADER"])
    assert env_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", value)
    assert value == "https"


def test_the_proxies_reach_the_web_process_where_it_listens():
    services = compose()["services"]
    proxy, web = services["proxy"], services["web"]
    bind = web["command"][web["command"].index("--bind") + 1]

    # Compose: Caddy on 443 (80 redirects) in front of web's port; web itself on loopback.
    upstream = re.search(r"\{\$GOGENT_UPSTREAM:web:(\d+)\}", CADDYFILE.read_text())
    assert upstream.group(1) == bind.rsplit(":", 1)[1]
    assert "./caddy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert proxy["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert all(port.startswith("127.0.0.1:") for port in web["ports"])
    # systemd: nginx in front of gunicorn's WEB_BIND.
    systemd_env = (UNITS / "gogent.env.example").read_text()
    web_bind = re.search(r"^WEB_BIND=(.+)$", systemd_env, re.M).group(1)
    assert nginx_directives("server") == [[web_bind]]
    assert ["443", "ssl"] in nginx_directives("listen")
    assert ["301", "https://$host$request_uri"] in nginx_directives("return")


def test_the_nginx_config_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        message = "nginx not found (apt-get install nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true it must run")
        pytest.skip(message)  # outside CI only
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=gogent.example.com",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    site = (
        NGINX_CONF.read_text()
        .replace("/etc/ssl/gogent/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/gogent/privkey.pem", str(tmp_path / "key.pem"))
    )
    (tmp_path / "gogent.conf").write_text(site)
    temp = "".join(
        f"    {kind}_temp_path {tmp_path};\n"
        for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}    include {tmp_path}/gogent.conf;\n}}\n"
    )

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
