"""The built-in analyzer used when no LLM answers: a table of known failures; no Django, no I/O.

Each family lists weighted regexes matched against the template, the sample and the recent
messages; the family with the highest score wins, earlier (more specific) families win ties.
Its advice is a heuristic, so its confidence never exceeds MAX_CONFIDENCE, which stays below
the default confidence a ticket rule asks for (and rules ignore offline analyses anyway
unless they accept them). Text taken from logs (the template, host and service names) is
written as markdown code spans, so nothing a producer sends renders as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import get_args

from analysis.prompt import PatternContext
from analysis.result import AnalysisResult, Priority, Severity

OFFLINE_ANALYZER_NAME = "offline analyzer"
# Opens the plain text of an offline analysis (Analysis.text, agent_logs.analysis).
OFFLINE_TEXT_PREFIX = f"{OFFLINE_ANALYZER_NAME}: "

# Below TicketRule.min_confidence's default (0.7).
MAX_CONFIDENCE = 0.6
FALLBACK_CONFIDENCE = 0.2
MIN_SCORE = 2
MAX_HINTS = 3
MAX_SCANNED = 4000  # characters of each message the regexes see

SEVERITIES: tuple[Severity, ...] = get_args(Severity)
# Gogent's normalized log severities (logs.models.Severity), and common spellings of them,
# on the analysis scale.
LOG_SEVERITY: dict[str, Severity] = {
    "DEBUG": "info",
    "INFO": "info",
    "NOTICE": "info",
    "WARNING": "low",
    "WARN": "low",
    "ERROR": "medium",
    "ERR": "medium",
    "CRITICAL": "high",
    "CRIT": "high",
    "FATAL": "high",
    "SEVERE": "high",
    "ALERT": "critical",
    "EMERGENCY": "critical",
    "EMERG": "critical",
    "PANIC": "critical",
}

PRIORITY: dict[Severity, Priority] = {
    "info": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "critical": "critical",
}


@dataclass(frozen=True)
class Family:
    name: str
    # (regex, weight): 3 names the failure outright, 2 points at it, 1 only hints.
    patterns: tuple[tuple[str, int], ...]
    headline: str
    cause: str
    impact: str
    # May use {host} and {service}.
    actions: tuple[str, ...]
    severity: Severity
    ticket: bool


FAMILIES: tuple[Family, ...] = (
    Family(
        name="port_in_use",
        patterns=(
            (r"address already in use", 3),
            (r"\bEADDRINUSE\b", 3),
            (r"port \d+ (is )?already (in use|allocated)", 3),
            (r"(could not|cannot|can't|unable to|failed to) bind", 2),
            (r"\bbind\(?\)?:? .{0,40}(failed|error)", 2),
        ),
        headline="A service cannot start listening because its network port is already taken.",
        cause=(
            "Another process already holds the address and port the service binds to: an old "
            "instance that did not exit, a second copy started by a supervisor, or another "
            "program configured with the same port."
        ),
        impact=(
            "The service does not accept connections until the port is free; clients see "
            "connection refused, and a supervisor may keep restarting it."
        ),
        actions=(
            "Find the process holding the port on {host}: `ss -ltnp` (or `netstat -ltnp`).",
            "Stop the stale or duplicate instance, or move one of them to a free port.",
            "Check the supervisor (systemd, Docker, Kubernetes) is not starting {service} twice.",
            "Restart {service} and confirm it is listening.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="tls",
        patterns=(
            (r"certificate (has )?expired|expired certificate", 3),
            (r"certificate.{0,40}expir", 3),
            (r"certificate verify failed|CERTIFICATE_VERIFY_FAILED", 3),
            (r"self[- ]signed certificate", 3),
            (r"unable to get local issuer|unknown (ca|authority)", 3),
            (r"\bx509\b", 2),
            (r"(tls|ssl).{0,30}handshake|handshake.{0,30}(tls|ssl)|SSLHandshakeException", 3),
            (r"\bSSL_\w+\(\)|\bssl3?_\w+:", 2),
            (r"certificate", 1),
            (r"\b(tls|ssl)\b", 1),
        ),
        headline="TLS connections fail because a certificate is expired, untrusted or rejected.",
        cause=(
            "The certificate presented in the TLS handshake is not accepted: it has expired or "
            "is not yet valid, its chain is incomplete, it is signed by a CA the peer does not "
            "trust (self-signed or private CA), its name does not match, or the two sides share "
            "no protocol version or cipher."
        ),
        impact=(
            "Every connection over this channel fails, so clients, agents or devices that "
            "depend on it stop exchanging data until the certificate or trust store is fixed."
        ),
        actions=(
            "Inspect the certificate the server presents: "
            "`openssl s_client -connect <host>:<port> -showcerts` and check dates and issuer.",
            "Renew or replace an expired certificate and reload the service that serves it.",
            "Install the missing intermediate or CA certificate in the client's trust store.",
            "Check the clock on {host}: a wrong date makes valid certificates look expired.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="dns",
        patterns=(
            (r"name or service not known", 3),
            (r"temporary failure in name resolution", 3),
            (r"(could not|cannot|can't|unable to|failed to) resolve", 3),
            (r"\b(NXDOMAIN|SERVFAIL|ENOTFOUND|EAI_AGAIN)\b", 3),
            (r"UnknownHostException|unknown host|no such host", 3),
            (r"\bdns\b.{0,60}(fail|error|timeout|timed out)", 3),
            (r"getaddrinfo", 2),
            (r"\bresol(ve|ver|ution)\b", 1),
            (r"\bdns\b", 1),
        ),
        headline="Host names cannot be resolved, so connections fail before they start.",
        cause=(
            "DNS lookups fail: the name does not exist (typo, removed record), the resolver "
            "configured on the host is unreachable or failing, or the search domain is wrong."
        ),
        impact=(
            "Everything that connects by name from the affected hosts fails, often several "
            "services at once; reverse lookups failing can also slow down logins."
        ),
        actions=(
            "Resolve the name from {host}: `getent hosts <name>` or `dig <name>`.",
            "Check the resolver configuration on {host} (/etc/resolv.conf, systemd-resolved).",
            "Verify the DNS server answers and the record exists; fix the record or the name.",
            "If the name is right and DNS is down, escalate to the network team.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="disk_full",
        patterns=(
            (r"no space left on device", 3),
            (r"\bENOSPC\b", 3),
            (r"disk.{0,40}\bfull\b", 3),
            (r"(filesystem|file system|volume|partition|mount).{0,60}\d{2,3}\s?% (full|used)", 3),
            (r"\b(9\d|100)\s?% (full|used)", 1),
            (r"(disk )?quota exceeded|EDQUOT", 3),
            (r"(insufficient|not enough|low) (disk|free) space", 3),
        ),
        headline="A disk or filesystem is full or nearly full, so writes fail.",
        cause=(
            "The filesystem ran out of space or inodes, or a quota was reached: usually logs, "
            "dumps, backups or buffered data growing without rotation or cleanup."
        ),
        impact=(
            "Writes fail: data, logs and buffered measurements can be lost, databases may "
            "stop or corrupt, and services that need temporary files crash."
        ),
        actions=(
            "Check usage on {host}: `df -h` and `df -i`, then `du -xh --max-depth=1 <mount>`.",
            "Free space safely: rotate or compress logs, remove old dumps and backups.",
            "Find what grew and fix its retention (logrotate, database cleanup, archive jobs).",
            "Add capacity or an alert at 80 % if the growth is legitimate.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="out_of_memory",
        patterns=(
            (r"out of memory", 3),
            (r"oom[- _]?kill|invoked oom-killer|oom_reaper", 3),
            (r"killed process \d+", 3),
            (r"cannot allocate memory|\bENOMEM\b", 3),
            (r"OutOfMemoryError|java heap space|GC overhead limit exceeded", 3),
            (r"memory allocation failed|failed to allocate|MemoryError", 3),
            (r"exit(ed)? (with )?(code|status)[ =:]*137\b|OOMKilled", 3),
            (r"\bmemory\b.{0,40}(exhausted|limit|pressure)", 2),
        ),
        headline="A process ran out of memory and was killed or failed to allocate.",
        cause=(
            "Memory demand exceeded what the host, container limit or heap allows: a leak, a "
            "load spike, a limit set too low, or too many processes on one host. The kernel "
            "OOM killer then ends the largest process."
        ),
        impact=(
            "The killed process stops abruptly: requests in flight fail, data not yet written "
            "is lost, and a supervisor restart may fail again under the same load."
        ),
        actions=(
            "Confirm on {host}: `dmesg -T | grep -i -E 'oom|killed process'`.",
            "Compare the process's memory use with its limit (heap size, container limit).",
            "Look for a leak: memory growing steadily between restarts of {service}.",
            "Raise the limit or add memory only after ruling out a leak; spread the load.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="db_lock",
        patterns=(
            (r"deadlock", 3),
            (r"lock wait timeout", 3),
            (r"(could not|cannot|unable to) (obtain|acquire) (a )?lock", 3),
            (r"lock (request )?time(d)? ?out|timeout waiting for lock", 3),
            (r"serialization failure|could not serialize access", 3),
            (r"database is locked|SQLITE_BUSY", 3),
            (r"ORA-00060|SQLSTATE\[?40001|40P01|\b1213\b", 2),
            (r"waits for \w*Lock", 2),
        ),
        headline="Database transactions block each other (deadlock or lock wait timeout).",
        cause=(
            "Concurrent transactions take the same rows or tables in different order, or one "
            "long transaction holds locks others wait for; the database aborts one of them."
        ),
        impact=(
            "The aborted transactions fail unless the application retries them; users see "
            "errors or slow responses, and writes may be lost if nothing retries."
        ),
        actions=(
            "Find the statements involved in the database log (the deadlock report names them).",
            "Look for long-running or idle-in-transaction sessions and end them if safe.",
            "Make {service} take locks in a consistent order and keep transactions short.",
            "Make sure the application retries transactions aborted by deadlock.",
        ),
        severity="medium",
        ticket=True,
    ),
    Family(
        name="modbus",
        patterns=(
            (r"\bmodbus\b", 3),
            (r"illegal (function|data address|data value)", 3),
            (r"slave device (failure|busy)|server device (failure|busy)", 3),
            (r"gateway (path unavailable|target device failed)", 3),
            (r"exception (code )?(0x)?0?[1-9ab]\b", 2),
            (r"\bcrc\b.{0,20}(error|mismatch|fail)", 2),
            (r"(holding|input) register|\bcoil\b", 2),
            (r"\b(slave|unit)( id)? ?\d+", 1),
            (r":502\b", 1),
        ),
        headline="A Modbus device does not answer or rejects requests.",
        cause=(
            "The Modbus master gets no reply or an exception: the device is off, unplugged or "
            "busy, the unit id, register address or function does not match the device, or the "
            "serial line (RS-485 wiring, termination, baud rate, parity) corrupts frames."
        ),
        impact=(
            "Values from this device stop updating or are stale: control, visualisation and "
            "historian data for that machine are wrong or missing."
        ),
        actions=(
            "Check that the device is powered and reachable from {host} (ping, port 502).",
            "Compare the unit id, register addresses (0- or 1-based) and function codes with "
            "the device's register map.",
            "On serial links check RS-485 wiring, termination, baud rate and parity.",
            "Lower the polling rate or raise the timeout if the device reports busy.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="opcua",
        patterns=(
            (r"\bopc[ -]?ua\b|opc\.tcp://", 3),
            (
                r"(?-i:\bBad(SecureChannel|Session|Connection|NotConnected|ServerNotConnected"
                r"|NodeId|Timeout|RequestTimeout|Communication|NoCommunication|Certificate"
                r"|SecurityChecks|TooManySessions|IdentityToken|UserAccessDenied|WaitingFor"
                r"|OutOfService|Subscription|MonitoredItem)\w*)",
                3,
            ),
            (r"(?-i:\bBad_?[A-Z][A-Za-z]+\b)(?<!Exception)", 2),
            (r"secure ?channel", 3),
            (r"\b0x80[0-9A-F]{6}\b", 2),
            (r"\bsession\b.{0,40}(closed|lost|invalid|timeout|expired)", 1),
            (r"\bsubscription\b|\bnode ?id\b|\bns=\d+;", 1),
        ),
        headline="An OPC UA connection, session or read fails with a Bad status code.",
        cause=(
            "The OPC UA server closed or refused the secure channel or session (server "
            "restart, network drop, session timeout, certificate not trusted, too many "
            "sessions), or the requested node does not exist on the server."
        ),
        impact=(
            "Tags read through this connection stop updating or are bad quality: SCADA, MES "
            "or historian values for the affected line are stale until it reconnects."
        ),
        actions=(
            "Check the OPC UA server is running and reachable from {host} on port 4840.",
            "Read the status code: BadSecureChannelClosed/BadConnectionClosed point at the "
            "network or a server restart, BadCertificate* at trust lists, BadNodeIdUnknown at "
            "a changed address space.",
            "Check the server's trusted client certificates and its session limits.",
            "Check the session timeout and keep-alive settings of {service}.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="fieldbus_plc",
        patterns=(
            (r"\bprofinet\b|\bprofibus\b|\bethercat\b|\bdevicenet\b|ethernet/ip", 3),
            (r"\bcan[ -]?bus\b|\bbus[ -]?off\b|\bcan\d\b", 3),
            (r"working counter|\bAR[ -](abort|lost)|station (lost|failure)", 3),
            (r"\bplc\b.{0,60}(stop|fault|offline|not responding|lost|failed)", 3),
            (r"scan time|cycle time.{0,30}exceed", 3),
            (r"\bwatchdog\b", 2),
            (r"\b(io|i/o) (device|module|station)\b.{0,40}(lost|fail|fault)", 2),
            (r"\bplc\b", 1),
        ),
        headline="A PLC or fieldbus device reports a communication or controller fault.",
        cause=(
            "The controller or a fieldbus participant lost communication or stopped: a cable, "
            "connector or switch port fault, a device failure or power loss, bus errors from "
            "noise or termination, a cycle/scan-time overrun, or a program fault."
        ),
        impact=(
            "Machines on this bus may stop or run without supervision; production on the "
            "affected line can halt, and safety functions may have tripped."
        ),
        actions=(
            "Check the PLC/fieldbus diagnostics (buffer, LEDs) for the named device or station.",
            "Inspect cables, connectors, termination and power of the affected device.",
            "For scan-time or watchdog faults, check recent program changes and CPU load.",
            "Involve maintenance before resetting a stopped controller.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="sensor",
        patterns=(
            (r"sensor", 2),
            (r"out of range|outside (the )?(valid |measuring )?range", 3),
            (r"(reading|value|signal|measurement)s? .{0,20}(invalid|implausible|bad quality)", 3),
            (r"threshold.{0,20}(exceed|crossed|violat)|exceed\w*.{0,20}(threshold|limit)", 3),
            (r"(above|below) .{0,20}(limit|threshold|setpoint)", 2),
            (r"\b(over|under)[- ]?(temperature|voltage|pressure|current)\b|overheat", 3),
            (r"wire break|open circuit|4-20 ?mA", 3),
        ),
        headline="A sensor reading is invalid or a measured value crossed its limit.",
        cause=(
            "Either the process really left its normal range (temperature, pressure, level, "
            "current), or the measurement is wrong: sensor failure, wire break, wrong scaling "
            "or calibration."
        ),
        impact=(
            "If the value is real, equipment or product quality is at risk and interlocks may "
            "trip; if the sensor is faulty, control and alarms work from a wrong value."
        ),
        actions=(
            "Compare the reading with a local gauge or a redundant sensor.",
            "Check the sensor wiring, signal level and scaling in the controller.",
            "If the value is real, follow the process alarm procedure for that measurement.",
            "Recalibrate or replace the sensor if it drifted or failed.",
        ),
        severity="medium",
        ticket=True,
    ),
    Family(
        name="auth",
        patterns=(
            (r"permission denied|\bEACCES\b|\bEPERM\b", 3),
            (r"access denied|access is denied", 3),
            (r"authentication fail\w*|auth(entication)? error", 3),
            (r"failed password|invalid (user|password|credentials)|bad (password|credentials)", 3),
            (r"login failed|logon failure|failed login", 3),
            (r"not authori[sz]ed|unauthori[sz]ed|\bforbidden\b", 3),
            (r"\b(401|403)\b", 1),
        ),
        headline="Requests are rejected for missing permissions or failed authentication.",
        cause=(
            "Credentials are wrong, expired or rotated without updating the client, a file or "
            "resource has the wrong owner or mode, or someone is guessing passwords."
        ),
        impact=(
            "The affected service cannot read, write or log in where it needs to; repeated "
            "failures from unknown sources may be an attack."
        ),
        actions=(
            "Identify the account and the resource from the message and check its permissions.",
            "Check whether credentials or keys of {service} were rotated or expired recently.",
            "If the sources are unknown addresses, block them and review the accounts targeted.",
            "Fix ownership or mode of files the service cannot open (`ls -l`, `namei -l`).",
        ),
        severity="medium",
        ticket=True,
    ),
    Family(
        name="crash",
        patterns=(
            (r"segmentation fault|segfault|\bSIGSEGV\b|signal 11\b", 3),
            (r"core dumped|dumped core", 3),
            (r"back-?off restarting|CrashLoopBackOff|restart(ing)? loop", 3),
            (r"exited with (exit )?(code|status) [1-9]", 3),
            (r"(code|status)=\w+, status=[1-9]|status=[1-9]\d*/FAILURE", 3),
            (r"\bpanic:|fatal exception|unhandled exception|uncaught exception", 3),
            (r"killed by signal|terminated by signal|\bSIGABRT\b|\bSIGKILL\b", 3),
            (r"traceback \(most recent call last\)", 2),
            (r"\bcrash(ed|es)?\b", 2),
            (r"exit(ed)? (code|status)", 1),
        ),
        headline="A process crashes or exits with an error and is being restarted.",
        cause=(
            "The program terminated abnormally: an unhandled error, a bad configuration or "
            "missing dependency at startup, a memory fault, or a signal from outside."
        ),
        impact=(
            "The service is down or flapping; work in progress is lost at each crash, and a "
            "restart loop hides the first error under repeated ones."
        ),
        actions=(
            "Read the first error before the crash in the logs of {service} on {host}.",
            "Check recent deployments or configuration changes and roll back if they match.",
            "Keep a core dump or stack trace for the developers if the crash repeats.",
            "Check for exit code 137 (killed, often out of memory) versus 1 (program error).",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="connection_refused",
        patterns=(
            (r"connection\b.{0,80}\brefused", 3),
            (r"\bECONNREFUSED\b|errno 111\b", 3),
        ),
        headline="Connections are refused: nothing is listening at the target address.",
        cause=(
            "The target service is down, restarting, listening on another port or interface, "
            "or a firewall actively rejects the connection."
        ),
        impact=(
            "Every call to that dependency fails immediately; features that depend on it are "
            "unavailable until it is back."
        ),
        actions=(
            "Find the target address and port in the message and check the service there is "
            "running (`systemctl status`, `ss -ltn`).",
            "Test from {host}: `nc -vz <target> <port>`.",
            "Check the configured address and port of the dependency in {service}.",
            "Check firewall rules between {host} and the target.",
        ),
        severity="high",
        ticket=True,
    ),
    Family(
        name="timeout_unreachable",
        patterns=(
            (r"no route to host|\bEHOSTUNREACH\b|\bENETUNREACH\b", 3),
            (r"(host|network|destination) (is )?unreachable", 3),
            (r"(connect|connection|read|write|socket|request)\w*.{0,40}timed? ?out", 3),
            (r"\bETIMEDOUT\b|SocketTimeoutException|ConnectTimeout", 3),
            (r"timed out", 2),
            (r"time ?out", 1),
            (r"connection (reset|aborted)|reset by peer|broken pipe", 2),
            (r"connection (lost|closed)", 1),
        ),
        headline="A remote endpoint does not answer in time or cannot be reached.",
        cause=(
            "Packets do not get through or the peer is too slow: the remote host is down or "
            "overloaded, a network path, VPN or firewall drops traffic, or the timeout is too "
            "short for the current load."
        ),
        impact=(
            "Calls to the remote side fail after waiting, which slows the caller and can "
            "exhaust its connection pools or queues."
        ),
        actions=(
            "Check the remote host is up and reachable from {host} (ping, traceroute, nc).",
            "Look at the remote side's load and response times when the timeouts happen.",
            "Check recent network or firewall changes on the path.",
            "Only then consider a longer timeout or retries with back-off in {service}.",
        ),
        severity="medium",
        ticket=True,
    ),
)

# Extra explanations appended to the probable cause when their text appears in the logs.
HINTS: tuple[tuple[str, str], ...] = (
    (
        r"exception (code )?(0x)?0?1\b|illegal function",
        "Modbus exception 01 (Illegal Function): the device does not support that function.",
    ),
    (
        r"exception (code )?(0x)?0?2\b|illegal data address",
        "Modbus exception 02 (Illegal Data Address): the register does not exist on the "
        "device; check the register map and 0- versus 1-based addressing.",
    ),
    (
        r"exception (code )?(0x)?0?3\b|illegal data value",
        "Modbus exception 03 (Illegal Data Value): the value or quantity requested is not "
        "accepted by the device.",
    ),
    (
        r"exception (code )?(0x)?0?4\b|(slave|server) device failure",
        "Modbus exception 04 (Device Failure): the device hit an unrecoverable error.",
    ),
    (
        r"exception (code )?(0x)?0?6\b|(slave|server) device busy",
        "Modbus exception 06 (Device Busy): the device is processing a long command; poll "
        "less often.",
    ),
    (
        r"exception (code )?(0x)?0?a\b|gateway path unavailable",
        "Modbus exception 0A (Gateway Path Unavailable): the gateway has no route to the "
        "target unit; check its routing table and unit id.",
    ),
    (
        r"exception (code )?(0x)?0?b\b|gateway target device failed",
        "Modbus exception 0B (Gateway Target Failed to Respond): the gateway got no answer "
        "from the serial device; check power, RS-485 wiring, unit id and baud rate.",
    ),
    (
        r"BadSecureChannelClosed|BadConnectionClosed|BadNotConnected|BadServerNotConnected",
        "The OPC UA status says the channel to the server was closed or never established: "
        "a server restart, network drop or idle timeout.",
    ),
    (
        r"BadSessionIdInvalid|BadSessionClosed|BadSessionNotActivated",
        "The OPC UA session was closed or expired on the server; the client must create a "
        "new session.",
    ),
    (
        r"BadCertificate\w*|BadSecurityChecksFailed|BadIdentityTokenRejected",
        "The OPC UA server rejected the client's certificate or identity: check the "
        "server's trust list and the user credentials.",
    ),
    (
        r"BadNodeIdUnknown|BadNodeIdInvalid",
        "The OPC UA node id does not exist on the server: the address space or tag name changed.",
    ),
    (
        r"BadTimeout|BadRequestTimeout",
        "The OPC UA server did not answer in time: it may be overloaded.",
    ),
    (
        r"(code|status)[ =:]*137\b|signal 9\b|SIGKILL",
        "Exit code 137 / signal 9 means the process was killed, usually by the OOM killer "
        "or a container memory limit.",
    ),
    (
        r"(code|status)[ =:]*139\b|signal 11\b|SIGSEGV",
        "Exit code 139 / signal 11 is a segmentation fault: a bug or corrupted binary or library.",
    ),
)

FALLBACK_CAUSE = (
    "No rule of the offline analyzer matches this pattern, so its cause is unknown. The "
    "message text itself is the best lead: look for the component, address or value it names."
)
FALLBACK_ACTIONS = (
    "Read the sample message and the recent occurrences on {host} to see what {service} was doing.",
    "Check what changed around the first occurrence (deployments, configuration, network, "
    "maintenance).",
    "Ask the owner of {service} whether this message is expected.",
    "Configure an LLM provider for a fuller explanation of patterns like this one.",
)

_COMPILED = tuple(
    (family, tuple((re.compile(regex, re.IGNORECASE), weight) for regex, weight in family.patterns))
    for family in FAMILIES
)
_HINTS = tuple((re.compile(regex, re.IGNORECASE), text) for regex, text in HINTS)


def offline_analyze(context: PatternContext) -> AnalysisResult:
    """A rule-based analysis of one pattern, for when no LLM is available."""
    corpus = _corpus(context)
    family, score = _best_family(corpus)
    if family is None:
        return _fallback(context)
    severity = _severity(family.severity, context.max_severity)
    ticket = family.ticket and _rank(severity) >= _rank("medium")
    cause = " ".join([family.cause, *_hints(corpus)])
    return AnalysisResult(
        summary=_clip(f"{family.headline} {_facts(context)}", 600),
        probable_cause=_clip(cause, 2000),
        impact=family.impact,
        recommended_actions=_actions(family.actions, context),
        severity=severity,
        ticket_recommended=ticket,
        ticket_priority=_priority(severity) if ticket else None,
        confidence=min(MAX_CONFIDENCE, max(0.5, 0.45 + 0.05 * score)),
    )


def _corpus(context: PatternContext) -> str:
    texts = [context.template, context.sample_message]
    texts.extend(occurrence.message for occurrence in context.recent)
    return "\n".join(text[:MAX_SCANNED] for text in texts)


def _best_family(corpus: str) -> tuple[Family | None, int]:
    best: Family | None = None
    best_score = MIN_SCORE - 1
    for family, patterns in _COMPILED:
        score = sum(weight for regex, weight in patterns if regex.search(corpus))
        if score > best_score:
            best, best_score = family, score
    return best, best_score


def _hints(corpus: str) -> list[str]:
    return [text for regex, text in _HINTS if regex.search(corpus)][:MAX_HINTS]


def _fallback(context: PatternContext) -> AnalysisResult:
    severity = LOG_SEVERITY.get(context.max_severity.upper(), "low")
    ticket = _rank(severity) >= _rank("medium")
    template = _clip(" ".join(context.template.split()), 200)
    shown = _code(template) if template else "(empty message)"
    level = context.max_severity.upper() or "unknown severity"
    return AnalysisResult(
        summary=_clip(f"Recurring {level} log pattern: {shown}. {_facts(context)}", 600),
        probable_cause=FALLBACK_CAUSE,
        impact=(
            f"Unknown from the text alone; judge it by its frequency ({context.count} "
            f"occurrences over {_span(context)}) and by what the affected hosts do."
        ),
        recommended_actions=_actions(FALLBACK_ACTIONS, context),
        severity=severity,
        ticket_recommended=ticket,
        ticket_priority=_priority(severity) if ticket else None,
        confidence=FALLBACK_CONFIDENCE,
    )


def _facts(context: PatternContext) -> str:
    hosts = len(context.hosts)
    where = f"{hosts} host{'s' if hosts != 1 else ''}"
    if context.hosts:
        where += f" (mostly {_code(_name(_top(context.hosts)))})"
    service = f" in {_code(_name(_top(context.services)))}" if context.services else ""
    return (
        f"Seen {context.count} time{'s' if context.count != 1 else ''} on {where}{service} "
        f"over {_span(context)}, last at {context.last_seen.isoformat(timespec='seconds')}."
    )


def _actions(actions: tuple[str, ...], context: PatternContext) -> list[str]:
    host = _code(_name(_top(context.hosts))) if context.hosts else "the affected host"
    service = _code(_name(_top(context.services))) if context.services else "the service"
    return [_clip(action.format(host=host, service=service), 500) for action in actions]


def _code(text: str) -> str:
    """Log text as a markdown code span: a fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _top(counts: list[tuple[str, int]]) -> str:
    return max(counts, key=lambda pair: pair[1])[0]


def _name(name: str) -> str:
    return _clip(" ".join(str(name).split()), 60) or "(unnamed)"


def _severity(family: Severity, max_severity: str) -> Severity:
    """The family's severity, raised by ERROR-and-worse logs, damped by milder ones."""
    logged = LOG_SEVERITY.get(max_severity.upper())
    if logged is None:
        return family
    if _rank(logged) >= _rank("medium"):
        return SEVERITIES[max(_rank(family), _rank(logged))]
    return SEVERITIES[min(_rank(family), _rank(logged) + 1)]


def _priority(severity: Severity) -> Priority:
    return PRIORITY[severity]


def _rank(severity: Severity) -> int:
    return SEVERITIES.index(severity)


def _span(context: PatternContext) -> str:
    seconds = max(0, int((context.last_seen - context.first_seen).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            amount = seconds // size
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
