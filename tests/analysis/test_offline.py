"""The offline analyzer: known failure families, the generic fallback, real Loghub samples."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from analysis.offline import FAMILIES, MAX_CONFIDENCE, OFFLINE_ANALYZER_NAME, offline_analyze
from analysis.prompt import Occurrence, PatternContext
from analysis.result import AnalysisResult
from logs.sources import LOGHUB_SAMPLES

T0 = datetime(2025, 3, 4, 2, 10, tzinfo=UTC)


def pattern(
    message: str,
    *,
    template: str | None = None,
    severity: str = "ERROR",
    hosts: list[tuple[str, int]] | None = None,
    services: list[tuple[str, int]] | None = None,
    count: int = 57,
    recent: list[str] | None = None,
) -> PatternContext:
    hosts = [("edge-gw-03", 40), ("edge-gw-04", 17)] if hosts is None else hosts
    services = [("line3-collector", 57)] if services is None else services
    return PatternContext(
        pattern_id=7,
        template=template if template is not None else message,
        sample_message=message,
        count=count,
        first_seen=T0,
        last_seen=T0 + timedelta(hours=2, minutes=30),
        max_severity=severity,
        severities=[(severity, count)],
        hosts=hosts,
        services=services,
        recent=[
            Occurrence(T0, "edge-gw-03", "line3-collector", severity, text, {"line": 3})
            for text in (recent if recent is not None else [message])
        ],
    )


def family_of(result: AnalysisResult) -> str:
    """The family whose headline opens the summary, or "fallback"."""
    for family in FAMILIES:
        if result.summary.startswith(family.headline):
            return family.name
    return "fallback"


REALISTIC = [
    ("port_in_use", "listen tcp :8080: bind: address already in use"),
    ("port_in_use", "Error starting userland proxy: listen tcp4 0.0.0.0:5432: bind: EADDRINUSE"),
    (
        "connection_refused",
        "connect() failed (111: Connection refused) while connecting to upstream",
    ),
    ("connection_refused", "Connection to db01:5432 refused after 5 retries"),
    ("timeout_unreachable", "Connection to 10.20.0.14:5432 timed out after 3000 ms (pool main)"),
    ("timeout_unreachable", "ssh: connect to host 192.168.1.50 port 22: No route to host"),
    ("dns", "Could not resolve host api.example.com: timed out after 5 s"),
    ("dns", "DNS lookup for historian.plant.local failed: SERVFAIL from 10.0.0.53:53"),
    ("dns", "getaddrinfo ENOTFOUND broker.plant.local"),
    ("tls", "SSL_do_handshake() failed with 10.1.2.3:443: certificate has expired"),
    ("tls", "x509: certificate signed by unknown authority"),
    ("tls", "javax.net.ssl.SSLHandshakeException: PKIX path building failed"),
    ("disk_full", "disk /var is 100% full: No space left on device"),
    ("disk_full", "Filesystem /data on /dev/sdb1 is 93% full"),
    ("disk_full", "write failed: Disk quota exceeded"),
    ("out_of_memory", "Out of memory: Killed process 4312 (java) total-vm:8123456kB"),
    ("out_of_memory", "java.lang.OutOfMemoryError: Java heap space"),
    ("out_of_memory", "fork: Cannot allocate memory"),
    ("auth", "Permission denied (publickey)."),
    ("auth", "Failed password for invalid user admin from 203.0.113.7 port 51234 ssh2"),
    ("auth", "MQTT connection to 10.0.0.9:8883 refused: not authorized (client id edge-1a2b)"),
    ("crash", "Segmentation fault (core dumped)"),
    ("crash", "Back-off restarting failed container in pod order-api-7d9f"),
    ("crash", "historian.service: Main process exited, code=exited, status=1/FAILURE"),
    ("db_lock", "deadlock detected: process 1234 waits for ShareLock on transaction 998"),
    ("db_lock", "Lock wait timeout exceeded; try restarting transaction"),
    (
        "modbus",
        "Modbus exception code 0x0B (gateway target device failed to respond) from slave 17",
    ),
    ("modbus", "Modbus TCP read of holding register 40001 from unit 3 timed out after 1000 ms"),
    ("modbus", "CRC error in response from slave 5 on /dev/ttyUSB0"),
    ("opcua", "OPC UA session closed: BadSecureChannelClosed"),
    ("opcua", "Read of ns=2;s=Line3.Temp failed: BadNodeIdUnknown (0x80340000)"),
    ("fieldbus_plc", "Profinet device et200sp-3 lost connection: AR abort"),
    ("fieldbus_plc", "CAN bus-off on can0, transmit error counter 256"),
    ("fieldbus_plc", "EtherCAT slave 4 working counter mismatch"),
    ("fieldbus_plc", "PLC on line 3 entered STOP mode: fault F0042"),
    ("fieldbus_plc", "Scan time 140 ms exceeds watchdog limit of 100 ms"),
    ("sensor", "Sensor out of range: TT-101 = 412.5 degC (range 0..300)"),
    ("sensor", "Wire break on PT-204: 4-20 mA signal at 2.1 mA"),
    ("sensor", "Temperature TT-101 above high-high threshold: 95.2 degC > 90 degC"),
]


@pytest.mark.parametrize(("expected", "message"), REALISTIC)
def test_realistic_message_gets_its_family(expected, message):
    result = offline_analyze(pattern(message))
    assert family_of(result) == expected
    assert 0.5 <= result.confidence <= MAX_CONFIDENCE


def test_every_family_has_realistic_examples():
    assert {family.name for family in FAMILIES} == {name for name, _ in REALISTIC}


def test_template_alone_is_enough():
    context = pattern("", template="Modbus exception code <*> from slave <*>", recent=[])
    assert family_of(offline_analyze(context)) == "modbus"


def test_recent_messages_count_too():
    context = pattern(
        "step 3 failed", template="step <*> failed", recent=["write: No space left on device"]
    )
    assert family_of(offline_analyze(context)) == "disk_full"


def test_summary_mentions_count_hosts_and_service():
    summary = offline_analyze(pattern("bind: address already in use")).summary
    assert "Seen 57 times on 2 hosts (mostly `edge-gw-03`) in `line3-collector`" in summary
    assert "over 2 hours" in summary


def test_actions_name_the_host_and_service():
    actions = offline_analyze(pattern("bind: address already in use")).recommended_actions
    assert any("edge-gw-03" in action for action in actions)
    assert any("line3-collector" in action for action in actions)


def test_modbus_exception_code_is_explained():
    result = offline_analyze(pattern("Modbus exception 0x02 (ILLEGAL DATA ADDRESS) from unit 2"))
    assert "Illegal Data Address" in result.probable_cause


def test_opcua_status_code_is_explained():
    result = offline_analyze(pattern("OPC UA session closed: BadSecureChannelClosed"))
    assert "channel to the server was closed" in result.probable_cause


def test_error_logs_raise_and_mild_logs_damp_the_family_severity():
    message = "Out of memory: Killed process 4312 (java)"
    assert offline_analyze(pattern(message, severity="EMERGENCY")).severity == "critical"
    assert offline_analyze(pattern(message, severity="ERROR")).severity == "high"
    warning = offline_analyze(pattern(message, severity="WARNING"))
    assert (warning.severity, warning.ticket_recommended) == ("medium", True)
    info = offline_analyze(pattern(message, severity="INFO"))
    assert (info.severity, info.ticket_recommended, info.ticket_priority) == ("low", False, None)


def test_ticket_priority_follows_severity():
    result = offline_analyze(pattern("PLC on line 3 entered STOP mode", severity="CRITICAL"))
    assert (result.ticket_recommended, result.ticket_priority) == (True, "high")


@pytest.mark.parametrize(
    "message",
    [
        "User alice logged in from 10.0.0.4",
        "Work order WO-1234 for line 3 rejected by MES: material M-77 not released",
        "Notification time out: 3200",
        "Connection closed by 10.0.0.8 [preauth]",
    ],
)
def test_unknown_messages_use_the_generic_fallback(message):
    result = offline_analyze(pattern(message, template="<*> template"))
    assert family_of(result) == "fallback"
    assert result.confidence == pytest.approx(0.2)
    assert result.summary.startswith("Recurring ERROR log pattern: `<*> template`.")
    assert "Seen 57 times on 2 hosts" in result.summary


@pytest.mark.parametrize(
    ("severity", "ticket", "priority"),
    [
        ("DEBUG", False, None),
        ("INFO", False, None),
        ("WARNING", False, None),
        ("ERROR", True, "medium"),
        ("CRITICAL", True, "high"),
        ("EMERGENCY", True, "critical"),
        ("something odd", False, None),
    ],
)
def test_fallback_recommends_a_ticket_only_from_error_up(severity, ticket, priority):
    result = offline_analyze(pattern("Unit 4 reported state 7", severity=severity))
    assert (result.ticket_recommended, result.ticket_priority) == (ticket, priority)


def test_empty_and_huge_inputs_still_give_a_valid_result():
    empty = pattern("", template="", hosts=[], services=[], recent=[], count=1)
    result = offline_analyze(empty)
    assert "Seen 1 time on 0 hosts" in result.summary
    assert "the affected host" in " ".join(result.recommended_actions)
    huge = "x" * 100_000 + " No space left on device"
    hosts = [("h" * 5000, 1)]
    result = offline_analyze(pattern(huge, template=huge, hosts=hosts, services=hosts))
    assert family_of(result) == "fallback"  # only the start of each message is scanned
    assert len(result.summary) <= 600


def test_text_from_logs_is_quoted_as_code_so_it_renders_as_written():
    template = "Robot <*> emergency stop: **zone** <*> [see](https://evil.example) `x`"
    context = pattern(template, hosts=[("plc_*7*", 3)], services=[("`svc`", 3)])
    result = offline_analyze(context)
    assert f"log pattern: `` {template} ``." in result.summary
    assert "(mostly `plc_*7*`) in `` `svc` ``" in result.summary
    assert any("`plc_*7*`" in action for action in result.recommended_actions)


def test_analyzer_has_a_name_for_the_ui():
    assert OFFLINE_ANALYZER_NAME == "offline analyzer"


def loghub_patterns() -> list[PatternContext]:
    """One context per Loghub template, with its real messages and levels."""
    contexts = []
    for folder in sorted(path for path in LOGHUB_SAMPLES.iterdir() if path.is_dir()):
        rows = defaultdict(list)
        with (folder / f"{folder.name}_2k.log_structured.csv").open(newline="") as file:
            for row in csv.DictReader(file):
                rows[row["EventId"]].append(row)
        with (folder / f"{folder.name}_2k.log_templates.csv").open(newline="") as file:
            for template in csv.DictReader(file):
                seen = rows[template["EventId"]]
                messages = [row["Content"] for row in seen]
                level = (seen[0].get("Level") or "") if seen else ""
                context = pattern(
                    messages[0] if messages else template["EventTemplate"],
                    template=template["EventTemplate"],
                    severity=level.upper(),
                    services=[(folder.name, len(seen))],
                    count=max(1, len(seen)),
                    recent=messages[:5],
                )
                contexts.append(context)
    return contexts


def test_every_loghub_template_gets_a_valid_analysis(capsys):
    contexts = loghub_patterns()
    assert len(contexts) > 400
    families = defaultdict(int)
    for context in contexts:
        result = offline_analyze(context)
        AnalysisResult.model_validate(result.model_dump())
        assert result.confidence <= MAX_CONFIDENCE
        families[family_of(result)] += 1
    assert families["fallback"] < len(contexts)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Failed password for invalid user <*> from <*> port <*> ssh2", "auth"),
        ("authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=<*>", "auth"),
        ("Accepted password for <*> from <*> port <*> ssh2", "fallback"),
    ],
)
def test_loghub_templates_map_to_sensible_families(template, expected):
    matching = [context for context in loghub_patterns() if context.template == template]
    assert matching
    assert family_of(offline_analyze(matching[0])) == expected
