"""Generated manufacturing and IT logs: endless, realistic, the same for the same seed.

A few dozen templates of messages seen on a plant floor and in the server room next
to it, their placeholders filled from one seeded random generator.
"""

# Seeded, reproducible data is the point here, not secrecy.
# ruff: noqa: S311

from __future__ import annotations

import random
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any, TypeVar

import orjson


@dataclass(frozen=True, slots=True)
class LogTemplate:
    name: str
    weight: int
    severity: str
    service: str
    host: str  # a field name, so the host can agree with the message ({line})
    text: str


Rng = random.Random
T = TypeVar("T")
FieldMaker = Callable[[Rng, "TemplateFields"], str]


# random.randint and random.choice cost several times more than random(); these run
# for every field of every generated message.
def _between(rng: Rng, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: Rng, options: Sequence[T]) -> T:
    return options[int(rng.random() * len(options))]


def _ip(rng: Rng, fields: TemplateFields) -> str:
    return f"10.{_between(rng, 0, 40)}.{_between(rng, 0, 255)}.{_between(rng, 1, 254)}"


def _ip_port(rng: Rng, fields: TemplateFields) -> str:
    port = _pick(rng, (80, 443, 502, 1883, 4840, 5432, 6379, 8080, 8443, 9092, 44818))
    return f"{_ip(rng, fields)}:{port}"


def _sensor_out_of_range(rng: Rng, fields: TemplateFields) -> str:
    prefix, quantity, unit, normal, limit = _pick(rng, SENSOR_KINDS)
    value = limit + (limit - normal) * rng.uniform(0.05, 0.6)
    tag = f"{prefix}-{fields['line']}{_between(rng, 1, 40):02d}"
    return f"{tag} {quantity} {value:.1f} {unit} above high limit {limit:.1f} {unit}"


def _duration(rng: Rng, fields: TemplateFields) -> str:
    seconds = _between(rng, 3, 7200)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def _uuid(rng: Rng, fields: TemplateFields) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _url(rng: Rng, fields: TemplateFields) -> str:
    path = _pick(rng, URL_PATHS).format(id=_between(rng, 1000, 99999))
    return f"https://{_pick(rng, INTERNAL_DOMAINS)}{path}"


def _number(low: int, high: int) -> FieldMaker:
    return lambda rng, fields: str(_between(rng, low, high))


def _one_of(*choices: str) -> FieldMaker:
    return lambda rng, fields: _pick(rng, choices)


def _host(layout: str, low: int, high: int) -> FieldMaker:
    # layout may name other fields, e.g. {line}, so a PLC's host and message agree.
    return lambda rng, fields: layout.format_map(fields).format(n=_between(rng, low, high))


SENSOR_KINDS = (
    ("TT", "temperature", "°C", 65.0, 85.0),
    ("PT", "pressure", "bar", 6.0, 8.5),
    ("FT", "flow", "m³/h", 40.0, 55.0),
    ("VT", "vibration", "mm/s", 2.8, 7.1),
    ("LT", "tank level", "%", 70.0, 92.0),
    ("CT", "motor current", "A", 18.0, 24.0),
    ("HT", "humidity", "%RH", 45.0, 60.0),
)
INTERNAL_DOMAINS = (
    "mes.plant1.example.com",
    "erp.example.com",
    "api.example.com",
    "historian.plant2.example.com",
    "registry.example.com",
    "sso.example.com",
)
URL_PATHS = (
    "/api/v1/orders/{id}",
    "/api/v1/workorders/{id}/confirm",
    "/api/v2/batches/{id}/quality",
    "/graphql",
    "/api/v1/materials/{id}/stock",
    "/healthz",
)
PLC_FAULTS = (
    "0x8031 watchdog timeout",
    "0x2521 I/O module failure on rack 0 slot 4",
    "0x4562 program cycle time exceeded",
    "0x6253 PROFINET device lost",
    "0x1104 power supply undervoltage",
)

FIELD_MAKERS: dict[str, FieldMaker] = {
    "ip": _ip,
    "ip_port": _ip_port,
    "line": _number(1, 6),
    "plc_host": _host("plc-line{line}-{{n:02d}}", 1, 12),
    "hmi_host": _host("hmi-line{line}-{{n:02d}}", 1, 3),
    "edge_host": _host("edge-gw-{{n:02d}}", 1, 6),
    "scada_host": _host("scada-{{n:02d}}", 1, 2),
    "mes_host": _host("srv-mes-{{n:02d}}", 1, 2),
    "db_host": _host("srv-db-{{n:02d}}", 1, 4),
    "web_host": _host("srv-web-{{n:02d}}", 1, 6),
    "app_host": _host("srv-app-{{n:02d}}", 1, 8),
    "k8s_host": _host("k8s-node-{{n:02d}}", 1, 12),
    "backup_host": _host("srv-backup-{{n:02d}}", 1, 2),
    "dns_host": _host("srv-dns-{{n:02d}}", 1, 2),
    "unit": _number(1, 32),
    "register": _number(40001, 40999),
    "client_port": _number(1024, 65535),
    "millis": _number(120, 9800),
    "scan_millis": _number(101, 480),
    "fast_millis": _number(2, 900),
    "seconds": _number(1, 60),
    "attempt": _number(1, 5),
    "pid": _number(1200, 65000),
    "other_pid": _number(1200, 65000),
    "txid": _number(100000, 9999999),
    "kb": _number(800_000, 16_000_000),
    "rss_kb": _number(400_000, 12_000_000),
    "percent": _number(91, 100),
    "free_mb": _number(0, 512),
    "days": _number(1, 14),
    "count": _number(2, 50000),
    "amps": _number(26, 60),
    "sub_id": _number(1, 400),
    "work_order": _number(100000, 999999),
    "robot": _number(1, 12),
    "conveyor": _number(1, 20),
    "size_gb": _number(2, 900),
    "exit_code": _one_of("1", "2", "12", "23", "30", "255"),
    "http_5xx": _one_of("500", "502", "503", "504"),
    "method": _one_of("GET", "POST", "PUT", "DELETE"),
    "hex": lambda rng, fields: f"{rng.getrandbits(64):016X}",
    "checksum": lambda rng, fields: f"{rng.getrandbits(32):08x}",
    "request_id": _uuid,
    "url": _url,
    "duration": _duration,
    "sensor_reading": _sensor_out_of_range,
    "sensor_tag": lambda rng, fields: (
        f"{_pick(rng, 'TPFLV')}T-{fields['line']}{_between(rng, 1, 40):02d}"
    ),
    "milliamps": lambda rng, fields: f"{rng.uniform(0.0, 3.6):.2f}",
    "offset": lambda rng, fields: f"{rng.uniform(-0.8, 0.8):+.3f}",
    "clock_offset": lambda rng, fields: f"{rng.uniform(120, 9000):.1f}",
    "plc_fault": lambda rng, fields: _pick(rng, PLC_FAULTS),
    "opc_tag": _one_of(
        "Temperature.PV", "Speed.SP", "Pressure.PV", "State.Running", "Counter.Good"
    ),
    "material": lambda rng, fields: f"MAT-{_between(rng, 10000, 99999)}",
    "domain": _one_of(*INTERNAL_DOMAINS),
    "mount": _one_of("/", "/var", "/var/lib/postgresql", "/data", "/var/log"),
    "path": _one_of(
        "/var/lib/postgresql/16/main/pg_wal/000000010000002A000000F3",
        "/var/log/historian/archive-2024.bin",
        "/data/recipes/line3/batch.tmp",
        "/var/lib/docker/overlay2/tmp/layer.tar",
        "/srv/mes/export/orders.csv",
    ),
    "device": _one_of("sda1", "sdb1", "nvme0n1p2", "dm-0", "md127"),
    "process": _one_of("java", "postgres", "python3", "node", "historian", "influxd"),
    "table": _one_of("orders", "work_orders", "batch_quality", "stock_movements", "alarms"),
    "pool": _one_of("orders-db", "mes-db", "cache", "erp-gateway"),
    "user": _one_of("admin", "root", "oracle", "test", "operator", "ubnt", "pi"),
    "pod": lambda rng, fields: (
        f"{_pick(rng, ('order-api', 'mes-connector', 'historian-ingest', 'label-printer'))}"
        f"-{rng.getrandbits(40):010x}"
    ),
    "unit_file": _one_of(
        "historian.service", "opcua-bridge.service", "backup.service", "nginx.service"
    ),
    "job": _one_of("nightly-db", "historian-archive", "plc-programs", "vm-snapshots"),
    "database": _one_of("mes", "erp", "historian", "quality"),
    "client_id": lambda rng, fields: f"edge-{rng.getrandbits(24):06x}",
}

# A few dozen messages seen on a plant floor and in the server room next to it.
# Weights make the mix mostly info and warning, some error, little critical.
GENERATED_TEMPLATES: tuple[LogTemplate, ...] = (
    LogTemplate("opcua_session_lost", 30, "warning", "opcua-client", "scada_host",
                "OPC UA session to opc.tcp://{ip}:4840 lost: BadConnectionClosed (0x80AE0000), "
                "reconnecting in {seconds} s"),
    LogTemplate("opcua_node_unknown", 10, "error", "opcua-client", "scada_host",
                "OPC UA read of ns=2;s=Line{line}.{opc_tag} failed: BadNodeIdUnknown (0x80340000)"),
    LogTemplate("opcua_subscription", 40, "info", "opcua-client", "scada_host",
                "OPC UA subscription {sub_id} created on opc.tcp://{ip}:4840, "
                "publishing interval {millis} ms"),
    LogTemplate("modbus_timeout", 35, "warning", "modbus-gateway", "edge_host",
                "Modbus TCP read of holding register {register} from unit {unit} at {ip}:502 "
                "timed out after {millis} ms"),
    LogTemplate("modbus_exception", 10, "error", "modbus-gateway", "edge_host",
                "Modbus exception 0x02 (ILLEGAL DATA ADDRESS) reading register {register} "
                "from unit {unit} at {ip}:502"),
    LogTemplate("plc_stop", 3, "critical", "plc-monitor", "plc_host",
                "PLC on line {line} entered STOP mode: fault {plc_fault}"),
    LogTemplate("plc_scan_time", 25, "warning", "plc-monitor", "plc_host",
                "Scan time {scan_millis} ms exceeds watchdog limit of 100 ms"),
    LogTemplate("plc_download", 15, "info", "plc-monitor", "plc_host",
                "Program download to PLC completed, checksum {checksum}"),
    LogTemplate("plc_heartbeat", 80, "info", "plc-monitor", "plc_host",
                "Heartbeat OK from line {line} controller, cycle time {scan_millis} ms"),
    LogTemplate("sensor_out_of_range", 30, "warning", "sensor-collector", "plc_host",
                "Sensor out of range: {sensor_reading}"),
    LogTemplate("sensor_wire_break", 6, "error", "sensor-collector", "plc_host",
                "Wire break on {sensor_tag}: 4-20 mA signal at {milliamps} mA"),
    LogTemplate("sensor_calibrated", 15, "info", "sensor-collector", "hmi_host",
                "Calibration of {sensor_tag} completed, offset {offset}"),
    LogTemplate("drive_overcurrent", 6, "error", "drive-monitor", "plc_host",
                "Drive on conveyor C{conveyor} tripped: overcurrent {amps} A (rated 25 A)"),
    LogTemplate("robot_estop", 2, "critical", "robot-controller", "plc_host",
                "Robot R{robot} emergency stop: light curtain zone {unit} interrupted"),
    LogTemplate("mes_order_rejected", 12, "warning", "mes-connector", "mes_host",
                "Work order WO-{work_order} for line {line} rejected by MES: "
                "material {material} not released"),
    LogTemplate("historian_buffer", 12, "warning", "historian", "edge_host",
                "Store-and-forward buffer {percent}% full, {count} samples queued for {ip_port}"),
    LogTemplate("mqtt_refused", 6, "error", "edge-agent", "edge_host",
                "MQTT connection to {ip}:8883 refused: not authorized (client id {client_id})"),
    LogTemplate("oom_kill", 4, "error", "kernel", "app_host",
                "Out of memory: Killed process {pid} ({process}) total-vm:{kb}kB, "
                "anon-rss:{rss_kb}kB"),
    LogTemplate("disk_full", 5, "error", "historian", "db_host",
                "write to {path} failed: No space left on device (/dev/{device} {percent}% used, "
                "{free_mb} MB free)"),
    LogTemplate("filesystem_filling", 15, "warning", "node-exporter", "app_host",
                "Filesystem {mount} on /dev/{device} is {percent}% full"),
    LogTemplate("tls_expiring", 10, "warning", "certmon", "web_host",
                "TLS certificate for {domain} expires in {days} days (serial {hex})"),
    LogTemplate("tls_expired", 4, "error", "nginx", "web_host",
                "SSL_do_handshake() failed with {ip_port}: certificate has expired "
                "for {domain}"),
    LogTemplate("dns_servfail", 10, "warning", "systemd-resolved", "dns_host",
                "DNS lookup for {domain} failed: SERVFAIL from {ip}:53 after {millis} ms"),
    LogTemplate("dns_timeout", 5, "error", "order-api", "app_host",
                "Could not resolve host {domain}: timed out after {seconds} s"),
    LogTemplate("db_deadlock", 5, "error", "postgresql", "db_host",
                "deadlock detected: process {pid} waits for ShareLock on transaction {txid}; "
                "blocked by process {other_pid}"),
    LogTemplate("db_slow_query", 20, "warning", "postgresql", "db_host",
                "duration: {millis} ms  statement: UPDATE {table} SET status = $1 WHERE id = $2"),
    LogTemplate("connection_timeout", 15, "error", "order-api", "app_host",
                "Connection to {ip_port} timed out after {millis} ms (pool {pool}, "
                "attempt {attempt}/5)"),
    LogTemplate("http_5xx", 12, "error", "nginx", "web_host",
                "upstream returned HTTP {http_5xx} for {method} {url} in {millis} ms "
                "request_id={request_id}"),
    LogTemplate("http_ok", 90, "info", "order-api", "app_host",
                "{method} {url} completed 200 in {fast_millis} ms request_id={request_id}"),
    LogTemplate("backup_done", 15, "info", "backup", "backup_host",
                "Backup of database {database} completed: {size_gb} GB in {duration}"),
    LogTemplate("backup_failed", 3, "critical", "backup", "backup_host",
                "Backup job {job} failed: rsync exited with code {exit_code} after {duration}"),
    LogTemplate("probe_failed", 15, "warning", "kubelet", "k8s_host",
                "Liveness probe failed for pod {pod}: HTTP probe failed with statuscode: 503"),
    LogTemplate("crash_loop", 6, "error", "kubelet", "k8s_host",
                "Back-off restarting failed container in pod {pod}"),
    LogTemplate("ssh_failed_password", 20, "warning", "sshd", "app_host",
                "Failed password for invalid user {user} from {ip} port {client_port} ssh2"),
    LogTemplate("unit_started", 30, "info", "systemd", "app_host", "Started {unit_file}."),
    LogTemplate("unit_failed", 5, "error", "systemd", "app_host",
                "{unit_file}: Main process exited, code=exited, status={exit_code}/FAILURE"),
    LogTemplate("clock_offset", 8, "warning", "chronyd", "scada_host",
                "System clock wrong by {clock_offset} ms, adjustment started ({ip})"),
    LogTemplate("health_ok", 60, "info", "healthcheck", "app_host",
                "Health check passed for {domain} in {fast_millis} ms"),
    LogTemplate("redis_reset", 8, "warning", "order-api", "app_host",
                "Redis connection {ip_port} reset by peer, {count} commands to retry"),
)  # fmt: skip
GENERATED_CUM_WEIGHTS = tuple(accumulate(template.weight for template in GENERATED_TEMPLATES))
# Fields copied into the message's context, so a log can be followed without parsing it.
CONTEXT_FIELDS = ("request_id", "line", "pid")
SHOP_FLOOR_HOSTS = frozenset({"plc_host", "hmi_host"})


class TemplateFields(dict[str, str]):
    """Values for one message's placeholders, each made on first use from the seeded rng."""

    def __init__(self, rng: Rng) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, name: str) -> str:
        value = FIELD_MAKERS[name](self.rng, self)
        self[name] = value
        return value


def generated_logs(*, seed: int = 0) -> Iterator[bytes]:
    """Endless realistic logs; the same seed gives the same logs, except for the timestamps."""
    rng = random.Random(seed)
    while True:
        template = GENERATED_TEMPLATES[
            bisect(GENERATED_CUM_WEIGHTS, rng.random() * GENERATED_CUM_WEIGHTS[-1])
        ]
        fields = TemplateFields(rng)
        message = template.text.format_map(fields)
        context: dict[str, Any] = {"generated": {"template": template.name}}
        context.update((name, fields[name]) for name in CONTEXT_FIELDS if name in fields)
        if template.host in SHOP_FLOOR_HOSTS:
            # The machine the message is about, as a plant's devices name it in context:
            # docs/demo.toml's context rules place it (make demo).
            context["asset"] = f"{template.name.split('_')[0]}-{fields['line']}"
        yield orjson.dumps(
            {
                "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "hostname": fields[template.host],
                "severity": template.severity,
                "service": template.service,
                "message": message,
                "context": context,
            }
        )
