"""The template miner (logs.grouping): masking, grouping, key identity, restore, bounds.

Plain Python: no database, no Django setup needed.
"""

from __future__ import annotations

import random
import string

import pytest

from bench.grouping import (
    GROUPING_DATA,
    grouping_accuracy,
    groups_after_merges,
    invented_sample,
    labelled_sample,
    loghub_sample,
    one_start_rows,
)
from logs.grouping import WILDCARD, Cluster, GroupMatch, TemplateMiner, mask, masking, template_key
from logs.grouping import miner as miner_module
from logs.grouping.corrections import template_values
from logs.grouping.masking import template_tokens
from logs.grouping.miner import covers
from logs.sources import LOGHUB_SAMPLES


def keys_of(messages: list[str], miner: TemplateMiner | None = None) -> list[str]:
    """Each message's final group, merges applied as they happened (see the bench)."""
    miner = miner or TemplateMiner()
    return groups_after_merges([miner.add(message) for message in messages])


SAME_EVENT = {
    "ipv4 with port": [
        "Connection to 10.0.3.7:5432 timed out after 30s",
        "Connection to 192.168.100.21:6379 timed out after 250ms",
        "Connection to 172.16.0.1:80 timed out after 1h30m",
    ],
    "ipv6": [
        "Accepted connection from [2001:db8::1]:443",
        "Accepted connection from [fe80::a00:27ff:fe4e:66a1]:8443",
        "Accepted connection from ::1",
    ],
    "ipv6 and ipv4 with ports": [
        "Dropped query for outlook.office365.com.|A from [2001:db8:f9b::4f2]:62996, no server",
        "Dropped query for 6.66.168.192.in-addr.arpa.|MX from 10.1.24.85:16303, no server",
        "Dropped query for example.org.|AAAA from [fd00:10:1d::88]:17157, no server",
        "Dropped query for deb.debian.org.|A from 10.2.3.4:1716, no server",
    ],
    "uuid": [
        "Job 123e4567-e89b-12d3-a456-426614174000 queued by scheduler",
        "Job deadbeef-cafe-4bad-beef-facefeedbead queued by scheduler",
    ],
    "mac": [
        "DHCPACK on 10.1.2.3 to de:ad:be:ef:ca:fe via br0",
        "DHCPACK on 10.9.8.7 to 00-1A-2B-3C-4D-5E via br0",
    ],
    "hex": [
        "Unhandled page fault at address 0xdeadbeef, code 0x1F",
        "Unhandled page fault at address 0x00007ffe5a1c, code 0x4",
        "Unhandled page fault at address c0ffee0123456789, code 0x0",
    ],
    "paths": [
        "cannot open /var/log/app/current.log: Permission denied",
        r"cannot open C:\Users\bob\AppData\settings.ini: Permission denied",
        "cannot open ./build/output/report.txt: Permission denied",
    ],
    "urls": [
        "Webhook https://hooks.example.com/services/T000/B000?token=abc failed with 502",
        "Webhook http://localhost:8080/notify failed with 503",
    ],
    "emails": [
        "Message to ops@example.com deferred: mailbox full",
        "Message to jane.doe+alerts@corp.example.org deferred: mailbox full",
    ],
    "durations and sizes": [
        "Snapshot of volume vol-7 finished in 45s (1.2 GB)",
        "Snapshot of volume vol-12 finished in 1h02m (850 MB)",
        "Snapshot of volume vol-3 finished in 250 ms (12 KB)",
    ],
    "timestamps inside messages": [
        "Certificate for api.example.com valid until 2025-03-01T12:00:00Z",
        "Certificate for mail.example.org valid until Mon Jan 06 10:22:01 2025",
        "Certificate for example.net valid until 7 Dec 2026",
    ],
    "key=value": [
        "sync finished status=ok retries=0 peer=alpha (pid=42)",
        "sync finished status=degraded retries=3 peer=beta-2 (pid=1337)",
    ],
    "quoted values": [
        'Unknown option "verbose" in section [main]',
        'Unknown option "colour" in section [main]',
        'Unknown option "max_conns" in section [main]',
    ],
    "single-quoted values": [
        "Successfully started service 'sparkDriver' on port 40984.",
        "Successfully started service 'blockManager' on port 5511.",
    ],
    "identifiers glued to punctuation": [
        "Deleting block blk_-1608999687919862906, replica on node R02-M1-N0:J12",
        "Deleting block blk_38865049064139660, replica on node R17-M0-N4:J03",
    ],
    "android style": [
        'acquire lock=233570404, flags=0x1, tag="View Lock", name=com.android.systemui, uid=10037',
        'acquire lock=98, flags=0x10, tag="*alarm*", name=android, uid=1000',
    ],
    "proxy style, a variable first": [
        "chrome.exe - api.example.com:443 close, 1043 bytes sent, 98 bytes received, lifetime <1 s",
        "firefox.exe *64 - 10.0.0.5:80 close, 0 bytes sent, 0 bytes received, lifetime 02:35",
    ],
    "windows style": [
        r"Loaded servicing stack v6.1.7601.23505 from C:\Windows\WinSxS\amd64_x\stack.dll",
        r"Loaded servicing stack v10.0.19041.1 from C:\Windows\WinSxS\amd64_y\stack.dll",
    ],
    "health app style": [
        "onStride:1514038530000 14 0 4",
        "onStride:1514038710000 3 1 0",
    ],
    "free text after a variable": [
        "Wake reason: XHC1",
        "Wake reason: EC.LidOpen (User)",
        "Wake reason: RTC (Alarm)",
    ],
    "host names with ports": [
        "Connecting to db-primary.prod.example.com:5432 for replica sync",
        "Connecting to kafka.kafka-headless.svc:9092 for replica sync",
        "Connecting to 10.0.0.5:6379 for replica sync",
    ],
    "request lines with ids and query strings": [
        '10.0.0.1 "GET /v2/54fadb412c4e/servers/detail?limit=10 HTTP/1.1" status: 200 len: 1893',
        '10.0.0.7 "GET /v2/e9746973ac57/servers/detail?since=2024 HTTP/1.1" status: 404 len: 12',
    ],
    "quoted phrases": [
        'Served 12 KB to "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0" from cache',
        'Served 3 MB to "curl/8.1.2" from cache',
        'Served 9 KB to "Go-http-client/1.1" from cache',
    ],
    "single-quoted phrases, apostrophes aside": [
        "Login failed for user 'NT AUTHORITY\\SYSTEM'. Reason: can't open the database.",
        "Login failed for user 'sa'. Reason: can't open the database.",
        "Login failed for user 'svc_backup'. Reason: can't open the database.",
    ],
    "a table's region, its namespace and parts joined by commas": [
        "Closed metrics:tsdb,20240404#176e,1715671427476.7606b5c12bc9a4b7bc4325fa4b0ab12e.",
        "Closed orders,,1715061341424.7770bad7854ed85278526ffb3a864331.",
        "Closed events:clicks,d7d7fd2e38b49c5d,1714193226124.ce1d7883d8fc1e66e76bfa9e291ed748.",
    ],
    "backquoted phrases": [
        "odoo.addons.base.models.ir_cron: Job `Mail: Email Queue Manager` done.",
        "odoo.addons.base.models.ir_cron: Job `Digest Emails` done.",
        "odoo.addons.base.models.ir_cron: Job `Procurement: run scheduler` done.",
    ],
    "java classes and android packages": [
        "Resolved exception org.example.shop.OrderNotFoundException in handler",
        "Resolved exception java.lang.IllegalStateException in handler",
    ],
    "a field whose value is a system error's text": [
        'Could not stat "/var/log/syslog": ERR=No such file or directory',
        'Could not stat "/srv/data/db.ibd": ERR=Permission denied',
        'Could not stat "/var/lib/app/x.log": ERR=Input/output error',
    ],
    "a type in brackets after a value, there or not": [
        "Device: /dev/sda [SAT], state written to /var/lib/smartd/a.state",
        "Device: /dev/nvme0, state written to /var/lib/smartd/b.state",
        "Device: /dev/sdb [SCSI], state written to /var/lib/smartd/c.state",
    ],
    "an empty quoted argument": [
        'Executing [s@ivr-main:5] Answer("PJSIP/1023-000000fa", "") in new stack',
        'Executing [s@ivr-main:6] Answer("PJSIP/1031-000000fb", "5") in new stack',
        'Executing [h@ivr-main:1] Answer("PJSIP/1007-0000001c", "") in new stack',
    ],
    "objects printed whole": [
        "acquire lock=7, ws=WorkSource{10037 com.android.settings}, uid=1000",
        "acquire lock=9, ws=WorkSource{1000}, uid=1000",
        "acquire lock=12, ws=null, uid=10037",
    ],
    "a name with its value in brackets": [
        "session opened for user root by LOGIN(uid=0)",
        "session opened for user root by LOGIN(uid=500)",
    ],
    "units in brackets": [
        "Historian flushed 850 samples (805.9 KB) in 12 ms",
        "Historian flushed 12 samples (12 MB) in 3 ms",
        "Historian flushed 9 samples (45.3GB) in 40 ms",
    ],
    "values after key= and key =": [
        "opening app allDrawn= false, startingDisplayed = true",
        "opening app allDrawn= true, startingDisplayed = false",
    ],
    "a clause between a label and words": [
        "Alarm A1 raised: Motor overload tripped on Mixer (priority 1)",
        "Alarm A2 raised: Low lube oil pressure on Oven (priority 3)",
        "Alarm A3 raised: Door 4 open during operation on Press (priority 2)",
        "Alarm A4 raised: Emergency stop pressed on Filler (priority 1)",
    ],
    "a trailing field that is there or not": [
        "*12 connect() failed (111: Connection refused) while connecting to upstream, "
        'client: 10.0.0.7, server: api, upstream: "http://10.0.0.9:8000/", host: "shop"',
        "*99 connect() failed (111: Connection refused) while connecting to upstream, "
        'client: 10.0.0.8, server: api, upstream: "http://10.0.0.9:8000/x", host: "api", '
        'referrer: "https://shop/cart"',
    ],
    "a request line that is one field among others": [
        "*3 upstream sent too big header while reading response header from upstream, "
        'client: 10.0.0.7, server: api, request: "GET /healthz HTTP/1.1", host: "api"',
        "*8 upstream sent too big header while reading response header from upstream, "
        'client: 10.0.0.8, server: api, request: "POST /api/v1/orders HTTP/2.0", host: "api"',
    ],
    "a reason after its label, starting with words it shares": [
        "Backup of volume vol1 failed: ERROR disk quota exceeded on target",
        "Backup of volume vol7 failed: ERROR target host unreachable",
        "Backup of volume vol3 failed: ERROR snapshot could not be created",
    ],
    "two values of a field after its label": [
        "Starting BGSAVE for SYNC with target: disk",
        "Starting BGSAVE for SYNC with target: sockets",
    ],
    "a boolean's two values": [
        "Output 3 set to TRUE manually",
        "Output 7 set to FALSE manually",
    ],
    "two values after a label in brackets": [
        "Access denied for user 'app'@'10.0.0.7' (using password: YES)",
        "Access denied for user 'root'@'localhost' (using password: NO)",
    ],
    "the object of a short sentence": [
        "Started Docker Application Container Engine.",
        "Started Session 3 of user root.",
        "Started containerd container runtime.",
        "Started kubelet: The Kubernetes Node Agent.",
        "Started Cleanup of Temporary Directories.",
    ],
    "the object of a short sentence, in progress": [
        "Stopping Load Kernel Modules...",
        "Stopping PostgreSQL Cluster 15-main...",
        "Stopping containerd container runtime...",
        "Stopping Docker Application Container Engine...",
    ],
    "msg= as a field after the words of a message (hclog)": [
        'client.alloc_runner: Task event: task=web type=Received msg="Task received by client"',
        'client.alloc_runner: Task event: task=db type=Started msg="Task started by client"',
        'client.alloc_runner: Task event: task=api type=Terminated msg="Exit Code: 137"',
        'client.alloc_runner: Task event: task=web type=Killing msg="Sent interrupt"',
    ],
    "a noun after its count, in the singular and the plural": [
        "Retransmitted 1 segment to 10.0.0.7",
        "Retransmitted 4 segments to 10.0.0.9",
        "Retransmitted 12 segments to 10.0.0.3",
    ],
    "a word said of what is in its brackets, leading the message": [
        "query[A] api.example.org from 10.0.0.7",
        "query[AAAA] cdn.example.net from 10.0.0.12",
        "query[MX] example.com from 10.0.0.7",
        "query[TXT] _dmarc.example.com from 10.0.0.31",
    ],
    "a program and its process, as syslog names them, leading the message": [
        "spiceproxy[1843]: starting 1 worker(s)",
        "pveproxy[2210]: starting 3 worker(s)",
        "pvedaemon[1790]: starting 3 worker(s)",
    ],
    "a tag in brackets that leads the message": [
        "[sshd] Ban 203.0.113.7",
        "[dovecot] Ban 198.51.100.23",
        "[recidive] Ban 192.0.2.144",
        "[nginx-http-auth] Ban 203.0.113.80",
    ],
    "constants' names in brackets": [
        "Hangup sofia/external/4155554637@trunk.example.com [CS_CONSUME_MEDIA] [NORMAL_CLEARING]",
        "Hangup sofia/internal/2003@192.168.10.2 [CS_EXECUTE] [USER_BUSY]",
        "Hangup sofia/internal/1008@voip.example.com [CS_ROUTING] [NO_USER_RESPONSE]",
    ],
    "a namespace in braces that leads the message": [
        "{sessions} migrations: complete",
        "{users} migrations: complete",
        "{events} migrations: complete",
    ],
    "a PAM module and the service it serves, leading the message": [
        "pam_sss(sshd:auth): authentication success; user=alice",
        "pam_sss(sudo:auth): authentication success; user=alice",
        "pam_sss(login:auth): authentication success; user=alice",
        "pam_sss(gdm-password:auth): authentication success; user=alice",
    ],
    "the program that called a PAM module, of two": [
        "pam_unix(sudo:session): session closed for user root",
        "pam_unix(sudo-i:session): session closed for user root",
    ],
    "phrases in brackets": [
        "Scan for client pid 431 (Microsoft Word) finished",
        "Scan for client pid 12 (mdworker) finished",
        "Scan for client pid 77 (Google Chrome Helper) finished",
        "Scan for client pid 9 (Safari) finished",
    ],
}


@pytest.mark.parametrize("kind", sorted(SAME_EVENT))
def test_messages_of_one_event_share_a_cluster(kind: str) -> None:
    assert len(set(keys_of(SAME_EVENT[kind]))) == 1


def test_template_keeps_constant_text_and_masks_values() -> None:
    miner = TemplateMiner()
    match = miner.add("sync finished status=ok retries=0 peer=alpha (pid=42)")
    assert match.cluster.template == "sync finished status=<*> retries=<*> peer=<*> (pid=<*>)"
    assert mask("Connection to 10.0.3.7:5432 timed out after 30s") == (
        "Connection",
        "to",
        WILDCARD,
        "timed",
        "out",
        "after",
        WILDCARD,
    )


DIFFERENT_EVENTS = [
    ("Connection refused", "Connection reset by peer"),
    ("user admin logged in", "user admin logged out"),
    ("Starting nginx service", "Stopping nginx service"),
    ("Disk /dev/sda1 mounted", "Disk /dev/sda1 unmounted"),
    ("fan 2 speed normal", "fan 2 speed low"),
    ("startTransition begin", "startTransition end"),
    # Only a noun right after its count is one in the singular and the plural (Loghub's
    # labels: "PAM <*> more authentication failure;" and "...failures;" are two events).
    (
        "PAM 2 more authentication failure; rhost=10.0.0.7",
        "PAM 2 more authentication failures; rhost=10.0.0.7",
    ),
    # A first word names the event; only a tag in brackets may be a value there.
    ("Ban 203.0.113.7 from sshd", "Unban 203.0.113.7 from sshd"),
    (
        'request: "GET /api/v1/orders/12 HTTP/1.1" took 2 ms',
        'request: "GET /api/v1/users/12 HTTP/1.1" took 2 ms',
    ),
    ("mapred.job.id is deprecated", "mapred.task.id is deprecated"),
    # A queue id ending in a colon is a value, not a label whose two values are one field.
    ("4A2B1C: client=mx1.example.net[10.0.0.1]", "4A2B1C: message-id=<a1@example.net>"),
    ("setLightsOn(true)", "cancelNotification,index:12"),
    # A logger's name ending in a colon leads the message: the word after it is no value.
    ("scheduler: Started job: id=7", "scheduler: Stopped job: id=7"),
    # A function's name ending in a colon is where the line was printed, no label whose
    # two values are one field's.
    (
        "ERROR: tls [tls_server.c:1280]: tls_h_read_f(): src addr: 10.0.0.2",
        "ERROR: tls [tls_server.c:1280]: tls_h_read_f(): dst addr: 10.0.0.2",
    ),
    # Outcomes before an arrow name their events ("=> {...}" is the result).
    ('fatal: [web1]: FAILED! => {"msg": "x"}', 'fatal: [web1]: UNREACHABLE! => {"msg": "x"}'),
    # logfmt: the text of msg= is the event, not a value.
    (
        'level=info msg="shim disconnected" id=2f9c namespace=moby',
        'level=info msg="shim reaped" id=2f9c namespace=moby',
    ),
    (
        'time="2024-05-02T10:00:02Z" level=info msg="done"',
        'time="2024-05-02T10:00:02Z" level=info msg="started"',
    ),
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT_EVENTS)
def test_different_events_stay_apart(one: str, other: str) -> None:
    # Each twice, with other values, so neither is mistaken for a one-off.
    keys = keys_of([one, other, one.replace("2", "3"), other.replace("2", "3")])
    assert keys[0] == keys[2]
    assert keys[1] == keys[3]
    assert keys[0] != keys[1]


def test_the_first_word_of_a_logfmt_message_names_its_event() -> None:
    # containerd's CRI plugin: the call that opens msg= is the event, however many calls
    # there are; the container's id, quoted inside the quoted text, is the value.
    calls = ["StartContainer", "StopContainer", "RemoveContainer", "StopPodSandbox"]
    ids = ["4f3a9c0d1e2b", "b71e22aa9f03", "0c9d8e7f6a5b"]
    messages = [
        f'level=info msg="{call} for \\"{container}\\" returns successfully"'
        for call in calls
        for container in ids
    ]
    keys = keys_of(messages)
    by_call = [set(keys[start : start + len(ids)]) for start in range(0, len(keys), len(ids))]
    assert all(len(call_keys) == 1 for call_keys in by_call)
    assert len(set(keys)) == len(calls)


def test_what_became_of_a_value_said_last_names_the_event() -> None:
    # "Program <*> started", "... stopped", "... paused": three events, not one field.
    outcomes = ["started", "stopped", "paused", "resumed"]
    programs = ["pick_place_v3", "palletize_2", "tending_cnc4"]
    keys = keys_of(
        [f"PolyScope: Program {program} {outcome}" for program in programs for outcome in outcomes]
    )
    assert len(set(keys)) == len(outcomes)
    assert keys[: len(outcomes)] == keys[len(outcomes) : 2 * len(outcomes)]
    # Of a thing named in words too: lldpd's "LLDP neighbor added", "... updated", "...
    # deleted"; but after a label it is the label's value ("DDNS: enabled", "disabled").
    neighbor = ["added", "updated", "deleted", "added", "updated", "deleted"]
    assert len(set(keys_of([f"LLDP neighbor {done}" for done in neighbor]))) == 3
    # Capitalized, and before an aside in brackets: Nova's "VM Started (Lifecycle Event)".
    lifecycle = [
        f"[instance: 3edec1e4-9678-4a3a-a21b-a145a4ee5e{n:02d}] VM {done} (Lifecycle Event)"
        for n, done in enumerate(["Started", "Stopped", "Paused", "Resumed"] * 2)
    ]
    assert len(set(keys_of(lifecycle))) == 4
    ddns = [
        f"DHCP4 server has completed configuration: added {n} subnets; DDNS: {state}"
        for n, state in enumerate(["enabled", "disabled", "enabled", "disabled"])
    ]
    assert len(set(keys_of(ddns))) == 1


def test_the_states_on_either_side_of_an_arrow_are_values() -> None:
    assert mask("HSRP: Vl10 Grp 10 state Standby -> Active") == (
        "HSRP:", "<*>", "Grp", "<*>", "state", "<*>", "->", "<*>",
    )  # fmt: skip
    # An outcome and its result are no states: they stay as masking has them.
    assert mask('fatal: [web1]: FAILED! => {"msg": "x"}') == (
        "fatal:", "[<*>]:", "FAILED!", "=>", '{"<*>": "<*>"}',
    )  # fmt: skip
    assert mask("ok: [web1] => (item=nginx)") == ("ok:", "[<*>]", "=>", "(item=<*>)")
    # Each change once: one event however its two states vary together.
    changes = [("SYNCED", "DONOR/DESYNCED"), ("JOINED", "SYNCED"), ("CLOSED", "OPEN")]
    keys = keys_of(
        [f"WSREP: Shifting {old} -> {new} (TO: 4{n})" for n, (old, new) in enumerate(changes)]
    )
    assert len(set(keys)) == 1


def test_the_value_of_a_message_key_names_the_event_and_no_value_holds_it() -> None:
    # EMQX's records: "msg: <what happened>" among "key: value," fields. The words after
    # "clientid:" or "tag:" do not run on over the message, and two messages are two events.
    records = [
        "[warning] clientid: c{n}, msg: dropped_msg_due_to_mqueue_is_full, topic: t/{n}",
        "[warning] clientid: c{n}, msg: packet_is_discarded, topic: t/{n}",
        "[warning] tag: AUTHZ, clientid: c{n}, msg: cannot_publish_to_topic, topic: t/{n}",
        "[warning] tag: AUTHN, clientid: c{n}, msg: authentication_failure, topic: t/{n}",
    ]
    messages = [record.format(n=n) for n in range(3) for record in records]
    keys = keys_of(messages)
    assert len(set(keys)) == 4
    assert keys[:4] == keys[4:8]


def test_a_word_in_brackets_and_a_list_in_brackets_with_a_value_are_two_events() -> None:
    # dnsdist: an answer over UDP says "(UDP)"; one over TCP says its protocol and its
    # size, which differ from answer to answer.
    answer = "Got answer from 9.9.9.{n}:853, relayed to 10.0.0.{n}:5353 {how}, took 9{n}.5 us"
    udp = [answer.format(n=n, how="(UDP),") for n in range(4)]
    tcp = [
        answer.format(n=n, how=f"({protocol}, 1{n}4 bytes),")
        for n, protocol in enumerate(("DoT", "DoH", "TCP", "DoT"))
    ]
    keys = keys_of([message for pair in zip(udp, tcp, strict=True) for message in pair])
    assert len(set(keys[0::2])) == len(set(keys[1::2])) == 1
    assert keys[0] != keys[1]
    # A name of several words in brackets is a value as a one-word name is.
    online = "[RTU1] unit {n} {name} back ONLINE after 9{n}s"
    names = ["(chiller)", "(weigh scale 2)", "(boiler)", "(weigh scale 4)", "(press)"]
    assert len(set(keys_of([online.format(n=n, name=name) for n, name in enumerate(names)]))) == 1


def test_an_aside_that_ends_a_clause_is_optional_and_its_mark_stays() -> None:
    # dnsdist says "(https)" of a query that came over DoH, before the comma that ends the
    # clause; a query over TCP says its protocol and size, another event.
    query = "Got query for {name}.|A from 10.20.71.{n}:3966{n}{how}, relayed to quad9-dot"
    names = ["graph.facebook.com", "deb.debian.org", "example.org", "wpad.corp.example.com"]
    plain = [query.format(name=name, n=n, how="") for n, name in enumerate(names)]
    doh = [query.format(name=name, n=n, how=" (https)") for n, name in enumerate(names[1:])]
    tcp = [
        query.format(name=name, n=n, how=f" ({protocol}, 2{n} bytes)")
        for n, (name, protocol) in enumerate(zip(names, ("DoT", "TCP", "DoT", "TCP"), strict=True))
    ]
    keys = keys_of([*plain, *doh, *tcp])
    assert len(set(keys[:7])) == 1
    assert keys[0] not in keys[7:]


def test_what_a_request_threw_names_the_event_but_after_a_label_is_a_value() -> None:
    # Jetty: the exception after the request's path is what went wrong with it.
    head = "WARN :oejs.HttpChannel:qtp14067-9{n}: handleException /api/v{n}/orders"
    thrown = [
        "org.eclipse.jetty.io.EofException",
        "java.util.concurrent.TimeoutException: Idle timeout expired: 30000/30000 ms",
        "org.eclipse.jetty.http.BadMessageException: 400: Unable to parse form content",
    ]
    keys = keys_of([f"{head.format(n=n)} {what}" for n in range(3) for what in thrown])
    assert len(set(keys)) == 3
    assert keys[:3] == keys[3:6]
    assert mask("Caused by: java.lang.NullPointerException") == ("Caused", "by:", "<*>")


def test_a_tag_in_capitals_before_a_path_names_the_line_but_not_in_brackets() -> None:
    # gpsd: the kernel's PPS ("KPPS:") and its own ("PPS:") are two sources, two events.
    line = "gpsd:PROG: {tag}:/dev/pps{n} Assert cycle: 27434{n}, duration: 0 @ 17966.00{n}"
    keys = keys_of([line.format(tag=tag, n=n) for n in range(3) for tag in ("PPS", "KPPS")])
    assert len(set(keys)) == 2
    assert keys[0::2] == [keys[0]] * 3
    # sssd: a keytab's name in brackets is one value, its type and path together.
    assert mask("keytab [MEMORY:/etc/krb5.keytab]: failed")[1] == "[<*>]:"
    assert mask("fetch HTTP://example.org/a now")[1] == "<*>"


def test_an_erlang_term_of_values_only_is_one_value() -> None:
    # VerneMQ names a client by its mountpoint and id: "{[],<<"id">>}" with no mountpoint.
    line = "[warning] <0.{n}.2>@vmq_mqtt_fsm:connected:858 subscriber {client} dropped {n} msgs"
    clients = ['{[],<<"sensor-0596">>}', '{"plant1",<<"sensor-6923">>}', '{[],<<"gw-zrh-10">>}']
    keys = keys_of([line.format(n=n, client=client) for n, client in enumerate(clients)])
    assert len(set(keys)) == 1
    # An atom in it is a word: "{error,timeout}" says what went wrong.
    assert mask("due to {error,timeout}") == ("due", "to", "{error,timeout}")


def test_an_erlang_binary_and_the_atom_for_no_value_are_values() -> None:
    # VerneMQ: a client with no username has "undefined" where others have a binary.
    line = '[warning] <0.{n}.2>@vmq_mqtt_fsm:connected:529 client {{[],<<"s-{n}">>}} with'
    users = ['<<"nodered">>', "undefined", '<<"admin">>', "undefined"]
    keys = keys_of(
        [f"{line.format(n=n)} username {user} stopped due to keepalive expired" for n, user in
         enumerate(users)]
    )  # fmt: skip
    assert len(set(keys)) == 1
    # Without Erlang's binaries about, "undefined" is a word of the message.
    assert "undefined" in mask("symbol lookup error: undefined symbol: ssl_init")


def test_a_field_keeps_its_key_whatever_the_shape_of_its_value() -> None:
    # A path or a URL as a field's value was masked whole, key and all, and the key then
    # vanished into the value before it.
    assert mask("id=7 method=POST path=/api/v2/query proto=HTTP/1.1") == (
        "id=<*>",
        "method=<*>",
        "path=<*>",
        "proto=<*>",
    )
    assert mask("redirect url=http://example.org/a/b status=302")[1] == "url=<*>"


def test_a_records_first_field_with_a_word_for_its_value_names_the_record() -> None:
    # The audit log: each record's type is its event, what follows its fields.
    record = "type={kind} msg=audit(17334{n}.066:2257{n}): pid={n}1 uid=0 ses={n} res=success"
    kinds = ["USER_AUTH", "USER_START", "CRED_DISP"]
    messages = [record.format(kind=kind, n=n) for kind in kinds for n in range(3)]
    keys = keys_of(messages)
    assert len(set(keys)) == 3
    assert len(set(keys[:3])) == 1
    # A first field with a number for its value is a value ("eid=42 class=...").
    assert mask("eid=42 class=statechange pool=tank vdev=sda")[0] == "eid=<*>"


def test_bare_flags_among_upper_case_fields_are_values_of_the_record() -> None:
    # The kernel's packet log: which flags a packet carries (DF, SYN, ACK PSH) varies
    # from packet to packet; the record is the same.
    record = (
        "[UFW BLOCK] IN=eth0 OUT= SRC=10.0.0.7 DST=10.0.0.9 LEN=60 TOS=0x00 TTL=64 ID=0{df}"
        " PROTO=TCP SPT=4{n} DPT=22 WINDOW=1024 RES=0x00 {flags} URGP=0"
    )
    flags = ["SYN", "ACK PSH FIN", "RST", "ACK RST"]
    messages = [
        record.format(df=df, n=n, flags=flag) for n, flag in enumerate(flags) for df in ("", " DF")
    ]
    assert len({mask(message) for message in messages}) == 1
    assert len(set(keys_of(messages))) == 1
    # Only among fields: a bare word among lower-case fields is the operation
    # ("op=0 BIND dn=..."), as is one that ends the fields ("... ID=5 DROPPED").
    assert "BIND" in mask('conn=4 op=0 BIND dn="cn=admin" mech=SIMPLE ssf=0')
    assert "DROPPED" in mask("SRC=10.0.0.7 DST=10.0.0.9 LEN=60 ID=5 DROPPED")


def test_tags_of_one_speaker_name_what_it_did() -> None:
    # "[UFW BLOCK]", "[UFW ALLOW]", "[UFW AUDIT]": one speaker's actions, each an event;
    # "[sshd]", "[dovecot]", "[recidive]" are speakers of one event.
    tags = ["[UFW BLOCK]", "[UFW ALLOW]", "[UFW AUDIT]", "[UFW LIMIT BLOCK]"]
    record = "IN=eth0 OUT= SRC=10.0.0.{n} DST=10.0.0.9 PROTO=UDP"
    keys = keys_of([f"{tag} {record.format(n=n)}" for tag in tags for n in (1, 2)])
    assert len(set(keys)) == len(tags)
    speakers = ["[sshd jail]", "[dovecot jail]", "[recidive jail]"]
    assert len(set(keys_of([f"{speaker} Ban 10.0.0.1" for speaker in speakers]))) == 1


def test_a_field_with_an_empty_value_is_the_field() -> None:
    # Redis's CLIENT LIST lines: "name=" when the client gave none, "name=worker" when it
    # did; one event either way.
    line = "Client closed connection id={n} addr=10.0.0.{n}:5{n} fd={n} name={name} age={n}"
    names = ["", "api", "worker", "cron", ""]
    keys = keys_of([line.format(n=n, name=name) for n, name in enumerate(names)])
    assert len(set(keys)) == 1
    # Not where the line ends: Loghub labels "... rhost=" an event of its own.
    assert mask("authentication failure; ruser= rhost=")[-2:] == ("ruser=<*>", "rhost=")


def test_a_path_whose_file_name_has_a_space_is_one_value() -> None:
    # A scanner's verdicts on files of a share ("Quote 6374.docx") and elsewhere: one
    # event; a path then a network ("/export/x 10.0.0.0/16:") stays two values.
    paths = ["/srv/share/Public/Quote 6374.docx", "/var/www/up/a1.zip", "/home/u/Order 9.pdf"]
    assert len({mask(f"{path}: OK") for path in paths}) == 1
    assert mask("No options for /export/x 10.0.0.0/16: suggest sync") == (
        "No", "options", "for", "<*>", "<*>:", "suggest", "sync",
    )  # fmt: skip


def test_what_an_upper_case_name_was_said_of_is_a_value() -> None:
    # dnsmasq's "DHCPACK(br-lan)" and "DHCPACK(eth0)": the interface is a value with or
    # without a digit; an upper-case argument stays ("LDAP_RES_SEARCH_ENTRY(LDAP_SYNC_ADD)").
    assert mask("DHCPACK(br-lan) 10.0.0.5 nas") == mask("DHCPACK(eth0) 10.0.0.5 nas")
    assert mask("DHCPACK(br-lan) 10.0.0.5 nas")[0] == "DHCPACK(<*>)"
    assert mask("SYSERR(root): lost input")[0] == "SYSERR(<*>):"
    assert mask("LDAP_RES_SEARCH_ENTRY(LDAP_SYNC_ADD) sent")[0] == (
        "LDAP_RES_SEARCH_ENTRY(LDAP_SYNC_ADD)"
    )


def test_a_unit_in_the_singular_belongs_to_its_number_as_in_the_plural() -> None:
    assert mask("Timeout after reading 1 byte") == mask("Timeout after reading 3 bytes")
    assert mask("retrying in 1 second") == mask("retrying in 30 seconds")
    assert mask("lease expires in 1 day") == mask("lease expires in 2 days")
    # A unit's letter before a colon is a label: a TNC control's axis B, as its axis Y.
    assert mask("ERROR 8B40-0001 B: Positioning error") == (
        "ERROR",
        "<*>",
        "B:",
        "Positioning",
        "error",
    )


def test_a_time_zone_belongs_to_its_time() -> None:
    # Podman's events print Go's time: "2026-12-05 09:07:08.92 +0000 UTC", "+0100 CET".
    utc = "2026-12-05 09:07:08.927838671 +0000 UTC m=+0.033 container attach 7aa09df5"
    cet = "2026-12-05 22:39:30.496878391 +0100 CET m=+2.342 container attach 7aa09df5"
    assert mask(utc) == mask(cet) == ("<*>", "m=<*>", "container", "attach", "<*>")
    assert mask("UTC offset changed") == ("UTC", "offset", "changed")
    # So does the half of the day of a twelve-hour clock (SQL Server, Tomcat).
    am = "using a process ID of 33628 since 12/14/2026 2:14:07 AM (local)"
    pm = "using a process ID of 48510 since 12/28/2026 11:04:33 PM (local)"
    assert mask(am) == mask(pm)
    assert mask(pm)[-2:] == ("<*>", "(local)")
    assert mask("switched to AM band") == ("switched", "to", "AM", "band")


def test_fields_a_colon_joins_to_their_values_make_a_record() -> None:
    # Teleport's audit log: four fields or more of "key:value" are a record, whose values
    # are values whatever their shape.
    line = (
        "INFO [AUDIT] db.session.end cluster_name:teleport.example.com code:TDB01I "
        "db_name:orders db_origin:config, db_user:reporting ei:3"
    )
    assert mask(line)[3:] == (
        "cluster_name:<*>",
        "code:<*>",
        "db_name:<*>",
        "db_origin:<*>,",
        "db_user:<*>",
        "ei:<*>",
    )
    assert mask(line.replace("reporting", "app_rw")) == mask(line)
    # Fewer are words: "sshd:session" names a service and its stage.
    assert mask("session opened for sshd:session by root")[3] == "sshd:session"


def test_a_command_typed_at_a_prompt_is_one_value() -> None:
    # GitLab Runner echoes each script line after "$ "; FRR each command after its vty's
    # prompt; a shell prompt names the user and host.
    assert mask("$ go build -o bin/app ./cmd/api") == mask("$ npm test -- --ci") == ("$", "<*>")
    assert mask("vty[6]@(config-router)# clear ip bgp * soft in")[-1] == "<*>"
    assert mask("vty[9]@# write memory") == mask("vty[5]@# clear bgp swp3") == ("<*>",)
    assert mask("deploy@web01:~$ sudo systemctl restart nginx") == ("<*>",)
    # A "#" among words is no prompt.
    assert mask("item # 5 done") == ("item", "#", "<*>", "done")
    # Nor is one before a capitalized word: the LoRa packet forwarder's report lines.
    assert mask("# RF packets received by concentrator: 12") == (
        "#",
        "RF",
        "packets",
        "received",
        "by",
        "concentrator:",
        "<*>",
    )


def test_an_sql_statement_is_one_value_to_the_end_of_the_line() -> None:
    # Django's database backend logs each query after its duration; ClickHouse after the
    # client's address. Whatever the statement, it is the line's value.
    queries = [
        '(0.012) SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."id" = %s; args=(7,)',
        '(0.073) INSERT INTO "orders_order" ("user_id", "total") VALUES (%s, %s); args=(3, 9)',
        '(0.055) UPDATE "catalog_product" SET "stock" = %s WHERE "id" = %s; args=(1, 2)',
    ]
    assert len({mask(query) for query in queries}) == 1
    assert mask(queries[0]) == ("(<*>)", "<*>")
    executed = "executeQuery: (from 10.0.0.1:5000) SELECT count() FROM events (stage: Complete)"
    assert mask(executed) == ("executeQuery:", "(from <*>)", "<*>")
    # A verb in capitals without a clause of SQL after it is a word ("rcvd UPDATE about
    # 10.0.0.0/8"), and one that opens the line names the event.
    assert mask("peer rcvd UPDATE about 10.0.0.0/8 from AS65001")[2] == "UPDATE"
    assert mask("SELECT FROM the menu WHERE you like")[0] == "SELECT"


def test_a_command_s_options_are_one_value_however_many() -> None:
    # pgBackRest logs the options each command began with.
    head = "P00   INFO: expire command begin 2.53.1:"
    short = f"{head} --exec-id=3465-557b3fd7 --stanza=erp"
    long = f"{head} --exec-id=1-a --log-level-file=detail --repo1-path=/srv/pgb --stanza=main"
    assert (
        mask(short) == mask(long) == ("<*>", "INFO:", "expire", "command", "begin", "<*>:", "<*>")
    )
    # One option alone keeps its name.
    assert mask("restarting with --force now")[2] == "--force"


def test_a_status_code_and_its_reason_phrase_are_one_value() -> None:
    # Gitea, Varnish and Kamailio print the phrase after the code; the code says it all.
    assert mask("completed GET /api for 10.0.0.1:80, 200 OK in 3.2ms") == mask(
        "completed GET /api for 10.0.0.1:80, 404 Not Found in 3.2ms"
    )
    assert mask("completed GET /api for 10.0.0.1:80, 404 Not Found in 3.2ms")[5] == "<*>"
    assert mask("backend said (503 Service Unavailable) twice") == (
        "backend",
        "said",
        "(<*>)",
        "twice",
    )
    # Only after a code: words that happen to be a phrase stay words.
    assert mask("service OK after 200 retries") == ("service", "OK", "after", "<*>", "retries")


def test_a_windows_account_is_one_value() -> None:
    # SQL Server, Defender and FreeRADIUS name an account with its domain; the domain is
    # written in capitals, which tells it from a word with an escape in it ("line\nnext").
    assert mask(r"executed by CORP\svc_sqlagent found 0 errors") == mask(
        r"executed by CORP\dba_mkovacs found 0 errors"
    )
    assert mask(r"executed by CORP\svc_sqlagent found 0 errors")[2] == "<*>"
    assert mask(r"Login OK: [CORP\\tanaka.h] (from client ap-1)")[2] == "[<*>]"
    assert mask(r"User: BUILTIN\Administrators Path: none")[1] == "<*>"
    assert mask(r"read line\nnext from pipe")[1] == r"line\nnext"


def test_a_zone_and_its_class_are_one_value_as_a_host_is() -> None:
    # BIND names a zone with its class: "example.org/IN" is a value as "10.in-addr.arpa/IN"
    # (which has a digit) is.
    assert mask("zone example.org/IN: Transfer started.") == mask(
        "zone 10.in-addr.arpa/IN: Transfer started."
    )
    assert mask("zone example.org/IN: Transfer started.")[1] == "<*>:"
    assert mask("route via lan/IN now")[2] == "lan/IN"


def test_the_quoted_message_after_a_klog_header_is_its_words() -> None:
    # Kubernetes' structured lines quote their message after klog's header; the message
    # names the event, the fields after it are values.
    def line(message: str, n: int) -> str:
        return f'I1207 03:29:0{n}.787026     90{n} kubelet.go:24{n}4] "{message}" source="api"'

    assert mask(line("SyncLoop UPDATE", 1)) == mask(line("SyncLoop UPDATE", 2))
    assert mask(line("SyncLoop UPDATE", 1)) != mask(line("SyncLoop DELETE", 1))
    assert mask(line("SyncLoop UPDATE", 1))[-1] == 'source="<*>"'
    # Elsewhere a quoted phrase is a value.
    assert mask('loaded "SyncLoop UPDATE" source="api"')[1] == '"<*>"'


def test_the_quoted_message_in_brackets_after_leading_tags_is_its_words() -> None:
    # TiKV's unified format: tags in brackets, then the message quoted in brackets, then
    # its fields, each in brackets.
    def line(message: str, n: int) -> str:
        return (
            f"[2024/05/01 10:00:0{n}.0{n}1 +08:00] [INFO] [raft.rs:15{n}0] "
            f'["{message} at term {n}3"] [term={n}] [raft_id=8{n}] [region_id=18{n}]'
        )

    assert mask(line("became follower", 1)) == mask(line("became follower", 2))
    assert mask(line("became follower", 1)) != mask(line("became leader", 1))
    assert mask(line("became follower", 1))[-1] == "[region_id=<*>]"
    # The same without the header, as a producer may send it.
    assert mask('["became leader at term 3"] [term=3]') != mask(
        '["became follower at term 3"] [term=3]'
    )
    # After a word, a quoted phrase in brackets is a value.
    assert mask('target ["became leader at term 3"]')[1] == '["<*>"]'


def test_the_text_of_a_logfmt_message_is_masked_word_by_word() -> None:
    assert mask('time="2024-05-02T10:00:02Z" level=info msg="shim disconnected" id=9f2c') == (
        'time="<*>"',
        "level=<*>",
        'msg="shim',
        'disconnected"',
        "id=<*>",
    )
    assert mask('message="Health check for container 9f2c1d failed"') == (
        'message="Health',
        "check",
        "for",
        "container",
        WILDCARD,
        'failed"',
    )
    assert mask('level=warn msg="retrying" attempt=2') == (
        "level=<*>",
        'msg="retrying"',
        "attempt=<*>",
    )
    # Another key's quoted text is still one value.
    assert mask('errmsg="no such host" code=2') == ('errmsg="<*>"', "code=<*>")


def test_the_object_of_a_short_sentence_is_a_value_but_not_a_word_naming_its_kind() -> None:
    units = [
        "Stopped Docker Application Container Engine.",
        "Stopped Session 3 of user root.",
        "Stopped containerd container runtime.",
        "Stopped kubelet: The Kubernetes Node Agent.",
    ]
    targets = [
        "Stopped target Local File Systems.",
        "Stopped target Network Is Online.",
        "Stopped target Graphical Interface.",
    ]
    keys = keys_of([*units, *targets, "Started Docker Application Container Engine."])
    assert len(set(keys[: len(units)])) == 1
    assert len(set(keys[len(units) : -1])) == 1
    assert len(set(keys)) == 3


def test_a_word_before_a_value_and_its_colon_is_a_speaker_not_a_verb() -> None:
    # "Fieldbus 0: ..." and "Fieldbus WARNING 0-3: ...": the first word says who speaks;
    # the sentences after the value and its colon are events of their own.
    sentences = [
        "Fieldbus {n}: Scanning bus.",
        "Fieldbus {n}: Domain {n}: Working counter changed to {n}/12.",
        "Fieldbus {n}-3: Acknowledged state PREOP.",
        "Fieldbus WARNING {n}-1: Mapping configuration failed.",
        "Fieldbus ERROR {n}-5: Reception of the download response failed: No response.",
    ]
    keys = keys_of([sentence.format(n=n) for n in range(3) for sentence in sentences])
    assert len(set(keys)) == len(sentences)


def test_a_field_ending_in_a_colon_ends_the_header_and_labels_no_clause() -> None:
    # Kea's "..., tid=0x64a1: <message>": the field and its colon end the line's header;
    # a packet received and a packet sent are two events, whatever the runs between
    # "tid=<*>:" and "from <*> to <*> on interface <*>".
    head = "INFO [dhcp4.packets/{n}] [hwtype=1 00:0e:c6:97:bb:{n}{n}], cid=[01:{n}], tid=0x6{n}e:"
    kinds = ["DHCPDISCOVER", "DHCPREQUEST", "DHCPINFORM", "DHCPRELEASE"]
    received = [
        f"{head.format(n=n)} {kind} (type {n}) received from 10.20.1.{n} to 10.20.0.5 on "
        "interface ens192"
        for n, kind in enumerate(kinds)
    ]
    sent = [
        f"{head.format(n=n)} trying to send packet {kind} (type {n}) from 10.20.0.5:67 to "
        f"10.20.1.{n}:67 on interface ens192"
        for n, kind in enumerate(["DHCPOFFER", "DHCPACK", "DHCPNAK", "DHCPACK"])
    ]
    keys = keys_of([message for pair in zip(received, sent, strict=True) for message in pair])
    assert len(set(keys[::2])) == len(set(keys[1::2])) == 1
    assert keys[0] != keys[1]


def test_only_a_sentence_of_words_before_its_object_takes_it_as_a_value() -> None:
    # "Took <*> to <*>." would be one event of three (build, spawn, deallocate).
    built = [f"Took {n}.{n} seconds to build instance." for n in range(1, 4)]
    spawned = [
        "Took 4.2 seconds to spawn the instance on the hypervisor.",
        "Took 5.7 seconds to spawn the instance on the hypervisor.",
    ]
    deallocated = "Took 6.7 seconds to deallocate network for instance."
    keys = keys_of([*built, *spawned, deallocated])
    assert len(set(keys[:3])) == 1
    assert len(set(keys[3:5])) == 1
    assert len(set(keys)) == 3


def test_a_sentence_about_its_subject_is_no_verb_whose_object_varies() -> None:
    # apcupsd's battery lines: the subject, then what became of it, each an event.
    battery = [
        "Battery disconnected.",
        "Battery reattached.",
        "Battery power exhausted.",
        "Battery charge below low limit.",
        "Battery failure. Emergency.",
    ]
    assert len(set(keys_of(battery * 2))) == len(battery)
    # A verb's particle is part of the verb: logged in and logged out are two events.
    sessions = [
        "User user logged in via CLI (Telnet) from 10.12.0.15.",
        "User user logged in via WBM from 192.168.10.6.",
        "User user logged out via WBM.",
    ]
    assert len(set(keys_of(sessions))) == 3
    # A command in capitals takes its arguments as systemd's verbs take their objects.
    checks = [
        f"DBCC CHECKDB ({database}) WITH {options} executed by CORP\\svc_sqlagent found 0 "
        f"errors and repaired 0 errors. Elapsed time: 0 hours 0 minutes {n} seconds."
        for n, (database, options) in enumerate(
            [
                ("master", "all_errormsgs, no_infomsgs, physical_only"),
                ("Inventory", "no_infomsgs"),
                ("Sales", "no_infomsgs, data_purity"),
                ("ERP_Live", "physical_only, no_infomsgs"),
            ]
        )
    ]
    assert len(set(keys_of(checks))) == 1


def test_a_verb_that_opens_the_clause_after_a_speaker_names_the_event() -> None:
    # dhcpcd: the interface and its colon, then what it does with a lease.
    verbs = ["renewing", "rebinding", "releasing", "probing"]
    lines = [
        f"{interface}: {verb} lease of 10.0.{n}.{n + 7}"
        for n, interface in enumerate(["end0", "eth0", "usb0"])
        for verb in verbs
    ]
    keys = keys_of(lines)
    assert len(set(keys)) == len(verbs)
    assert keys[: len(verbs)] == keys[len(verbs) : 2 * len(verbs)]
    # A noun there is a value: the thing the speaker reports on.
    states = [
        f"{interface}: {state} carrier on 10.0.{n}.1"
        for n, interface in enumerate(["end0", "eth0", "usb0"])
        for state in ["wired", "wireless", "tunnel"]
    ]
    assert len(set(keys_of(states))) == 1


def test_a_word_in_capitals_after_a_verb_names_the_event() -> None:
    # Mosquitto names each packet it received; keepalived each state it enters.
    packets = ["PINGREQ", "PUBACK", "SUBSCRIBE", "DISCONNECT"]
    received = [
        f"Received {packet} from {client}"
        for client in ("esp32-adb48a", "nodered_1ee57012", "scada-historian")
        for packet in packets
    ]
    keys = keys_of(received)
    assert len(set(keys)) == len(packets)
    assert keys[: len(packets)] == keys[len(packets) : 2 * len(packets)]
    states = ["MASTER", "BACKUP", "FAULT"]
    entering = [
        f"({group}) Entering {state} STATE" for group in ("VI_1", "VI_WEB") for state in states
    ]
    assert len(set(keys_of(entering))) == len(states)
    # A method is a request's value, and a level is no word of the message.
    completed = [
        f"Completed {method} /api/orders/{n}{n} with status 200 in {n}6ms"
        for n, method in enumerate(["GET", "POST", "PUT", "DELETE"])
    ]
    assert len(set(keys_of(completed))) == 1


def test_a_value_goes_on_over_words_up_to_the_next_field() -> None:
    # Falco prints the command line of the process it caught as it was typed.
    commands = ["grep -r password /home", "python3 -c open('/etc/shadow').read()"] * 2
    lines = [
        f"Log files were tampered (file=/var/log/wtmp evt_type=openat user=root user_uid={n} "
        f"process=sh command={command} terminal=3481{n} container_id=host)"
        for n, command in enumerate(commands)
    ]
    assert len(set(keys_of(lines))) == 1
    # A field left empty ends the value before it, and words in capitals name the record.
    redis = [
        f"Client closed connection id={n} addr=10.0.0.{n}:5{n}1 fd={n} name={name} age={n} idle=0"
        for n, name in enumerate(["sidekiq", "", "web", ""])
    ]
    assert len(set(keys_of(redis))) == 1
    slapd = [
        f"conn={n}44 op=1 {word} tag=97 err=0 qtime=0.0000{n} etime=0.00{n}"
        for n, word in enumerate(["RESULT", "RESULT", "SRCH", "SRCH"])
    ]
    assert len(set(keys_of(slapd))) == 2
    # A label that heads the fields after it stays a word: Klipper's stats, by device.
    stats = mask("Stats 431.4: gcodein=0  mcu: mcu_awake=0.001 bytes_write=15454 freq=72000065")
    assert stats[3] == "mcu:"


def test_a_volume_and_its_options_keep_the_storage_they_name() -> None:
    # Proxmox's "-scsi0 local-lvm:vm-201-disk-0,size=32G": a storage, then a volume and its
    # options, not one name of joined parts as HBase's regions are.
    assert mask("update VM 201: -scsi0 local-lvm:vm-201-disk-0,size=32G")[-1] == "local-lvm:<*>"


def test_measures_in_brackets_are_one_value_whichever_a_line_took() -> None:
    # Rails says what a request spent its time on, as far as it did each.
    lines = [
        f"Completed 200 OK in {n}ms ({spent}Allocations: {n}561)"
        for n, spent in enumerate(
            ["Views: 8.9ms | ActiveRecord: 7.3ms | ", "ActiveRecord: 2.4ms | "]
        )
    ]
    assert len(set(keys_of(lines * 2))) == 1


def test_a_route_names_its_endpoint_by_its_words() -> None:
    tenant = "54fadb412c4e40cdbaed9335e4c35a9e"
    lines = [
        f'10.0.0.{n} "GET /v2/{tenant}/servers/{route} HTTP/1.1" status: 200 len: {n}'
        for n in range(1, 4)
        for route in ("detail", f"3edec1e4-8b6f-4f3a-9a1e-0c2b7d5e6f{n:02d}")
    ]
    lines += [f'10.0.0.{n} "GET {route} HTTP/1.1" 200 {n}' for n in range(1, 4) for route in (
        "/healthz",
        f"/static/app.{n}f3e.js",
        f"/search?q=lamp&page={n}",
    )]  # fmt: skip
    keys = keys_of(lines)
    servers = keys[:6]
    assert servers[0::2] == [servers[0]] * 3  # /servers/detail
    assert servers[1::2] == [servers[1]] * 3  # /servers/<id>
    assert servers[0] != servers[1]
    others = keys[6:]
    assert len({others[0], others[1], others[2]}) == 3
    assert others[3:6] == others[0:3] == others[6:9]


def test_a_request_line_in_escaped_quotes_names_its_endpoint() -> None:
    # CrowdSec's API logs gin's access line inside a logfmt message, its quotes escaped.
    def served(client: str, route: str, n: int) -> str:
        return (
            f'level=info msg="{client} - [Fri, 0{n} Nov 2026 13:26:0{n} UTC] \\"GET {route} '
            f'HTTP/1.1 200 {n}79.763\u00b5s \\"crowdsec-nginx-bouncer/v1.0.{n}\\" \\""'
        )

    routes = ["/v1/decisions/stream?startup=false", "/v1/heartbeat", "/v1/decisions?ip=1.2.3.4"]
    lines = [served(f"10.0.0.{n}", route, n) for n in range(1, 4) for route in routes]
    keys = keys_of(lines)
    assert len(set(keys)) == len(routes)
    assert keys[:3] == keys[3:6] == keys[6:9]


def test_words_that_fill_a_route_segment_become_a_variable_after_three() -> None:
    slugs = ["coffee-grinder", "gift-card", "blue-running-shoes", "desk-lamp"]
    lines = [
        f'1.2.3.4 - - "GET /products/{slug}?ref={n} HTTP/1.1" 200' for n, slug in enumerate(slugs)
    ]
    lines.append('1.2.3.4 - - "GET /products/sku-9?ref=1 HTTP/1.1" 200')
    assert len(set(keys_of(lines))) == 1


def test_a_reason_that_ends_a_message_stays_part_of_its_event() -> None:
    reasons = ["Bye Bye [preauth]", "Closed due to user request. [preauth]", "disconnected by user"]
    lines = [
        f"Received disconnect from 10.0.{n}.{m}: 11: {reason}"
        for n in range(3)
        for m, reason in enumerate(reasons)
    ]
    keys = keys_of(lines)
    assert len(set(keys)) == 3
    assert keys[0:3] == keys[3:6] == keys[6:9]


def test_four_reasons_after_a_value_are_the_values_of_one_event() -> None:
    reasons = [
        "not in inventory",
        "disabled by an operator",
        "has no recipe for batch {n}",
        "is owned by line 2 already",
    ]
    lines = [
        f"cannot dispatch order {n}-A to cell [press-{n}] {reason.format(n=n)}"
        for n in range(3)
        for reason in reasons
    ]
    keys = keys_of(lines)
    assert len(set(keys)) == 1
    # Three are not yet a field of reasons: they may be three events.
    assert len(set(keys_of(lines[:3]))) == 3


def test_reports_whose_fields_differ_are_no_reasons_of_one_event() -> None:
    # PowerDNS's periodic statistics: the same words, then each report's own fields.
    head = 'msg="Periodic statistics report" subsystem="stats" tid="{n}" ts="17965{n}.5"'
    reports = [
        'taskqueue-expired="{n}" taskqueue-pushed="65{n}" taskqueue-size="{n}"',
        'packetcache-entries="178{n}" packetcache-hitratio-perc="82.{n}"',
        'record-cache-entries="90{n}" record-cache-hitratio-perc="4{n}.1"',
        'concurrent-queries="{n}" outgoing-timeouts="28{n}" outqueries="69{n}"',
    ]
    lines = [f"{head} {report}".format(n=n) for n in range(3) for report in reports]
    keys = keys_of(lines)
    assert len(set(keys)) == len(reports)
    assert keys[: len(reports)] == keys[len(reports) : 2 * len(reports)]


def test_a_level_that_leads_sentences_is_no_verb_whose_object_varies() -> None:
    lines = [
        "W [Store] [12:00:01]: Error forwarding 5 records to 'Audit': connection refused.",
        "W [Devices] [12:00:02]: Device 'PLC1' faulted after 3 retries.",
        "W [Gateway] [12:00:03]: Redundancy peer lost, taking over as master.",
    ]
    assert len(set(keys_of(lines))) == 3
    # Nor is a level's name (Graylog's server.log).
    graylog = [
        "INFO  [Periodicals] [main] Starting [org.graylog2.periodical.UserPermissionMigration] "
        "periodical, running forever.",
        "INFO  [LocalKafkaJournal] [LocalKafkaJournal-16] Read offset 935885 before start of "
        "log at 626332687, starting to read from the beginning of the journal.",
        "INFO  [DeletionRetentionStrategy] [periodical-0] Finished index retention strategy "
        "[delete] for index <graylog_602> in 26ms.",
    ]
    assert len(set(keys_of(graylog))) == 3
    # Nor a level's name and a component's camelCase name (AVEVA's logger).
    aveva = [
        "Info\taaEngine\tEngine 'AppEngine_002_b' is starting. Startup type: Warm.",
        "Info\taaEngine\tRedundancy: RMC communication with partner 'APPSVR02' restored.",
        "Info\taaEngine\tEngine 'AppEngine_002' started in 5478 ms. 66 objects OnScan, 0 "
        "objects OffScan.",
    ]
    assert len(set(keys_of(aveva))) == 3


def test_variants_of_one_saying_after_a_value_are_not_reasons_of_one_event() -> None:
    head = "W [Devices] [12:00:01]: Device"
    lines = [
        f"{head} 'VFD_4' failed to connect to 10.0.0.5:502: java.net.ConnectException: refused",
        f"{head} 'PM_1' failed to connect to 10.0.0.9:102: java.net.SocketTimeoutException: late",
        f"{head} 'PM_2' state changed: Connected -> Disconnected",
        f"{head} 'PM_3' failed to connect to 10.0.0.7:102: java.io.IOException: Connection reset",
    ]
    keys = keys_of(lines)
    assert keys[2] not in (keys[0], keys[1], keys[3])


def test_sentences_after_a_value_stay_events_when_long_or_after_a_colon() -> None:
    # Long sentences about a subject are events of their own ("The web application [x]
    # registered the JDBC driver [y] but failed to unregister it when ..."), and so, as
    # Loghub labels them, are the errors after "file <path>:".
    subjects = [
        "started a thread named [worker-{n}] but has failed to stop it, which is very likely "
        "to create a memory leak",
        "registered the driver [org.h2.Driver-{n}] but failed to unregister it when the "
        "application was stopped",
        "is still processing request {n} that has not finished yet, which is likely to fail",
        "created a cache with key of type [K{n}] and a value of type [V{n}] but failed to "
        "remove it",
    ]
    errors = [
        "Permission denied",
        "No such file or directory",
        "Bad file descriptor",
        "Input/output error",
    ]
    long_lines = [
        f"The web application [10.1.0.{n}] {subject.format(n=n)}"
        for n in range(2)
        for subject in subjects
    ]
    colon_lines = [f"cannot map the node file /etc/n{n}.map: {e}" for n in range(2) for e in errors]
    assert len(set(keys_of(long_lines))) == 4
    assert len(set(keys_of(colon_lines))) == 4


def test_reasons_in_words_after_a_value_and_a_colon_are_values_of_one_event() -> None:
    # What went wrong with a connection, said after its address and a colon: one event,
    # as a reason after a value without a colon is, capitalized or not. The C library's
    # error texts ("Permission denied") stay events of their own, above.
    reasons = [
        "timeout while waiting for data",
        "reading first byte from connection failed",
        'connection of type "tls" is not allowed',
        "connection rejected, allowed hosts only",
    ]
    lines = [
        f"failed to accept an incoming connection: from 10.0.{n}.7: {reason}"
        for n in range(2)
        for reason in reasons
    ]
    assert len(set(keys_of(lines))) == 1
    capitalized = [
        "Broker not available",
        "Handshake timed out after the first frame",
        "Server is shutting down",
        "Client certificate was rejected",
    ]
    lines = [
        f"failed to connect to the broker at 10.0.{n}.7: {reason}"
        for n in range(2)
        for reason in capitalized
    ]
    assert len(set(keys_of(lines))) == 1


def test_reasons_after_a_value_and_a_colon_may_begin_alike_when_most_do_not() -> None:
    # ejabberd's reasons for closing a session: two begin "Stream closed by", one of four.
    reasons = [
        "Connection failed: connection closed",
        "Stream closed by local host: Timed out waiting for stream resumption",
        "Stream closed by peer: Client quit (undefined-condition)",
        "Stream reset by peer",
    ]
    users = ["oskar@chat.example.com/Dino.5138d26e", "lena_p@xmpp.example.org/Monal.Q94R"]
    lines = [
        f"[info] (tls|<0.{n}562.0>) Closing c2s session for {user}: {reason}"
        for n, user in enumerate(users)
        for reason in reasons
    ]
    assert len(set(keys_of(lines))) == 1


def test_a_clause_that_ends_a_message_after_a_word_label_is_a_value() -> None:
    # (SQL is a value wherever it stands: see the test of SQL statements.)
    statements = [
        "reindex orders by customer id",
        "COMMIT",
        "vacuum stock with analyze verbose",
        "purge sessions that expired today",
    ]
    lines = [
        f"slow job took {n}.5 ms, statement: {statement}" for n, statement in enumerate(statements)
    ]
    keys = keys_of(lines)
    assert len(set(keys)) == 1
    # Two are not yet a field of clauses: they may be two events.
    assert len(set(keys_of(lines[:2]))) == 2


def test_a_value_of_one_word_does_not_take_a_phrase() -> None:
    users = ["root", "admin", "ftp", "oracle"]
    lines = [
        f"Failed password for {user} from 10.0.0.{n} port 22 ssh2" for n, user in enumerate(users)
    ]
    lines += [
        f"Failed password for invalid user {user} from 10.0.0.9 port 22 ssh2" for user in users
    ]
    keys = keys_of(lines)
    assert len(set(keys[:4])) == 1
    assert len(set(keys[4:])) == 1
    assert keys[0] != keys[4]


def test_a_template_that_generalizes_merges_with_templates_it_now_differs_from_by_a_word() -> None:
    # Each method's template learns the user is a value only after the others exist; the
    # last to learn it then differs from the other two by the method alone.
    lines = [
        f"Started {method} /api/orders for 10.0.0.1 (user {user})"
        for method, user in (
            ("GET", "alice"),
            ("POST", "bob"),
            ("PUT", "carol"),
            ("GET", "u1"),
            ("POST", "u2"),
            ("PUT", "u3"),
        )
    ]
    miner = TemplateMiner()
    keys = keys_of(lines, miner)
    assert len(set(keys)) == 1
    assert [cluster.template for cluster in miner.clusters()] == [
        "Started <*> <*> for <*> (user <*>)"
    ]


def test_a_word_seen_with_many_values_becomes_a_variable() -> None:
    users = ["root", "admin", "oracle", "deploy", "alice"]
    keys = keys_of([f"Invalid user {user} from 10.0.0.{n}" for n, user in enumerate(users)])
    assert len(set(keys)) == 1


def test_a_generalized_template_keeps_its_first_key() -> None:
    miner = TemplateMiner()
    first = miner.add("Listening on port 80")
    second = miner.add("Listening on port 443")
    assert first.created and not second.created
    assert first.cluster is second.cluster
    assert first.cluster.key == template_key("Listening on port <*>")

    created = miner.add("Disk sda is full")
    changed = miner.add("Disk sdb1 is full")
    assert created.created
    assert changed.template_changed and not changed.created
    assert changed.cluster.template == "Disk <*> is full"
    assert changed.cluster.key == template_key("Disk sda is full")
    assert changed.cluster.size == 2


def test_merging_keeps_the_oldest_cluster_and_reports_the_absorbed_keys() -> None:
    miner = TemplateMiner()
    first = miner.add("session opened for user alice by sshd")
    second = miner.add("session opened for user bob by sshd")
    assert first.cluster is not second.cluster
    third = miner.add("session opened for user carol by sshd")
    assert third.cluster is first.cluster
    assert third.merged == (second.cluster.key,)
    assert third.template_changed
    assert first.cluster.template == "session opened for user <*> by sshd"
    assert first.cluster.size == 3
    assert [cluster.key for cluster in miner.clusters()] == [first.cluster.key]


def test_restore_sends_the_same_messages_to_the_same_keys() -> None:
    messages, _ = invented_sample(1500, seed=3)
    before = TemplateMiner()
    keys_of(messages, before)
    expected = [before.add(message).cluster.key for message in messages]

    after = TemplateMiner()
    for cluster in before.clusters():
        restored = after.restore(cluster.template, cluster.key)
        assert (restored.key, restored.template, restored.size) == (
            cluster.key,
            cluster.template,
            0,
        )
    assert [after.add(message).cluster.key for message in messages] == expected
    assert not any(after.add(message).created for message in messages)


def test_grouping_is_deterministic() -> None:
    messages, _ = invented_sample(1500, seed=11)
    one, other = TemplateMiner(), TemplateMiner()
    assert keys_of(messages, one) == keys_of(messages, other)
    assert [cluster.template for cluster in one.clusters()] == [
        cluster.template for cluster in other.clusters()
    ]


def test_a_stream_of_unlike_messages_of_one_start_keeps_each_ones_work_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every line of a table starts "Event |": each unlike row is a template of its own,
    # and none may make the next one cost as much as all the templates before it.
    templates = 1200
    *rows, last = one_start_rows(templates + 1, seed=3)
    miner = TemplateMiner()
    keys_of(rows, miner)
    aligned: list[int] = []
    compared: list[int] = []
    shortened: list[int] = []
    agreeing = miner_module._agreeing
    same_length = TemplateMiner._same_length_candidates
    monkeypatch.setattr(
        miner_module, "_agreeing", lambda *args: aligned.append(1) or agreeing(*args)
    )
    for name in ("_without_one_optional", "_without_one_separated"):
        shorter_forms = getattr(miner_module, name)
        monkeypatch.setattr(
            miner_module,
            name,
            lambda *args, forms=shorter_forms: shortened.append(1) or forms(*args),
        )
    monkeypatch.setattr(
        TemplateMiner,
        "_same_length_candidates",
        lambda self, tokens: compared.append(len(found := same_length(self, tokens))) or found,
    )
    # Templates that may span the message, or that it may span, are found by their length.
    of_other_length = TemplateMiner._of_other_length
    monkeypatch.setattr(
        TemplateMiner,
        "_of_other_length",
        lambda self, tokens, *, longer: (
            compared.append(len(found := of_other_length(self, tokens, longer=longer))) or found
        ),
    )
    match = miner.add(last)
    assert match.created
    # Two alignments (start and end) per template looked at; a fraction of them all.
    assert len(aligned) <= templates // 2
    assert max(compared) <= templates // 4
    # Templates with one part more, or with a value left out, are looked for among as few.
    assert len(shortened) <= templates // 2


def test_a_flood_of_garbage_does_not_grow_the_miner_without_limit() -> None:
    rng = random.Random(5)
    miner = TemplateMiner(max_clusters=500)
    alphabet = string.ascii_letters + string.digits + "-_./:"
    for _ in range(5000):
        words = rng.randint(1, 12)
        miner.add(
            " ".join("".join(rng.choices(alphabet, k=rng.randint(2, 12))) for _ in range(words))
        )
    assert len(list(miner.clusters())) <= 500
    # What is evicted leaves the index of templates by length, which stays that of those kept.
    assert sum(miner._lengths.values()) == len(list(miner.clusters()))
    # Real messages still group after the flood.
    keys = keys_of(
        ["Connection to 10.0.3.7:5432 refused", "Connection to 10.0.3.8:6379 refused"], miner
    )
    assert keys[0] == keys[1]


def test_api_shapes() -> None:
    miner = TemplateMiner()
    match = miner.add("worker 7 started")
    assert isinstance(match, GroupMatch)
    assert isinstance(match.cluster, Cluster)
    assert match == GroupMatch(cluster=match.cluster, created=True, template_changed=False)
    assert len(template_key("worker <*> started")) == 16
    assert template_key("a") == template_key("a") != template_key("b")


# Measured GA (bench/grouping.py) less a little, so a regression shows.
LOGHUB_GA_FLOORS = {
    "Apache": 0.99,
    "BGL": 0.98,
    "HDFS": 0.99,
    "Hadoop": 0.98,
    "Linux": 0.79,
    "OpenSSH": 0.99,
    "Spark": 0.98,
    "Zookeeper": 0.97,
}


@pytest.mark.parametrize("name", sorted(LOGHUB_GA_FLOORS))
def test_grouping_accuracy_on_loghub(name: str) -> None:
    messages, events = loghub_sample(LOGHUB_SAMPLES / name)
    assert grouping_accuracy(keys_of(messages), events) >= LOGHUB_GA_FLOORS[name]


def test_grouping_accuracy_on_loghub_keeps_its_mean() -> None:
    # Issue 18: rules for other systems may not cost Loghub's mean (0.974 as reported,
    # to three places), however they move one dataset within its floor above.
    accuracies = [
        grouping_accuracy(keys_of(messages), events)
        for messages, events in map(loghub_sample, map(LOGHUB_SAMPLES.joinpath, LOGHUB_GA_FLOORS))
    ]
    assert round(sum(accuracies) / len(accuracies), 3) >= 0.974


# Our own labelled logs of other systems (bench/grouping_data/README.md), by set: measured
# GA less a little, so a regression shows. Each held-out set was measured once before it
# was tuned on; "held_out", the last, only had one change after it (see the README).
LABELLED_GA_FLOORS: dict[str, dict[str, float]] = {
    "development": {
        "healthapp": 0.90,
        "javaapp": 0.95,
        "macos": 0.78,
        "proxifier": 0.96,
        "scada": 0.93,
        "webaccess": 0.98,
    },
    "first_held_out": {
        "android": 0.92,
        "kubernetes": 0.95,
        "openstack": 0.97,
        "thunderbird": 0.98,
        "windows": 0.98,
    },
    "second_held_out": {"cisco": 0.93, "postfix": 0.98, "postgres": 0.95, "slurm": 0.98},
    "third_held_out": {"bmc": 0.90, "jenkins": 0.55, "kafka": 0.96, "openvpn": 0.97},
    "held_out": {"airflow": 0.78, "bind": 0.93, "ceph": 0.74, "mongodb": 0.94},
    # Written after the merge of issue 18's rules by someone who did not see the miner;
    # measured once (0.740 mean), then tuned on (optional trailing fields, fields after
    # a label).
    "fifth_held_out": {
        "etcd": 0.82,
        "nginx_error": 0.77,
        "opcua_plc": 0.91,
        "rabbitmq": 0.88,
        "redis": 0.95,
    },
    # Written before this stop's changes after the fifth set was tuned on; measured once
    # (0.669 mean; 0.606 with the miner before those changes), then tuned on (mysql).
    "sixth_held_out": {"envoy": 0.86, "mysql": 0.89, "robot_cell": 0.65, "systemd": 0.88},
    # Written by a helper that did not read the miner; measured once (0.757 mean; 0.694 with
    # the miner before stop 30's rules), then tuned on (elasticsearch, systemd).
    "seventh_held_out": {
        "elasticsearch": 0.82,
        "envoy": 0.86,
        "mysql": 0.84,
        "robot_cell": 0.95,
        "systemd": 0.88,
    },
    # Written by a helper that did not read the miner; measured once at stop 32 (0.688 mean,
    # the same before and after that stop's sentence rule; drain3 0.538), then tuned on
    # (dockerd).
    "eighth_held_out": {
        "cassandra": 0.75,
        "cnc_cell": 0.84,
        "dockerd": 0.98,
        "esxi": 0.57,
        "tomcat": 0.92,
    },
    # Written by a helper that did not read the miner; measured once at stop 32 (0.569 mean,
    # 0.500 with the miner before issue 18, drain3 0.395), not tuned on.
    "ninth_held_out": {
        "bacula": 0.85,
        "mosquitto": 0.94,
        "pacemaker": 0.76,
        "s7_diag": 0.62,
        "suricata": 0.64,
    },
    # Written by a helper that did not read the miner; measured once at stop 33 (0.735 mean,
    # 0.615 with the miner before issue 18, drain3 0.562), then tuned on (gitlab_runner;
    # a record's class names it: zfs_zed 0.578 -> 0.917).
    "tenth_held_out": {
        "gitlab_runner": 0.94,
        "haproxy": 0.53,
        "keepalived": 0.99,
        "modbus_gateway": 0.85,
        "zfs_zed": 0.89,
    },
    # Written by a helper that did not read the miner; measured once at stop 33 (0.650 mean,
    # 0.595 with the miner before issue 18, drain3 0.378), then tuned on (fail2ban).
    "eleventh_held_out": {
        "abb_drive": 0.56,
        "chrony_ntp": 0.71,
        "fail2ban": 0.94,
        "nfs_server": 0.90,
        "vault": 0.96,
    },
    # Written by a helper that did not read the miner; measured once at stop 33, after the
    # rule of tags in brackets (0.452 mean, 0.421 with the miner before issue 18, drain3
    # 0.417), then tuned on (nomad, pgbouncer).
    "twelfth_held_out": {
        "mes_line": 0.69,
        "nomad": 0.84,
        "pgbouncer": 0.97,
        "squid_proxy": 0.25,
        "unbound_dns": 0.59,
    },
    # Written by a helper that did not read the miner; measured once at stop 34 (0.429 mean,
    # 0.286 with the miner before issue 18, drain3 0.324), then tuned on (libvirtd,
    # isc_dhcpd), and moved by the rule of single-quoted phrases (traefik).
    "thirteenth_held_out": {
        "isc_dhcpd": 0.73,
        "libvirtd": 0.76,
        "logix_plc": 0.42,
        "traefik": 0.93,
        "zabbix_server": 0.66,
    },
    # Written by a helper that did not read the miner; measured once at stop 34 (0.723 mean,
    # the same with the grouping before that stop's rule of places in code; 0.546 with the
    # miner before issue 18, drain3 0.471), then tuned on (single-quoted phrases).
    "fourteenth_held_out": {
        "beckhoff_twincat": 0.98,
        "cups_print": 0.94,
        "hpc_cluster": 0.84,
        "mssql_server": 0.84,
        "openldap_slapd": 0.77,
    },
    # Written by a helper that did not read the miner; measured once at stop 34 after every
    # rule of that stop (0.744 mean, the same without them; 0.565 with the miner before
    # issue 18, drain3 0.524), then moved by the rule of Windows accounts.
    "fifteenth_held_out": {
        "ansible_run": 0.47,
        "fanuc_robot": 0.84,
        "oracle_alert": 0.93,
        "sap_gateway": 0.93,
        "windows_defender": 0.86,
    },
    # Written by a helper that did not read the miner; measured once at stop 34 after every
    # rule of that stop (0.635 mean, the same without them; 0.553 with the miner before
    # issue 18, drain3 0.470), then tuned on (a router's handler names its event; so does
    # a vendor's code heading a message).
    "sixteenth_held_out": {
        "apache_httpd_error": 0.79,
        "gitea_server": 0.96,
        "kernel_oom_mm": 0.88,
        "opc_da_historian": 0.84,
        "sshd_auth": 0.77,
    },
    # Written by a helper that did not read the miner; measured once at stop 35 after the
    # rule of reasons after a value (0.816 mean; 0.822 without it, 0.734 with the miner
    # before issue 18, drain3 0.518), then tuned on (a logger's name is no label: consul;
    # a level's letter is no verb, variants of one saying are no reasons: ignition).
    "seventeenth_held_out": {
        "consul": 0.94,
        "dovecot": 0.90,
        "ignition_gateway": 0.88,
        "kepserverex": 0.93,
        "keycloak": 0.95,
    },
    # Written by a helper that did not read the miner; measured once at stop 35 with
    # 4abe396, before the last three changes of that stop (0.769 mean; 0.780 with the
    # grouping before that stop, 0.487 with the miner before issue 18, drain3 0.564), then
    # tuned on (variants of one saying are no reasons: codesys_runtime; a host's aside
    # before its address: exim).
    "eighteenth_held_out": {
        "codesys_runtime": 0.89,
        "exim": 0.47,
        "kuka_krc": 0.79,
        "networkmanager": 0.84,
        "prometheus": 0.96,
    },
    # Written by a helper that did not read the miner; measured once at stop 35 after every
    # rule of that stop but the last (0.524 mean, the same with the grouping before that
    # stop; 0.421 with the miner before issue 18, drain3 0.528), then tuned on (a PAM
    # module and the service it serves lead a message as a tag does: sssd; an outcome said
    # last after words: nav2_amr; a command typed at a prompt is one value: frr_routing).
    "nineteenth_held_out": {
        "frr_routing": 0.30,
        "grafana_server": 0.81,
        "nav2_amr": 0.83,
        "sinumerik_nck": 0.78,
        "sssd": 0.94,
    },
    # Written by a helper that did not read the miner; measured once at stop 36 with
    # ad8197c (0.799 mean; 0.611 with the miner before issue 18, drain3 0.725), then tuned
    # on (the first word of a logfmt message names its event: containerd 0.738 -> 1.000;
    # runs of fields are no reasons: powerdns_recursor 0.861 -> 0.963).
    "twentieth_held_out": {
        "containerd": 0.97,
        "coredns": 0.85,
        "omron_nj": 0.89,
        "opcua_client_gateway": 0.57,
        "powerdns_recursor": 0.94,
    },
    # Written by a helper that did not read the miner; measured once at stop 36 with
    # b288abc (0.769 mean, the same with ad8197c; 0.755 with the miner before issue 18,
    # drain3 0.537), then tuned on (the states on either side of an arrow are values:
    # mariadb_galera 0.707 -> 0.858; a function's name is no label: kamailio 0.761 -> 0.834;
    # what became of a value, said last, is the event: universal_robots 0.573 -> 0.825; a
    # status code's reason phrase is the code's: kamailio 0.846 -> 0.901).
    "twenty_first_held_out": {
        "fluent_bit": 0.93,
        "kamailio": 0.88,
        "mariadb_galera": 0.83,
        "universal_robots": 0.80,
        "wincc_oa": 0.81,
    },
    # Written by a helper that did not read the miner; measured once at stop 36 with
    # c3dd52e (0.770 mean, the same with ad8197c; 0.596 with the miner before issue 18,
    # drain3 0.684), not tuned on.
    "twenty_second_held_out": {
        "bacnet_gateway": 0.90,
        "ctrlx_core": 0.85,
        "ingress_nginx": 0.94,
        "netfilter_kernel": 0.82,
        "patroni": 0.93,
    },
    # Written by a helper that did not read the miner; measured once at stop 37 with
    # 2b482ab (0.555 mean; 0.506 with the miner before issue 18, drain3 0.409), then
    # tuned on (igh_ethercat, kea_dhcp4, nats_server).
    "twenty_third_held_out": {
        "igh_ethercat": 0.95,
        "kea_dhcp4": 0.98,
        "moveit_move_group": 0.95,
        "nats_server": 0.93,
        "samba_smbd": 0.77,
    },
    # Written by a helper that did not read the miner; measured once at stop 37 with
    # 951d36e (0.652 mean; 0.416 with the miner before issue 18, drain3 0.342), then
    # tuned on (clamav).
    "twenty_fourth_held_out": {
        "clamav": 0.97,
        "evcc": 0.81,
        "nagios_core": 0.74,
        "openhab": 0.89,
        "sendmail": 0.33,
    },
    # Written by a helper that did not read the miner; measured once at stop 37 with
    # e22a551 (0.740 mean; 0.582 with the miner before issue 18, drain3 0.442), then
    # tuned on (glusterfs, node_red).
    "twenty_fifth_held_out": {
        "clickhouse": 0.89,
        "glusterfs": 0.91,
        "node_red": 0.84,
        "ros2_control": 0.87,
        "strongswan": 0.66,
    },
    # Written by a helper that did not read the miner; measured once at stop 37 with
    # 59ff056 (0.740 mean; 0.429 with the miner before issue 18, drain3 0.548), then
    # tuned on (dnsmasq; a vendor's code heading a message names its event).
    "twenty_sixth_held_out": {
        "activemq_artemis": 0.93,
        "dnsmasq": 0.87,
        "klipper": 0.39,
        "krb5kdc": 0.96,
        "zigbee2mqtt": 0.90,
    },
    # Written by a helper that did not read the miner; measured once at stop 37 with
    # 05dc092 (0.731 mean; 0.587 with the miner before issue 18, drain3 0.504), then
    # tuned on (epics_ioc).
    "twenty_seventh_held_out": {
        "dirsrv_389": 0.57,
        "epics_ioc": 0.79,
        "f5_bigip_ltm": 0.53,
        "puppet_agent": 0.85,
        "ros_move_base": 0.96,
    },
    # Written by a helper that did not read the miner; measured once at stop 38 with
    # 7e4a6fc (0.694 mean; 0.693 with the code this stop began from, 0.500 with the miner
    # before issue 18, drain3 0.458).
    "twenty_eighth_held_out": {
        "asterisk_pbx": 0.70,
        "influxdb": 0.98,
        "mtconnect_agent": 0.80,
        "proftpd": 0.67,
        "telegraf_agent": 0.74,
    },
    # Written by a helper that did not read the miner; measured once at stop 38 with
    # 7e4a6fc (0.417 mean; 0.382 with the code this stop began from, 0.252 with the miner
    # before issue 18, drain3 0.389).
    "twenty_ninth_held_out": {
        "emqx_broker": 0.96,
        "home_assistant": 0.21,
        "linux_auditd": 0.82,
        "octoprint": 0.79,
        "smartd": 0.46,
    },
    # Written by a helper that did not read the miner; measured once at stop 38 with
    # 5b73431, after the rules found on the twenty-eighth and twenty-ninth sets (0.492
    # mean; 0.487 with the code this stop began from, 0.426 with the miner before issue
    # 18, drain3 0.369); a vendor's code heading a message names its event since.
    "thirtieth_held_out": {
        "fortigate": 0.43,
        "minio_server": 0.76,
        "proxmox_ve": 0.80,
        "sudo": 0.36,
        "wildfly": 0.89,
    },
    # Written by a helper that did not read the miner; measured once at stop 39 with
    # 44306b6 (0.380 mean; the same with the code this stop began from, 0.297 with the
    # miner before issue 18, drain3 0.234), then tuned on.
    "thirty_first_held_out": {
        "honeywell_experion": 0.05,
        "nut_ups": 0.90,
        "podman": 0.25,
        "varnish_cache": 0.54,
        "vsftpd": 0.89,
    },
    # Written by a helper that did not read the miner; measured once at stop 39 with
    # 699106c, after this stop's rules (0.396 mean; the same with the code this stop began
    # from, 0.281 with the miner before issue 18, drain3 0.244).
    "thirty_second_held_out": {
        "cronie": 0.96,
        "openvswitch": 0.81,
        "pfsense_filterlog": 0.10,
        "rundeck": 0.49,
        "siemens_desigo": 0.27,
    },
    # Written by a helper that did not read the miner; measured once at stop 39 with
    # 7e41014, after all of this stop's rules (0.826 mean; the same with the code this
    # stop began from, 0.717 with the miner before issue 18, drain3 0.621), then tuned on
    # (lldpd).
    "thirty_third_held_out": {
        "beats_filebeat": 0.91,
        "dhcpcd": 0.79,
        "lldpd": 0.59,
        "tinyproxy": 0.98,
        "trumpf_laser": 0.97,
    },
    # Written by a helper that did not read the miner; measured once at stop 40 with
    # fca9d3a, after this stop's two rules (0.573 mean; the same with the code this stop
    # began from, 0.420 with the miner before issue 18, drain3 0.290).
    "thirty_fourth_held_out": {
        "bird_routing": 0.49,
        "icinga2": 0.89,
        "juniper_junos": 0.53,
        "snmptrapd": 0.10,
        "wago_pfc": 0.91,
    },
    # Written by a helper that did not read the miner; measured once at stop 41 with
    # d0c9f7a, after this stop's first rule (0.716 mean; the same with the code this stop
    # began from, 0.595 with the miner before issue 18, drain3 0.366), then tuned on
    # (hostapd, multipathd).
    "thirty_fifth_held_out": {
        "apcupsd": 0.99,
        "hostapd": 0.74,
        "mikrotik_routeros": 0.61,
        "moxa_nport": 0.49,
        "multipathd": 0.95,
    },
    # Written by a helper that did not read the miner; measured once at stop 42 with the
    # code this stop began from, 256e2ec, before any change (0.629 mean, 0.502 with the
    # miner before issue 18, drain3 0.497).
    "thirty_sixth_held_out": {
        "bluetoothd": 0.76,
        "coturn": 0.97,
        "freeradius": 0.42,
        "mssql_errorlog": 0.68,
        "snort": 0.36,
    },
    # Written by a helper that did not read the miner; measured once at stop 43 with
    # b811de4, after that stop's first two rules (0.761 mean, the same with the code the
    # stop began from; 0.695 with the miner before issue 18, drain3 0.643), then tuned on
    # (a level's name is no verb: graylog_server 0.433 -> 0.924; Lua files are source
    # files: kong_gateway 0.604 -> 0.774; a unit's letter before a colon is a label:
    # heidenhain_tnc 0.833 -> 0.862).
    "thirty_seventh_held_out": {
        "avahi_daemon": 0.97,
        "graylog_server": 0.90,
        "heidenhain_tnc": 0.84,
        "kong_gateway": 0.75,
        "opendkim": 0.91,
    },
    # Written by a helper that did not read the miner; measured once at stop 43 with
    # d940798, after that stop's first eight rules (0.718 mean, the same with the code the
    # stop began from; 0.457 with the miner before issue 18, drain3 0.421), then tuned on
    # (fields a colon joins to their values make a record: teleport_auth 0.535 -> 0.702; a
    # level's name and a component's are no verb: aveva_system_platform 0.703 -> 0.861; an
    # optional field may stand between key=values: victoriametrics 0.704 -> 0.738; devices'
    # names may join parts by dashes: sshguard 0.874 -> 0.880).
    "thirty_eighth_held_out": {
        "aveva_system_platform": 0.84,
        "rsyslogd": 0.95,
        "sshguard": 0.86,
        "teleport_auth": 0.68,
        "victoriametrics": 0.72,
    },
    # Written by a helper that did not read the miner; measured once at stop 43 with
    # 7582450, after that stop's first twelve rules (0.615 mean, the same with the code
    # the stop began from; 0.425 with the miner before issue 18, drain3 0.430), then tuned
    # on (a command's options are one value: postgresql_pgbackrest 0.477 -> 0.569; the
    # quoted message after klog's header is its words: kubelet 0.690 -> 0.833; a vendor's
    # code heading messages names their event: cisco_asa 0.371 -> 0.960).
    "thirty_ninth_held_out": {
        "cisco_asa": 0.93,
        "kubelet": 0.81,
        "mitsubishi_melsec_gateway": 0.81,
        "postgresql_pgbackrest": 0.64,
        "zabbix_agent2": 0.68,
    },
    # Written by two helpers that did not read the miner (the second replaced a system an
    # earlier set had); measured once at stop 44 with c54c6fc, after that stop's first
    # rule (0.671 mean, the same with the code the stop began from; 0.525 with the miner
    # before issue 18, drain3 0.618), then tuned on (a method between a value and a path
    # is the request's: uwsgi 0.300 -> 0.915; a word leading the message after the header's
    # value is no label: gateway_stunnel 0.696 -> 0.844).
    "fortieth_held_out": {
        "gateway_stunnel": 0.82,
        "nsqd": 0.71,
        "open62541": 0.97,
        "proxysql": 0.60,
        "uwsgi": 0.89,
    },
    # Written by a helper that did not read the miner; measured once at stop 44 with
    # f64ed9e, after that stop's first four rules (0.722 mean, the same with the code the
    # stop began from; 0.678 with the miner before issue 18, drain3 0.641), then tuned on
    # (a peer's name and its colon end a line's header: drbd 0.205 -> 0.703).
    "forty_first_held_out": {
        "drbd": 0.68,
        "knot_dns": 0.97,
        "linuxcnc": 0.93,
        "linuxptp": 0.97,
        "solr": 0.44,
    },
    # Written by a helper that did not read the miner; measured once at stop 44 with
    # 995eafa, after that stop's rules up to the header's last value (0.797 mean, the same
    # with the code the stop began from; 0.675 with the miner before issue 18, drain3
    # 0.762), then tuned on (a vendor's code in angle brackets, and no run past a label's
    # bracket: weblogic_server 0.435 -> 0.940).
    "forty_second_held_out": {
        "couchdb": 0.86,
        "guacd": 0.97,
        "openplc_runtime": 0.72,
        "wazuh_manager": 0.95,
        "weblogic_server": 0.91,
    },
    # Written by a helper that did not read the miner; measured once at stop 44 with
    # def61d2, after every rule of that stop but the last (0.777 mean; 0.770 with the
    # code the stop began from, 0.538 with the miner before issue 18, drain3 0.378), then
    # tuned on (a level's name labels no value: open5gs_amf 0.705 -> 0.933; the one word
    # after a header ending in a square tag is the message: knxd 0.733 -> 0.997; a path
    # with spaces is one value: borgmatic_borg 0.448 -> 0.991).
    "forty_third_held_out": {
        "borgmatic_borg": 0.97,
        "ibm_mq": 0.97,
        "knxd": 0.97,
        "open5gs_amf": 0.90,
        "zookeeper": 0.97,
    },
    # Written by a helper that did not read the miner; measured once at stop 44 with
    # 9ece053, after every rule of that stop (0.740 mean, the same with the code the stop
    # began from; 0.575 with the miner before issue 18, drain3 0.557).
    "forty_fourth_held_out": {
        "celery_worker": 0.98,
        "cockroachdb": 0.77,
        "crowdsec": 0.68,
        "phoenix_plcnext": 0.82,
        "tailscaled": 0.72,
    },
    # Written by a helper that did not read the miner; measured once at stop 45 with
    # d14ea9e, the code the stop began from (0.626 mean; 0.593 with the miner before
    # issue 18, drain3 0.600).
    "forty_fifth_held_out": {
        "br_automation_runtime": 0.90,
        "dnsdist": 0.76,
        "ejabberd": 0.69,
        "nginx_unit": 0.56,
        "rsyncd": 0.78,
    },
    # Written by a helper that did not read the miner; measured once at stop 45 with
    # 4b771be, after the rules of that stop (0.590 mean, the same with the code the stop
    # began from; 0.340 with the miner before issue 18, drain3 0.574).
    "forty_sixth_held_out": {
        "gpsd": 0.97,
        "jetty_server": 0.94,
        "libreswan_pluto": 0.83,
        "vernemq": 0.70,
        "yaskawa_motoman": 0.85,
    },
    # Written by a helper that did not read the miner; measured once at stop 46 with the
    # code that stop began from, 23fa4d8 (0.753 mean; 0.719 with the miner before issue 18,
    # drain3 0.571).
    "forty_seventh_held_out": {
        "ardupilot": 0.77,
        "open_liberty": 0.99,
        "opensmtpd": 0.77,
        "php_fpm": 0.99,
        "tasmota": 0.90,
    },
    # Written by a helper that did not read the miner; measured once at stop 46 with
    # 7c132f5, after that stop's first rules (0.866 mean, the same with the code the stop
    # began from; 0.554 with the miner before issue 18, drain3 0.602).
    "forty_eighth_held_out": {
        "esphome": 0.89,
        "flink": 0.43,
        "loki": 0.99,
        "marlin": 0.99,
        "ntpd": 0.99,
    },
    # Written by a helper that did not read the miner; measured once at stop 46 with
    # 52deecf, after every rule of that stop (0.855 mean, the same with the code the stop
    # began from; 0.652 with the miner before issue 18, drain3 0.550).
    "forty_ninth_held_out": {
        "forte_4diac": 0.98,
        "gunicorn": 0.58,
        "iobroker": 0.94,
        "modemmanager": 0.75,
        "ocserv": 0.99,
    },
    # Written by a helper that did not read the miner; measured once at stop 47 with
    # ce9825e, the code the stop began from (0.786 mean, the same after the stop's first
    # rules, 358e5e4; 0.597 with the miner before issue 18, drain3 0.706).
    "fiftieth_held_out": {
        "cilium_agent": 0.99,
        "pgpool": 0.71,
        "rails_production": 0.87,
        "scalance_switch": 0.49,
        "zephyr_nrf91": 0.97,
    },
    # Written by a helper that did not read the miner; measured once at stop 47 with
    # e6e58d4, after the stop's rules found on older sets (0.485 mean, the same with the
    # code the stop began from; 0.272 with the miner before issue 18, drain3 0.379).
    "fifty_first_held_out": {
        "falco": 0.99,
        "hbase": 0.93,
        "odoo": 0.41,
        "sinamics_drive": 0.0,
        "wireguard_kernel": 0.99,
    },
    # Written by a helper that did not read the miner; measured once at stop 47 with
    # b64f74e, after the stop's rules (0.684 mean, the same with the code the stop began
    # from; 0.544 with the miner before issue 18, drain3 0.437).
    "fifty_second_held_out": {
        "abb_irc5": 0.99,
        "jupyterhub": 0.34,
        "pppd": 0.95,
        "rocksdb": 0.84,
        "xorg": 0.48,
    },
    # Written by a helper that did not read the miner; measured once at stop 47 with
    # 166661d, after the stop's rules (0.770 mean, 0.765 with the code the stop began
    # from; 0.594 with the miner before issue 18, drain3 0.648).
    "fifty_third_held_out": {
        "aerospike": 0.85,
        "cloud_init": 0.72,
        "esp_idf": 0.91,
        "freeswitch": 0.92,
        "tor": 0.89,
    },
    # Written by a helper that did not read the miner; measured once at stop 47 with
    # e2a065c, after the stop's rules (0.523 mean, the same with the code the stop began
    # from; drain3 0.480).
    "fifty_fourth_held_out": {
        "argocd": 0.92,
        "caddy": 0.34,
        "htcondor": 0.91,
        "rclone": 0.03,
        "spamd": 0.40,
    },
    # Written by a helper that did not read the miner; measured once at stop 48 with
    # 9dea26e, the code the stop began from (0.679 mean; 0.478 with the miner before
    # issue 18, drain3 0.489).
    "fifty_fifth_held_out": {
        "aspnet_core": 0.75,
        "certbot": 0.88,
        "hazelcast": 0.84,
        "lora_pkt_fwd": 0.95,
        "mumble_server": 0.33,
    },
    # Written by a helper that did not read the miner; measured once at stop 48 with
    # 78b9a7b, after the stop's rules (0.753 mean, the same with the code the stop began
    # from; 0.577 with the miner before issue 18, drain3 0.607).
    "fifty_sixth_held_out": {
        "openocd": 0.92,
        "pm2": 0.70,
        "rtpengine": 0.81,
        "salt_minion": 0.88,
        "tikv": 0.94,
    },
    # Written by a helper that did not read the miner; measured once at stop 48 with
    # 630fce4, after the stop's rules (0.619 mean, the same with the code the stop began
    # from; 0.593 with the miner before issue 18, drain3 0.595).
    "fifty_seventh_held_out": {
        "backuppc": 0.48,
        "contiki_ng": 0.76,
        "django": 0.48,
        "janus_gateway": 0.87,
        "lustre": 0.80,
    },
    # Written by a helper that did not read the miner; measured once at stop 48 with
    # 983f97e, after the stop's rules (0.586 mean, the same with the code the stop began
    # from; 0.594 with the miner before issue 18, drain3 0.377).
    "fifty_eighth_held_out": {
        "bazel": 0.34,
        "monit": 0.63,
        "orthanc": 0.50,
        "pulsar_broker": 0.75,
        "rspamd": 0.70,
    },
    # Written by a helper that did not read the miner; measured once at stop 48 with
    # 78a1dbb, after the stop's rules (0.781 mean, the same with the code the stop began
    # from; 0.619 with the miner before issue 18, drain3 0.643).
    "fifty_ninth_held_out": {
        "arangodb": 0.96,
        "cowrie": 0.80,
        "mender_client": 0.90,
        "sidekiq": 0.83,
        "tinc_vpn": 0.90,
    },
    # Written by a helper that did not read the miner; measured once at stop 48 with
    # f6bb9ad, after the stop's rules (0.840 mean, the same with the code the stop began
    # from; 0.637 with the miner before issue 18, drain3 0.569).
    "sixtieth_held_out": {
        "hotspot_gc": 0.84,
        "lxd_daemon": 0.99,
        "neo4j": 0.99,
        "privoxy": 0.92,
        "rauc": 0.69,
    },
    # Written by a helper that did not read the miner; measured once at stop 49 with
    # 409f671, the code the stop began from (0.768 mean; 0.587 with the miner before
    # issue 18, drain3 0.453).
    "sixty_first_held_out": {
        "aruba_procurve_switch": 0.92,
        "matrix_synapse": 0.56,
        "minecraft_paper": 0.70,
        "px4_autopilot": 0.90,
        "velero": 0.73,
    },
    # Written by a helper that did not read the miner; measured once at stop 49 with
    # 3751820, the code the stop began from but for the sixty-first set (0.595 mean; 0.364
    # with the miner before issue 18, drain3 0.440).
    "sixty_second_held_out": {
        "crio": 0.99,
        "ebusd": 0.20,
        "jellyfin": 0.99,
        "syncthing": 0.67,
        "udisks2": 0.44,
    },
    # Written by a helper that did not read the miner; measured once at stop 49 with
    # fa702ae (0.779 mean; 0.316 with the miner before issue 18, drain3 0.341).
    "sixty_third_held_out": {
        "amavis": 0.67,
        "boinc_client": 0.75,
        "lighttpd": 0.61,
        "openpbs": 0.85,
        "teamspeak3_server": 0.99,
    },
    # Written by a helper that did not read the miner; measured once at stop 49 with
    # 1a2c2ea (0.662 mean; 0.439 with the miner before issue 18, drain3 0.356). Two
    # systems: the three others its helper wrote repeat earlier sets' software.
    "sixty_fourth_held_out": {
        "ipmi_sel": 0.36,
        "open_iscsi": 0.96,
    },
    # Written by a helper that did not read the miner; measured once at stop 49 with
    # fa702ae (0.744 mean; 0.688 with the miner before issue 18, drain3 0.349).
    "sixty_fifth_held_out": {
        "dbus_daemon": 0.53,
        "huawei_vrp": 0.99,
        "linux_md_raid": 0.55,
        "sonicwall_sonicos": 0.98,
        "traccar_server": 0.65,
    },
    # Written by a helper that did not read the miner; measured once at stop 50 with
    # e9d35d4 (0.401 mean; 0.267 with the miner before issue 18, drain3 0.262).
    "sixty_sixth_held_out": {
        "cyrus_imapd": 0.62,
        "docker_registry": 0.46,
        "logstash": 0.60,
        "plex_media_server": 0.47,
        "srcds_csgo": 0.71,
    },
    # Written by a helper that did not read the miner; measured once at stop 50 with
    # e9d35d4 (0.632 mean; 0.617 with the miner before issue 18, drain3 0.374).
    "sixty_seventh_held_out": {
        "arista_eos": 0.79,
        "grbl": 0.43,
        "linux_usb_kernel": 0.79,
        "netapp_ontap": 0.98,
        "zwave_js": 0.29,
    },
}
LABELLED_SYSTEMS = [
    (labelled_set, system)
    for labelled_set, floors in sorted(LABELLED_GA_FLOORS.items())
    for system in sorted(floors)
]


# The miner's pass over each labelled system, made once for the two tests below: the
# accuracy test keeps it here and the restore test, which runs after it, takes it on.
_FIRST_PASSES: dict[tuple[str, str], tuple[list[str], float, TemplateMiner]] = {}


def labelled_first_pass(labelled_set: str, system: str) -> tuple[list[str], float, TemplateMiner]:
    """The system's messages, their grouping accuracy and the miner that grouped them."""
    messages, events = labelled_sample(GROUPING_DATA / labelled_set / f"{system}.csv")
    miner = TemplateMiner()
    return messages, grouping_accuracy(keys_of(messages, miner), events), miner


@pytest.mark.parametrize(("labelled_set", "system"), LABELLED_SYSTEMS)
def test_grouping_accuracy_on_our_labelled_logs(labelled_set: str, system: str) -> None:
    first_pass = _FIRST_PASSES[labelled_set, system] = labelled_first_pass(labelled_set, system)
    assert first_pass[1] >= LABELLED_GA_FLOORS[labelled_set][system]


@pytest.mark.parametrize(("labelled_set", "system"), LABELLED_SYSTEMS)
def test_restored_templates_send_our_labelled_logs_where_they_went(
    labelled_set: str, system: str
) -> None:
    # Templates with bracketed phrases, spanning `<*>` and routes, split at their spaces
    # and grouped again on restore, must take the messages that made them; and every
    # template keeps the messages it took, so a second pass changes nothing.
    first_pass = _FIRST_PASSES.pop((labelled_set, system), None)
    messages, _, before = first_pass or labelled_first_pass(labelled_set, system)
    again = [before.add(message) for message in messages]
    assert not any(match.created or match.template_changed for match in again)
    expected = [match.cluster.key for match in again]

    after = TemplateMiner()
    for cluster in before.clusters():
        after.restore(cluster.template, cluster.key)
    matches = [after.add(message) for message in messages]
    assert [match.cluster.key for match in matches] == expected
    assert not any(match.created or match.template_changed for match in matches)


def test_lines_of_marks_and_one_word_are_as_many_events_as_words() -> None:
    # The LoRa packet forwarder heads each part of its report with a line of its own: no
    # value, one word, and however many parts there are, each is its own statement.
    headers = ["### [UPSTREAM] ###", "### [DOWNSTREAM] ###", "### [JIT] ###", "### [GPS] ###"]
    assert len(set(keys_of(headers * 2))) == 4
    # With a value, the word may be one as well: a frontend's name in HAProxy's lines.
    lines = [f"### [{name}] {n} ###" for n, name in enumerate(["fe_a", "fe_b", "fe_c"])]
    assert len(set(keys_of(lines))) == 1


def test_a_method_before_a_whole_url_is_a_value() -> None:
    # ASP.NET Core's HttpClient and hosting lines: the request's method and URL are its
    # values, where a route alone keeps its method (it names an endpoint).
    sent = [
        f"Sending HTTP request {method} https://api.example.com/v1/{path}"
        for method, path in [("GET", "email"), ("POST", "token"), ("GET", "users/7")]
    ]
    assert len(set(keys_of(sent))) == 1
    assert mask("Handler for GET /v1.47/containers/json")[2] == "GET"


def test_a_name_and_its_run_in_brackets_is_a_tag_that_leads_the_line() -> None:
    # The JVM's unified logging tags each line of one collection "GC(898)"; the first word
    # after it names the line, as after a tag in square brackets.
    regions = ["Eden", "Survivor", "Old", "Humongous"]
    lines = [f"GC({n}98) {region} regions: {n}->0({n}33)" for n in range(3) for region in regions]
    assert len(set(keys_of(lines))) == len(regions)


def test_a_level_after_a_header_of_fields_does_not_label_the_message() -> None:
    # Sidekiq: "pid=7 tid=29d9m INFO: Bye!": the level's colon does not make what follows
    # a value of several words; each message is its own event.
    messages = [
        "Bye!",
        "Shutting down",
        "Scheduler exiting...",
        "Pausing to allow jobs to finish...",
    ]
    lines = [
        f"pid={n} tid={tid} INFO: {message}"
        for n, tid in enumerate(["29d9m", "3rxzx", "hbemw", "cmxc3"])
        for message in messages
    ]
    assert len(set(keys_of(lines))) == len(messages)


def test_a_level_after_a_tag_does_not_label_the_message() -> None:
    # Syncthing: "[LYXKC] INFO: Device <id> is "thinkpad-x1" at [dynamic]": after the tag
    # that names the device speaking, as at the start of a line, a level's colon labels
    # nothing, and three messages that share it and "at" are three events, not one value
    # of words ("[LYXKC] INFO: <*> at <*>").
    lines = [
        "[LYXKC] INFO: Established secure connection to X3YDH7K-LPQ2W6N-C5AZ4TE at "
        "192.168.10.5:38074-51.158.12.18:22067/relay-client/TLS1.3-TLS_AES_128_GCM_SHA256",
        '[LYXKC] INFO: Device N4FWB2S-6XKTQ3A-HM7ZCPE client is "syncthing v1.27.3" named '
        '"Pixel 7" at 192.168.10.5:22000-192.168.10.41:54876/quic-server/TLS1.3',
        '[LYXKC] INFO: Device 7QJ3KZC-VY5WN2H-ZT4M6EA is "thinkpad-x1" at [dynamic]',
    ]
    assert len(set(keys_of(lines))) == len(lines)


def test_the_reason_after_because_of_or_due_to_is_a_value() -> None:
    # Janus says why it hung up a PeerConnection in a few words after "because of a",
    # as a label would introduce them.
    reasons = ["DTLS alert", "ICE failed", "Close PC", "Gateway shutdown", "Detach"]
    hung_up = [
        f"[{n}720135846338615] Hanging up PeerConnection because of a {reason}"
        for n, reason in enumerate(reasons)
    ]
    assert len(set(keys_of(hung_up))) == 1
    refused = [
        f"can't register client c{n} with username u{n} due to {reason}"
        for n, reason in enumerate(["not ready", "quota exceeded", "session taken over"])
    ]
    assert len(set(keys_of(refused))) == 1


def test_the_words_of_routes_name_their_endpoints() -> None:
    # A `<*>` segment of a route takes ids, not words: "/web/<*>" would not take "login"
    # the next time it came (a second pass, a restart), so "/web/login", "/web/session"
    # and "/web/assets" stay three endpoints however many there are.
    def served(route: str, n: int) -> str:
        return f'werkzeug: 10.0.0.{n} - - [02/May/2024 03:04:3{n}] "GET {route} HTTP/1.1" 200 - {n}'

    routes = ["/web/login", "/web/session", "/web/assets", "/web/login", "/web/action"]
    miner = TemplateMiner()
    first = [miner.add(served(route, n)) for n, route in enumerate(routes)]
    assert len({match.cluster.key for match in first}) == 4
    again = [miner.add(served(route, n)) for n, route in enumerate(routes)]
    assert not any(match.created or match.template_changed for match in again)


def test_a_route_of_words_is_not_merged_into_a_template_that_would_not_take_it_again() -> None:
    # "/acme/<*>" takes "/acme/cert/<*>" and "/acme/order/<*>/<*>" but not the word of
    # "/acme/new-acct": merged, that message would start a cluster the next time it came,
    # on a second pass and after a restart.
    routes = [
        "/acme/chall-v3/36193494457/Ab3xQw",
        "/acme/cert/3dfdcb27782533db031832fc63471684fb04",
        "/acme/new-acct",
        "/acme/order/464314553/21767794169",
        "/acme/cert/1b60936c462bb3a62434501fa1f6f5bb762b",
    ]
    messages = [
        f'https://acme-v02.api.letsencrypt.org:443 "GET {route} HTTP/1.1" 200 {n}'
        for n, route in enumerate(routes)
    ]
    miner = TemplateMiner()
    for message in messages:
        miner.add(message)
    again = [miner.add(message) for message in messages]
    assert not any(match.created or match.template_changed for match in again)

    restarted = TemplateMiner()
    for cluster in miner.clusters():
        restarted.restore(cluster.template, cluster.key)
    restored = [restarted.add(message).cluster.key for message in messages]
    assert restored == [match.cluster.key for match in again]


def test_a_clause_after_a_last_value_and_its_colon_is_another_statement() -> None:
    # ISC dhcpd says why it could not serve a DISCOVER after the relay's address; BGL's
    # kernel says why a message was bad after the reason's number.
    plain = [f"DHCPDISCOVER from 92:b2:fe:cb:3b:{n}1 via eth{n}" for n in range(4)]
    refused = [
        f"DHCPDISCOVER from 2e:62:6a:21:45:{n}5 via 172.16.40.{n}: network VLAN{n}: no free leases"
        for n in range(4)
    ]
    keys = keys_of([*plain, *refused])
    assert len(set(keys[:4])) == 1
    assert not set(keys[:4]) & set(keys[4:])
    # After a label the text is the label's value, whatever its shape.
    errors = [f"backup failed: error: {text}" for text in ("disk full", "10.0.0.1: refused")]
    assert len(set(keys_of([*errors, "backup failed: error: quota exceeded now"]))) == 1


def test_a_template_whose_first_word_comes_later_takes_the_names_it_spans() -> None:
    # A merge can leave `<*>` where its messages had a word ("<*> <*> ALARM High <*>
    # Level" of "PVHI", "DEVLO", ...): restored, it still takes them, names and all.
    miner = TemplateMiner()
    miner.restore("<*> <*> ALARM High <*> Level <*>", "k1")
    match = miner.add("U100 PVHI ALARM High Reflux Drum Level 16.9")
    assert (match.cluster.key, match.created) == ("k1", False)


def test_grouping_accuracy_on_hand_written_messages() -> None:
    messages, events = invented_sample(3000, seed=1)
    assert grouping_accuracy(keys_of(messages), events) >= 0.93


def test_a_phrase_in_a_phrase_is_one_token_however_many_words_its_value_had():
    # The seventh set's elasticsearch lines: the outer phrase was too long to be one token
    # while its inner reason was words, and one token once the reason was a `<*>`, so a
    # restart split the template into other tokens than the messages had.
    reasons = (
        "merge failed because the disk on the data node ran out of space again",
        "engine closed while the shard was being recovered from its primary copy",
        "lucene index corrupted after a checksum mismatch on segment files",
        "translog truncated during a flush that the node did not finish",
    )
    messages = [
        f"failing shard [failed shard, shard [logs-{n}][{n}], node[n{n}x], [P], "
        f"message [shard failure, reason [{reason}]], markAsStale [true]]"
        for n, reason in enumerate(reasons)
    ]
    miner = TemplateMiner()
    keys_of(messages, miner)
    keys = [miner.add(message).cluster.key for message in messages]

    restarted = TemplateMiner()
    for cluster in miner.clusters():
        restarted.restore(cluster.template, cluster.key)
    assert [restarted.add(message).cluster.key for message in messages] == keys


def test_a_restored_generalized_template_still_takes_its_messages():
    miner = TemplateMiner()
    messages = [
        f"upstream returned HTTP 502 for {method} /api/v1/orders in 30ms request_id=ab12"
        for method in ("GET", "POST", "DELETE", "PUT")
    ]
    keys = {miner.add(message).cluster.key for message in messages[:3]}
    (survivor,) = [c for c in miner.clusters() if c.key in keys]
    assert "<*> <*>" in survivor.template

    restarted = TemplateMiner()
    restored = restarted.restore(survivor.template, survivor.key)
    assert restored.template == survivor.template
    for message in messages:
        assert restarted.add(message).cluster.key == survivor.key


def test_a_phrase_in_brackets_that_generalizes_stays_one_token_on_restore():
    # Zigbee2MQTT's nested errors share their two ends; what a template keeps around its
    # `<*>` must open as many brackets as it closes, or the restored template splits into
    # words that no message has ("(Error: Bind <*> <*>))" read as four tokens).
    phrases = [
        "(Error: Bind <*> genOnOff from '<*>' failed (Data request failed: '<*>' (<*>)))",
        "(Error: Bind <*> genPowerCfg from '<*>' failed (Delivery failed for '<*>'.))",
        "(Error: Bind <*> hvacThermostat from '<*>' failed (Timeout after <*>))",
    ]
    shape = miner_module._common_shape(phrases)
    assert shape.count("(") == shape.count(")")
    assert masking.template_tokens(f"attempt <*> {shape}") == ("attempt", "<*>", shape)


def test_a_value_that_leaves_a_bracket_open_keeps_it_for_the_word_that_closes_it() -> None:
    # cron's "CMD (pg_dump ... -f /backup/db-$(date +%F).dump)": the path opens a bracket
    # that a later word closes. Masked whole, its bracket would be gone, the command's
    # phrase in brackets would no longer close, and its words would be tokens of their
    # own, which the template the other commands made, "(<*>) CMD (<*>)", does not cover.
    message = "(root) CMD (/usr/bin/pg_dump -Fc billing -f /backup/billing-$(date +%F).dump)"
    assert mask(message) == ("(root)", "CMD", "(<*> -Fc billing -f <*>( +%F).dump)")
    assert miner_module.covers(("(<*>)", "CMD", "(<*>)"), mask(message))
    # Nor a closing one: Tomcat's thread "[ehcache [___DEFAULT___]-16]" is one phrase.
    thread = "thread named [ehcache [___DEFAULT___]-16] but has failed to stop it."
    assert mask(thread)[2] == "[ehcache [<*>]]"
    # A value whose brackets close in the same token gives none back.
    assert mask("ws=WorkSource{42}, uid=1000") == ("ws=<*>,", "uid=<*>")
    assert mask("by LOGIN(uid=0) now") == ("by", "LOGIN(uid=<*>)", "now")
    assert mask("[L3_LABELER]Program:P30_Labeler.GlueTemp LO")[0] == "[<*>"
    # Nor does an Erlang process in angle brackets after its socket's kind (ejabberd).
    assert mask("(tls|<0.1562.0>) Closing session")[0] == "(<*>)"
    assert mask("(<0.1562.0>) Closing session")[0] == "(<<*>>)"


def test_a_name_before_a_path_in_brackets_is_no_part_of_the_path() -> None:
    # keepalived's "url(/api/ping)" and Dovecot's "sql(user,ip,</session/id>)" name what
    # the value in brackets is, as "url(/status)" does with one slash.
    assert "url(<*>)," in mask("error to [10.0.0.1]:tcp:80 url(/api/ping), status_code [503].")
    assert "url(<*>)," in mask("error to [10.0.0.1]:tcp:80 url(/status), status_code [503].")
    assert mask("sql(c.dubois@example.com,2001:db8::f1c6,</QAq/QAqMa>): unknown user")[0] == (
        "sql(<*>):"
    )
    assert mask("open lib/app/main.py now") == ("open", "<*>", "now")


def test_a_quoted_phrase_holds_the_items_quoted_inside_its_brackets() -> None:
    # Zabbix quotes an item's key, which may quote its own arguments: the phrase closes at
    # the quote after its bracket, not at the first quote inside it.
    nested = (
        'item "db01:perf_counter_en["\\Processor Information(_total)\\% Time"]" became supported'
    )
    assert mask(nested) == ("item", '"<*>"', "became", "supported")
    assert mask('item "Zabbix server:mysql.status["localhost","3306"]" became supported') == (
        "item",
        '"<*>"',
        "became",
        "supported",
    )
    # Quotes glued to a call's brackets still pair in order, and a bracket a phrase leaves
    # open to the end pairs every quote as before.
    assert mask('Executing Set("Local/1019@from-queue;1", "__RINGTIMER=15") in new stack') == (
        "Executing",
        'Set("<*>",',
        '"<*>")',
        "in",
        "new",
        "stack",
    )
    assert mask('set "a (b" to "c d" now') == ("set", '"<*>"', "to", '"<*>"', "now")


def test_a_quoted_phrase_holds_a_phrase_quoted_inside_it() -> None:
    # vsftpd quotes its reply, which quotes a directory; Asterisk quotes an argument that
    # quotes a caller's name. Quotes that open follow a space, quotes that close precede
    # one.
    reply = 'FTP response: Client "::ffff:10.0.0.1", "257 "/home/bob/out" is the current directory"'
    assert mask(reply) == mask('FTP response: Client "::ffff:10.0.0.2", "550 Permission denied."')
    noop = 'NoOp("Local/1002@from-queue;2", "Incoming call from "Anna Keller" <0152>") in new stack'
    assert mask(noop) == ('NoOp("<*>",', '"<*>")', "in", "new", "stack")
    # Quotes of no such place pair in order, as before.
    assert mask('a "b c" d "e f" g') == ("a", '"<*>"', "d", '"<*>"', "g")
    # In single quotes too, and where the inner phrase closes with the outer one
    # (fail2ban's "stderr: 'ERROR: Could not find a profile matching 'Postfix''").
    assert mask("abc -- stderr: 'ERROR: Could not find a profile matching 'Postfix''") == (
        "abc",
        "--",
        "stderr:",
        "'<*>'",
    )


@pytest.mark.parametrize("with_field_first", [True, False])
def test_a_labelled_field_among_others_may_be_there_or_not(with_field_first: bool) -> None:
    # EMQX prints a client's user name when it has one: between two other fields it is
    # optional, whichever shape comes first and whatever the name.
    def line(index: int, user: str | None) -> str:
        username = f"username: {user}, " if user else ""
        return (
            f"[warning] clientid: sensor-{index}, msg: dropped_msg_due_to_mqueue_is_full, "
            f"peername: 10.0.0.{index}:4{index}21, {username}topic: t/{index}, payload: on"
        )

    with_user = [line(i, user) for i, user in enumerate(["fleet", "telegraf", "fleet", "ha"])]
    without = [line(i + 10, None) for i in range(4)]
    lines = [*with_user, *without] if with_field_first else [*without, *with_user]
    assert len(set(keys_of(lines))) == 1

    # In a record of key=value fields the fields it has are what it is: Keycloak's
    # CODE_TO_TOKEN_ERROR has a code_id among its fields, its other errors have none.
    def event(index: int, code: bool) -> str:
        code_id = f'code_id="{index:08x}-77", ' if code else ""
        return (
            f'[events] (executor-thread-{index}) type="{("LOGIN_ERROR", "X")[code]}", '
            f'realmId="{index:08x}", realmName="corp", clientId="app{index % 5}", '
            f'userId="{index:04x}-aa", ipAddress="10.0.0.{index}", error="e{index % 4}", '
            f'grant_type="authorization_code", {code_id}client_auth_method="client-secret"'
        )

    records = [event(index, code=index % 2 == 0) for index in range(12)]
    assert len(set(keys_of(records))) == 2


@pytest.mark.parametrize("tagged_first", [True, False])
def test_a_tag_among_those_that_lead_a_line_may_be_there_or_not(tagged_first: bool) -> None:
    # vsftpd names the user in a second tag once one has logged in; Suricata tags the
    # packets it dropped.
    users = ["ftpuser", "alice", "deploy", "bob"]
    tagged = [
        f'[pid {4000 + i}] [{user}] FTP command: Client "::ffff:10.0.0.{i}", "PASV"'
        for i, user in enumerate(users)
    ]
    bare = [f'[pid {5000 + i}] FTP command: Client "::ffff:10.0.1.{i}", "QUIT"' for i in range(4)]
    lines = [*tagged, *bare] if tagged_first else [*bare, *tagged]
    assert len(set(keys_of(lines))) == 1
    dropped = (
        "[Drop] [**] [1:2403300:90601] ET CINS Poor Reputation IP [**] {TCP} 10.0.0.9 -> 10.0.0.1"
    )
    alerts = [dropped, dropped.removeprefix("[Drop] ").replace("9 ->", "7 ->")]
    assert len(set(keys_of(alerts if tagged_first else alerts[::-1]))) == 1
    # A tag is no word of the message: "Ban <*>" and "Unban <*>" stay two events.
    assert len(set(keys_of(["[sshd] Ban 10.0.0.1", "Unban 10.0.0.2"]))) == 2


@pytest.mark.parametrize("aside_first", [True, False])
def test_an_aside_after_a_value_may_be_there_or_not(aside_first: bool) -> None:
    # Exim adds the name a client greeted with, in brackets, where it differs from the
    # one its address has; the rejection is one event either way.
    def line(host: str, helo: str | None, i: int) -> str:
        aside = f" ({helo})" if helo else ""
        return (
            f"H={host}{aside} [10.0.{i}.7]:4{i}21 F=<a{i}@example.org> rejected RCPT "
            f"<office@example.de>: relay not permitted"
        )

    with_aside = [line(f"mx{i}.example.net", f"pc-{i}x", i) for i in range(4)]
    without = [line(f"mail{i}.example.com", None, i + 5) for i in range(4)]
    lines = [*with_aside, *without] if aside_first else [*without, *with_aside]
    assert len(set(keys_of(lines))) == 1
    # At the end of a line too, after a value: Proxmox adds the node a service moved to.
    states = ["started", "stopped", "migrate", "relocate"]
    moved = [
        f"service 'vm:10{i}': state changed from '{state}' to 'stopped'  (node = pve{i})"
        for i, state in enumerate(states)
    ]
    stayed = [
        f"service 'ct:41{i}': state changed from '{state}' to 'started'"
        for i, state in enumerate(states)
    ]
    assert len(set(keys_of([*moved, *stayed] if aside_first else [*stayed, *moved]))) == 1
    # Not after a word: Loghub labels the PCI probe of one bus an event of its own.
    probes = ["PCI: Probing PCI hardware (bus 00)", "PCI: Probing PCI hardware"]
    assert len(set(keys_of(probes if aside_first else probes[::-1]))) == 2


@pytest.mark.parametrize("value_first", [True, False])
def test_a_value_between_two_words_may_be_left_out(value_first: bool) -> None:
    # Sinumerik names the block an alarm came from when there is one.
    numbered = [
        f"12080 Channel {i % 2 + 1} block N{880 + i} syntax error in text" for i in range(4)
    ]
    unnumbered = [f"12080 Channel {i % 2 + 1} block syntax error in text" for i in range(4)]
    lines = [*numbered, *unnumbered] if value_first else [*unnumbered, *numbered]
    assert len(set(keys_of(lines))) == 1
    # Not where the template has a value for the word before it: "port 22 is open" is not
    # "<host> is open" without its value, the word taken for the host.
    opened = ["10.0.0.1 is open", "10.0.0.2 is open", "port 22 is open", "port 443 is open"]
    assert len(set(keys_of(opened if value_first else opened[::-1]))) == 2


@pytest.mark.parametrize("forwarded_first", [True, False])
def test_a_labelled_field_between_key_values_may_be_left_out(forwarded_first: bool) -> None:
    # VictoriaMetrics names the client a proxy forwarded for, when there was a proxy.
    def line(i: int, forwarded: bool) -> str:
        proxy = f' X-Forwarded-For: "10.10.4.{i}",' if forwarded else ""
        return (
            f'slow query according to -search.logSlowQueryDuration=5s: remoteAddr="10.0.{i}.1:'
            f'5{i}215",{proxy} duration={i}.059 seconds; requestURI: "/api/v1/query?x={i}"'
        )

    forwarded = [line(i, True) for i in range(4)]
    direct = [line(i + 4, False) for i in range(4)]
    lines = [*forwarded, *direct] if forwarded_first else [*direct, *forwarded]
    assert len(set(keys_of(lines))) == 1


@pytest.mark.parametrize("named_first", [True, False])
def test_a_value_between_two_like_separators_may_be_left_out(named_first: bool) -> None:
    # NATS names a client, in quotes, between the dashes of its prefix when the client
    # gave a name.
    named = [
        f'[DBG] 10.0.{i}.5:4{i}22 - cid:{i}7 - "app-{i}x" - Client Ping Timer' for i in range(4)
    ]
    unnamed = [f"[DBG] 10.0.{i}.9:5{i}22 - cid:{i}9 - Client Ping Timer" for i in range(4)]
    lines = [*named, *unnamed] if named_first else [*unnamed, *named]
    assert len(set(keys_of(lines))) == 1
    # A word there is part of what the line says: two events.
    worded = ["job 4 - build - started", "job 5 - started"]
    assert len(set(keys_of(worded if named_first else worded[::-1]))) == 2


@pytest.mark.parametrize("summed_first", [True, False])
def test_a_word_and_value_that_end_a_line_after_a_value_may_be_left_out(
    summed_first: bool,
) -> None:
    # pgBackRest ends a copied file's line with its checksum when it computed one.
    summed = [
        f"P0{i} DETAIL: backup file /var/lib/pgsql/16/data/base/{i}63/{i}1 ({i}B, {i}.5%) "
        f"checksum {i}f0141301ff7f21216a591f4d1484c93bdb39a6{i}"
        for i in range(4)
    ]
    plain = [
        f"P0{i} DETAIL: backup file /var/lib/pgsql/16/data/base/{i}84/{i}2 ({i}B, {i}.7%)"
        for i in range(4, 8)
    ]
    lines = [*summed, *plain] if summed_first else [*plain, *summed]
    assert len(set(keys_of(lines))) == 1
    # A word that relates the last value to the event says more: openHAB's group changed
    # "through" a member is an event of its own.
    related = [
        f"[INFO ] [hab.event.GroupItemStateChangedEvent] - Item 'gPower{i}' changed from "
        f"{i}.3 W to {i}.4 W through {member}"
        for i, member in enumerate(["PV_Inverter", "Battery", "Grid_Meter", "Heat_Pump"])
    ]
    unrelated = [
        f"[INFO ] [openhab.event.ItemStateChangedEvent ] - Item 'Door{i}' changed from "
        f"{i}.1 W to {i}.2 W"
        for i in range(4, 8)
    ]
    lines = [*related, *unrelated] if summed_first else [*unrelated, *related]
    assert len(set(keys_of(lines))) == 2


def test_two_reasons_in_round_brackets_are_values_of_one_event() -> None:
    # PLCnext says why an OPC UA session closed in brackets at the end of its sentence;
    # two reasons are enough to tell, as two values after a label are.
    closed = [
        f"Arp.Services.OpcUA.Internal.OpcUAServerComponent INFO Session 'Session_{i}' "
        f"closed ({reason})."
        for i, reason in enumerate(["client request", "timeout"] * 3)
    ]
    assert len(set(keys_of(closed))) == 1
    # Snort's, after a size, as a phrase.
    pruned = [
        f"S5: Pruned session from cache that was using {i}340592 bytes ({reason}). "
        f"192.168.100.7{i} 5344{i} --> 10.31.167.{i} 443"
        for i, reason in enumerate(["stale/timeout", "purge whole cache"] * 3)
    ]
    assert len(set(keys_of(pruned))) == 1
    # One word after a value is the value's kind: two kinds of memory range.
    ranges = [
        f"BIOS-e820: 000000000{i}0f0000 - 000000000{i}100000 ({kind})"
        for i, kind in enumerate(["reserved", "usable"] * 3)
    ]
    assert len(set(keys_of(ranges))) == 2


def test_a_line_without_its_reason_joins_those_with_one() -> None:
    # slapd says why it closed a connection when it knows.
    closed = [
        f"conn={i}8625 fd={i}0 closed{reason}"
        for i, reason in enumerate(
            [" (connection lost)", " (slapd shutdown)", "", " (idletimeout)", ""]
        )
    ]
    assert len(set(keys_of(closed))) == 1


def test_the_handler_a_router_names_is_the_event() -> None:
    # Gitea's router names, last, the file, line and function that served a request: one
    # event per handler, whatever the route, client and status.
    def served(route: str, status: str, handler: str, i: int) -> str:
        return (
            f"router: completed GET {route} for 10.0.{i}.9:5{i}21, {status} in {i}.2ms @ {handler}"
        )

    handlers = [
        "repo/view.go:758(repo.Home)",
        "repo/githttp.go:532(repo.GetInfoRefs)",
        "repo/pull.go:60(repo.ListPullRequests)",
        "healthcheck/check.go:67(healthcheck.Check)",
    ]
    statuses = ["200 OK", "404 Not Found", "401 Unauthorized", "304 Not Modified"]
    lines = [
        served(f"/team{i}/repo{n}", statuses[(i + n) % 4], handler, i)
        for n, handler in enumerate(handlers)
        for i in range(4)
    ]
    keys = keys_of(lines)
    assert [len(set(keys[n * 4 : n * 4 + 4])) for n in range(4)] == [1, 1, 1, 1]
    assert len(set(keys)) == 4
    assert mask("@ repo/view.go:758(repo.Home)") == ("@", "repo/view.go:<*>(repo.Home)")


def test_a_compound_name_leading_a_line_is_what_it_speaks_of() -> None:
    # ClamAV leads with the database file it checked: one event for each of its files.
    files = ["main.cvd", "daily.cld", "bytecode.cvd", "daily.cvd"]
    lines = [
        f"{name} database is up-to-date (version: 2{i}, sigs: 66{i}, f-level: 90, builder: x)"
        for i, name in enumerate(files)
    ]
    assert len(set(keys_of(lines))) == 1
    # A plain first word still names the event.
    verbs = ["Started", "Stopped", "Reloaded", "Restarted"]
    assert len(set(keys_of([f"{verb} unit cron.service" for verb in verbs]))) == 4


def test_the_memo_of_masked_tokens_stays_bounded_whatever_tokens_come(monkeypatch):
    monkeypatch.setattr(masking, "_MASKED_TOKENS", {})
    monkeypatch.setattr(masking, "MAX_MASKED_TOKENS", 100)
    long_word = "x" * (masking.MAX_MEMO_TOKEN_LENGTH + 1) + "_0"
    assert mask(f"token {long_word} seen") == ("token", WILDCARD, "seen")
    assert long_word not in masking._MASKED_TOKENS
    for number in range(1000):
        # Distinct tokens even once digits are zeroed.
        word = "".join(string.ascii_lowercase[int(digit)] for digit in str(number))
        assert mask(f"state={word}_0,") == ("state=<*>,",)
        assert len(masking._MASKED_TOKENS) <= 100
    assert mask(f"token {long_word} seen") == ("token", WILDCARD, "seen")


def test_digits_zeroed_turns_ascii_digits_into_0_and_keeps_every_other_character():
    # Other scripts' digits, multi-byte characters and a lone surrogate (valid JSON) stay.
    message = "pump 17 at 12.5 bar: température ü \U0001d7d9 ١٢ \ud800 ok 9"
    assert (
        masking.digits_zeroed(message)
        == "pump 00 at 00.0 bar: température ü \U0001d7d9 ١٢ \ud800 ok 0"
    )


def test_a_hexadecimal_numbers_letters_are_zeroed_as_its_digits_are():
    # ZooKeeper's session ids: one text, so one route in the miner's memo and one masking.
    sessions = ["0x14ed93111f20027", "0x24FE93111F2A0B7", "0x14ed93111f20000"]
    texts = {masking.digits_zeroed(f"Closed socket for session {session}") for session in sessions}
    assert texts == {"Closed socket for session 0x000000000000000"}
    # Not a word that only starts so, nor "0x" made of a digit and "x" ("3xab").
    assert masking.digits_zeroed("0xfeedz 3xab 0x1G") == "0xfeedz 0xab 0x0G"


def test_messages_that_mask_alike_are_placed_once(monkeypatch):
    placed: list[tuple[str, ...]] = []
    place = TemplateMiner._place

    def counted(miner: TemplateMiner, tokens: tuple[str, ...]) -> GroupMatch:
        placed.append(tokens)
        return place(miner, tokens)

    monkeypatch.setattr(TemplateMiner, "_place", counted)
    miner = TemplateMiner()
    # Paths and hosts are masked, but their words are not digits: three texts, one shape.
    opened = [
        "Opened /var/log/app.log for host db.example.com",
        "Opened /srv/data/export.csv for host web.example.org",
        "Opened /tmp/upload.bin for host cache.example.net",
    ]
    matches = [miner.add(message) for message in opened]
    assert len({match.cluster.key for match in matches}) == 1
    assert placed == [("Opened", WILDCARD, "for", "host", WILDCARD)]
    assert [match.created for match in matches] == [True, False, False]
    assert matches[-1].cluster.size == 3


def test_each_memo_of_routes_stays_bounded(monkeypatch):
    monkeypatch.setattr(miner_module, "MAX_ROUTES", 10)
    miner = TemplateMiner()
    for number in range(100):
        word = "".join(string.ascii_lowercase[int(digit)] for digit in str(number))
        miner.add(f"Opened /srv/{word}/data.csv for {word}")
        assert len(miner._routes) <= 10
        assert len(miner._routes_by_tokens) <= 10
    # And in about the bytes its keys take: long unlike lines, a few at a time.
    monkeypatch.setattr(miner_module, "MAX_ROUTE_BYTES", 10_000)
    miner = TemplateMiner()
    for number in range(100):
        word = "".join(string.ascii_lowercase[int(digit)] for digit in str(number))
        miner.add(f"Opened /srv/{word}/data.csv for {word} " + "x " * 1_500)
        assert 1 <= len(miner._routes) <= 3
        assert miner._routes.size == sum(map(len, miner._routes)) <= 10_000
        # Its 1,505 tokens cost more than the line's characters: one line at a time.
        assert len(miner._routes_by_tokens) == 1


def test_long_unlike_lines_cannot_hold_memory_without_limit(monkeypatch):
    # Each template's tokens are indexed: a flood of unlike lines of thousands of words
    # is bounded in tokens, as a flood of short ones is in clusters.
    monkeypatch.setattr(miner_module, "MAX_INDEXED_TOKENS", 10_000)
    miner = TemplateMiner()
    rng = random.Random(3)
    matches = []
    for number in range(40):
        words = " ".join("".join(rng.choices(string.ascii_lowercase, k=6)) for _ in range(1_000))
        matches.append(miner.add(f"event {number} {words}"))
        assert miner._indexed_tokens <= 10_000 + 1_002
    assert all(match.created for match in matches)
    assert matches[0].cluster._evicted and not matches[-1].cluster._evicted
    assert miner._indexed_tokens == sum(len(c._tokens) for c in miner.clusters())
    # The dropped templates' words left no empty lists behind in the index.
    assert len(miner._by_place) + len(miner._by_start) <= 2 * miner._indexed_tokens


def test_a_quoted_phrase_opening_a_line_is_a_value_when_words_follow_it() -> None:
    # A game server quotes its player, names with spaces among them; klog quotes its text.
    players = ["dr. pepper<6><STEAM_1:0:86189><CT>", "Wolf<2><BOT><CT>", "[CLAN] Hiro<3><BOT><T>"]
    assert len(set(keys_of([f'"{player}" purchased "mp9"' for player in players]))) == 1
    texts = ["successfully validated configuration, accepting", "Probe failed for container"]
    assert len({mask(f'"{text}" pod="web-{n}"') for n, text in enumerate(texts)}) == 2
    assert mask(f'"{texts[0]}"')[0] == '"successfully'


def test_a_field_beside_a_logfmt_message_may_be_left_out() -> None:
    # The registry names the user of an authenticated request, and no one otherwise.
    def completed(n: int, user: str) -> str:
        return (
            f'level=info msg="response completed" {user}go.version=go1.2{n} '
            f"http.request.id=5e{n}c-9a http.response.status=20{n} http.response.duration=1{n}ms"
        )

    lines = [completed(n, user) for n in range(3) for user in ('auth.user.name="deploy" ', "")]
    assert len(set(keys_of(lines))) == 1
    # A record of key=values alone is named by the fields it has (Keycloak's events).
    records = [
        f"type=LOGIN_ERROR, realmId=shop, clientId=web, error=invalid_user, code_id=a{n}"
        for n in range(3)
    ] + ["type=LOGIN_ERROR, realmId=shop, clientId=web, error=invalid_user"] * 3
    assert len(set(keys_of(records))) == 2


def test_what_a_thing_is_now_is_the_event() -> None:
    # Z-Wave JS: a node asleep, awake, alive or dead; four events, whichever node.
    states = ["asleep.", "awake.", "alive.", "dead."]
    lines = [f"CNTRLR   [Node 0{n}] The node is now {state}" for n in range(3) for state in states]
    assert len(set(keys_of(lines))) == 4
    # Where the word is a value, it still becomes one: "user is alice".
    users = [f"laptop-{n} is dhcp 10.0.0.{n}, user is {user}" for n, user in enumerate("abcd")]
    assert len(set(keys_of(users))) == 1
    # So does a state's name in capitals, a program's constant (Graylog's inputs).
    constants = ["RUNNING", "STOPPING", "TERMINATED", "FAILED"]
    inputs = [f"Input [Syslog TCP/6e6da60{n}] is now {state}" for n, state in enumerate(constants)]
    assert len(set(keys_of(inputs))) == 1


def test_three_first_words_do_not_make_a_value_where_three_tags_in_brackets_do() -> None:
    words = ["Ban 10.0.0.1 now", "Unban 10.0.0.1 now", "Found 10.0.0.1 now", "Ignore 10.0.0.1 now"]
    tags = ["[sshd] Ban 10.0.0.1", "[dovecot] Ban 10.0.0.1", "[recidive] Ban 10.0.0.1"]
    assert len(set(keys_of(words))) == 4
    assert len(set(keys_of(tags))) == 1


def test_a_dash_after_a_word_labels_the_reason_that_follows() -> None:
    # NUT's upsmon: "Poll UPS [...] failed - <why>", as "failed: <why>" would be.
    reasons = ["Data stale", "Driver not connected", "Unknown UPS", "Server disconnected"]
    polls = [f"Poll UPS [ups{index}@nas.lan] failed - {why}" for index, why in enumerate(reasons)]
    assert len(set(keys_of(polls))) == 1


def test_upper_case_labels_name_what_was_done() -> None:
    # vsftpd: "OK DELETE:", "OK MKDIR:", "OK RMDIR:" are three commands, not one command's
    # values.
    done = [
        f'[pid 4{index}] [ftpuser] OK {command}: Client "::ffff:10.0.3.{index}", "/srv/x{index}"'
        for index, command in enumerate(["DELETE", "MKDIR", "RMDIR", "CHMOD"])
    ]
    assert len(set(keys_of(done))) == 4


def test_a_rule_drawn_to_fill_the_line_does_not_tell_banners_apart() -> None:
    # Ansible pads each banner with stars to one width, so the rule is as long as the
    # name leaves; haproxy's "----" is four termination flags, not a rule.
    names = ["Gathering Facts", "users : Create deploy user", "Check free disk space", "all"]
    banners = [f"TASK [{name}] {'*' * (72 - len(name))}" for name in names]
    assert len(set(keys_of(banners))) == 1
    assert mask("TASK [all] " + "*" * 70) == ("TASK", "[all]", "***<*>")
    assert mask("fe_https be_api/api1 200 ---- 12/56/4") == ("fe_https", "<*>", "----", "<*>")


def test_a_phrase_in_brackets_and_a_bare_word_are_no_values_of_one_field() -> None:
    # "PLAY [all]", "PLAY [Database servers]", "PLAY [localhost]" name plays; "PLAY RECAP"
    # is another event. After a label both shapes are its values ("reason: timeout",
    # "reason: {shutdown,closed}").
    plays = [f"PLAY [{name}] {'*' * 60}" for name in ("all", "Database servers", "localhost")]
    recap = f"PLAY RECAP {'*' * 60}"
    keys = keys_of([plays[0], plays[1], recap, plays[2]])
    assert keys[0] == keys[1] == keys[3] != keys[2]
    reasons = ["{shutdown,closed}", "timeout", "{tls_alert,bad_record_mac}"]
    failed = [f"request failed, reason: {reason}, connector: http:1" for reason in reasons]
    assert len(set(keys_of(failed))) == 1


def test_a_word_in_round_brackets_leading_a_line_is_who_speaks() -> None:
    # cron: "(root) CMD (...)", "(nagios) CMD (...)": the user in brackets is a value, as
    # a tag in square brackets is; the word after it names the event ("CMD", "CMDEND",
    # "RELOAD", "REPLACE"), as after a tag.
    users = ["root", "nagios", "deploy", "postgres"]
    assert len(set(keys_of([f"({user}) CMD (/usr/lib64/sa/sa1 1 1)" for user in users]))) == 1
    verbs = ["CMD", "CMDEND", "RELOAD", "REPLACE"]
    assert len(set(keys_of([f"(root) {verb} (/etc/crontab)" for verb in verbs]))) == 4


def test_the_first_word_after_leading_tags_names_the_event() -> None:
    # Node-RED's "[info] Started flows", "[info] Stopping flows": four events, as they
    # would be without the level's tag; a daemon's name there is a value ("[watchfrr]
    # bgpd connect succeeded", "... staticd ...", "... ospfd ...").
    verbs = ["Started", "Stopped", "Starting", "Stopping"]
    keys = keys_of([f"[info] {verb} flows" for verb in verbs * 2])
    assert len(set(keys)) == len(verbs)
    daemons = ["bgpd", "staticd", "ospfd", "bfdd"]
    assert len(set(keys_of([f"[watchfrr] {name} connect succeeded" for name in daemons]))) == 1


def test_places_in_code_name_their_events_where_keys_with_values_do_not() -> None:
    # The function and line (libvirt), or the file and line (klog, Java, Lua), that printed a
    # line name its statement: three of them at one place are three events, not a value.
    functions = [
        f"{thread}: debug : {function}:{line} : dom=0x7f{thread}, (VM: name=vm{thread})"
        for thread, (function, line) in enumerate(
            [("virDomainCreate", 2877), ("virDomainDestroy", 2311), ("virDomainShutdown", 1640),
             ("virDomainReboot", 1702)] * 2, start=140
        )
    ]  # fmt: skip
    files = [
        f"W1205 10:00:{n:02} {n} {source}] sync failed for pod web-{n}"
        for n, source in enumerate(["kubelet.go:2210", "pod_workers.go:1294", "status.go:718"] * 2)
    ]
    # Kong's Lua plugins name theirs so too.
    lua = [
        f"[error] 1301#0: *{n}2 [lua] {source}: querying failed: timeout, context: ngx.timer"
        for n, source in enumerate(["targets.lua:248", "worker.lua:138", "balancer.lua:77"] * 2)
    ]
    # "key:value" words are not places in code: three values of one key are a value.
    keys = [f"sensor reading {key} ok" for key in ["temp:41", "flow:12", "level:77"]]
    assert len(set(keys_of(functions))) == 4
    assert len(set(keys_of(files))) == 3
    assert len(set(keys_of(lua))) == 3
    assert len(set(keys_of(keys))) == 1


def test_a_function_after_a_file_and_its_line_names_the_statement() -> None:
    # GlusterFS's "[file.c:line:function]": the function stays, so two statements of one
    # file are two events, whatever the speaker ("0-management:") and words after it.
    assert mask("I [handler.c:1475:__handle_cli_list_friends] 0-glusterd: Received req") == (
        "I", "[handler.c:<*>:__handle_cli_list_friends]", "<*>:", "Received", "req",
    )  # fmt: skip
    statements = [
        "[handler.c:1475:__handle_cli_list_friends] {n}-glusterd: Received cli list req",
        "[handler.c:4372:__handle_status_volume] {n}-management: Received status volume "
        "req for volume vol{n}",
        "[handler.c:2841:__handle_friend_update] {n}-management: Received my uuid as Friend",
        "[handler.c:6403:__brick_rpc_notify] {n}-management: Brick gfs0{n}:/bricks/b{n} has "
        "disconnected from glusterd.",
    ]
    keys = keys_of(
        [f"I [MSGID: 10{n}] {line.format(n=n)}" for n in range(3) for line in statements]
    )
    assert len(set(keys)) == len(statements)


def test_a_clause_before_a_key_that_may_span_is_the_clause_of_its_label() -> None:
    # "because: <*> (age=<*>)" takes "because: client close request (age=0s)": the words
    # after the label are its `<*>`'s, not the start of "(age=<*>)". Otherwise each reason
    # made a cluster again that the next generalization merged, over and over.
    reasons = [
        "server idle timeout",
        "client close request",
        "server lifetime over",
        "password authentication failed",
        "client unexpected eof",
    ]
    messages = [
        f"S-0x55{n}: db/app@10.0.0.{n}:5432 closing because: {reason} (age={n}s)"
        for n, reason in enumerate(reasons * 3)
    ]
    miner = TemplateMiner()
    made = [miner.add(message) for message in messages]
    assert sum(match.created for match in made) <= 3
    again = [miner.add(message) for message in messages]
    assert not any(match.created or match.template_changed for match in again)
    assert {match.cluster.template for match in again} == {
        "S-<*>: <*> closing because: <*> (age=<*>)"
    }


def test_a_value_with_its_aside_in_brackets_is_one_value() -> None:
    # ISC dhcpd prints the client's host name after its MAC address when it has one:
    # "DHCPACK on <ip> to <mac> (laptop7) via eth0" is the DHCPACK without a name too.
    names = ["raspberrypi", "LT-rdubois", "iPhone", "MacBook-Pro", "ubuntu", "nas-02"]
    messages = []
    for index, name in enumerate(names * 3):
        mac = f"b8:27:eb:12:34:{index:02x}"
        messages.append(f"DHCPACK on 10.0.5.{index} to {mac} via eth1")
        messages.append(f"DHCPACK on 10.0.5.{index} to {mac} ({name}) via eth1")
    assert len(set(keys_of(messages))) == 1
    miner = TemplateMiner()
    keys_of(messages, miner)
    again = [miner.add(message) for message in messages]
    assert {match.cluster.template for match in again} == {"DHCPACK on <*> to <*> via <*>"}
    assert not any(match.created or match.template_changed for match in again)
    tokens = template_tokens(again[1].cluster.template)
    assert template_values(tokens, messages[1]) == [
        "10.0.5.0",
        "b8:27:eb:12:34:00 (raspberrypi)",
        "eth1",
    ]


def test_an_aside_is_no_clause_and_no_second_value() -> None:
    # One token in brackets may follow the value: "(ok)" is an aside, "not ok" words of
    # their own; one value of a line may have one (Proxifier's sized "close" prints each
    # size twice, a statement of its own); and a template whose `<*>` is followed by
    # another `<*>` takes no aside between them.
    template = template_tokens("DHCPACK on <*> to <*> via <*>")
    assert covers(template, template_tokens("DHCPACK on <*> to <*> (<*>) via <*>"))
    assert not covers(template, template_tokens("DHCPACK on <*> to <*> (<*>) (<*>) via <*>"))
    assert not covers(template, template_tokens("DHCPACK on <*> to <*> not ok via <*>"))
    close = template_tokens("<*> - <*> close, <*> sent, <*> received, lifetime <*>")
    assert covers(
        close, template_tokens("<*> - <*> close, <*> (<*>) sent, <*> received, lifetime <*>")
    )
    assert not covers(
        close, template_tokens("<*> - <*> close, <*> (<*>) sent, <*> (<*>) received, lifetime <*>")
    )
    assert not covers(
        template_tokens("lease <*> <*> expired"), template_tokens("lease <*> (<*>) <*> expired")
    )


def test_an_aside_may_come_before_a_value_in_brackets_and_after_a_key() -> None:
    # Exim names a peer by its host, the name it gave in brackets when it gave one, and its
    # address: "from mx.example.com (ylmf-pc) [203.0.113.7]:25 lost" is the lost
    # connection without a name too. GlusterFS lists a heal's sources with their asides:
    # "sources=[0] [1]  sinks=2".
    hosts = ["mx1.example.com", "mail.example.org", "smtp.example.net", "relay.example.io"]
    lost = []
    for index, host in enumerate(hosts * 3):
        address = f"[203.0.113.{index}]:{25 + index}"
        lost.append(f"SMTP connection from {host} {address} lost")
        lost.append(f"SMTP connection from {host} (helo-{index}) {address} lost")
    assert len(set(keys_of(lost))) == 1
    healed = []
    for index in range(12):
        sources = f"sources=[{index % 3}] [{index % 2}]" if index % 2 else f"sources=[{index}]"
        healed.append(f"Completed entry selfheal on gfid-{index}. {sources} sinks={index + 2}")
    assert len(set(keys_of(healed))) == 1
    template = template_tokens("Completed entry selfheal on <*> sources=<*> sinks=<*>")
    assert covers(
        template, template_tokens("Completed entry selfheal on <*> sources=<*> [<*>] sinks=<*>")
    )
    # A value that ends the line may have one too: Pacemaker's "Diff: +++ 0.158.4 (null)",
    # ZFS' "sda ONLINE 0 (resilvering)".
    diffs = [f"Diff: +++ 0.{index}.{index % 7}" for index in range(6)]
    diffs += [f"Diff: +++ 0.{index}.{index % 5} (null)" for index in range(6)]
    assert len(set(keys_of(diffs))) == 1
    # And a last word, an aside of words: slapd's "conn=1042 fd=17 closed (connection
    # lost)" is its "closed"; Loghub labels "PCI: Probing PCI hardware (bus 00)" apart.
    closed = [f"conn={1000 + n} fd={n} closed" for n in range(4)]
    closed += [f"conn={2000 + n} fd={n} closed (connection lost)" for n in range(4)]
    assert len(set(keys_of(closed))) == 1
    probing = ["PCI: Probing PCI hardware", "PCI: Probing PCI hardware (bus 00)"] * 2
    assert len(set(keys_of(probing))) == 2
    # Between two values, a value takes no aside: in Junos' firewall records what stands
    # between the interface and the count in brackets is a field of its own.
    firewall = template_tokens("FW: <*> <*> (<*> packets)")
    assert not covers(firewall, template_tokens("FW: <*> <*> (<*>) (<*> packets)"))


def test_devices_of_one_kind_leading_lines_are_who_speaks() -> None:
    # multipathd leads each line with the device it speaks of: "sdf: add path (uevent)" is
    # one event for every disk, where Ansible's "ok:", "changed:" and "skipping:" (words
    # with no stem in common) say what happened to a task, three events.
    disks = ["sdf", "sdr", "sdak", "sdbl", "sdcn", "sde"]
    added = [f"{disk}: add path (uevent)" for disk in disks]
    assert len(set(keys_of(added))) == 1
    # Also where its numbers in brackets carry the colon: "sdc [8:32]: path added to devmap".
    mapped = [f"{disk} [8:{16 * i}]: path added to devmap mpath{i}" for i, disk in enumerate(disks)]
    assert len(set(keys_of(mapped))) == 1
    # Names of parts joined by dashes too: SSHGuard's firewall backends.
    backends = ["sshg-fw-iptables", "sshg-fw-firewalld", "sshg-fw-ipset", "sshg-fw-nft-sets"]
    failed = [f"{backend}: Could not initialize firewall" for backend in backends]
    assert len(set(keys_of(failed))) == 1
    statuses = [
        f"{status}: [web-0{i}] => (item=nginx)"
        for i, status in enumerate(["ok", "changed", "skipping", "failed"] * 2)
    ]
    assert len(set(keys_of(statuses))) == 4


def test_an_event_name_in_capitals_keeps_its_words_where_a_digit_is_in_it() -> None:
    # hostapd names its control events in capitals, some with a digit: only the digit is
    # a value, and the names tell events apart. A name numbered by a part of digits alone
    # ("SRV-WEB-DB-01") or a place ("R02-M1-N0") stays a value whole.
    assert mask("wlan0: EAPOL-4WAY-HS-COMPLETED 3c:22:fb:11:22:33") == (
        "<*>:",
        "EAPOL-<*>WAY-HS-COMPLETED",
        "<*>",
    )
    assert (
        mask("wlan0: CTRL-EVENT-EAP-FAILURE2 3c:22:fb:11:22:33")[1] == "CTRL-EVENT-EAP-FAILURE<*>"
    )
    assert mask("host SRV-WEB-DB-01 up") == ("host", "<*>", "up")
    assert mask("node R02-M1-N0-C:J12-U11 up") == ("node", "<*>", "up")
    events = ["EAPOL-4WAY-HS-COMPLETED", "CTRL-EVENT-EAP-SUCCESS2", "CTRL-EVENT-EAP-FAILURE2"]
    lines = [
        f"wlan{index % 2}: {event} 3c:22:fb:11:22:{index:02x}"
        for index, event in enumerate(events * 4)
    ]
    assert len(set(keys_of(lines))) == 3


def test_what_was_done_by_whom_names_the_event() -> None:
    # RouterOS says what an operator did to its configuration: "changed by", "added by"
    # and "removed by" are three events, however many things are changed.
    things = ["address", "interface", "device", "route", "user", "queue"]
    lines = [
        f"system,info {thing} {done} by api:netops@10.0.0.{index}/action:{index}"
        for index, (thing, done) in enumerate(
            (thing, done) for thing in things for done in ["added", "changed", "removed"]
        )
    ]
    miner = TemplateMiner()
    keys_of(lines, miner)
    templates = {miner.add(line).cluster.template for line in lines}
    assert templates == {
        f"system,info <*> {done} by api:<*>" for done in ["added", "changed", "removed"]
    }


def test_an_objects_kind_before_its_address_is_kept() -> None:
    # PgBouncer names a connection by its kind and its address: "C-0x55d0…" is a client's,
    # "S-0x58e0…" a server's, and their closings are two events.
    assert mask("C-0x555110d547d0: app/app@10.0.0.7:35449 closing")[0] == "C-<*>:"
    assert mask("ptr 0x555110d547d0 freed") == ("ptr", "<*>", "freed")
    reasons = ["client close request", "server idle timeout", "client sent invalid packet"]
    lines = [
        f"{kind}-0x55{index:010x}: db/u@10.0.0.{index}:5432 closing because: {reason} (age=1s)"
        for index, (kind, reason) in enumerate(
            (kind, reason) for kind in "CS" for reason in reasons * 2
        )
    ]
    assert len(set(keys_of(lines))) == 2


def test_a_name_set_apart_by_a_colon_is_who_speaks() -> None:
    # sudo: "<user> : TTY=… ; COMMAND=…" is one event whoever ran it; a level in capitals
    # there still tells lines apart.
    users = ["deploy", "alice", "jenkins", "ansible"]
    commands = [
        f"{user} : TTY=pts/{index} ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/id"
        for index, user in enumerate(users)
    ]
    assert len(set(keys_of(commands))) == 1
    levels = [f"{level} : disk /dev/sda1 full" for level in ["ERROR", "WARN", "INFO", "DEBUG"]]
    assert len(set(keys_of(levels))) == 4


def test_a_word_and_a_value_after_it_are_one_value_as_masking_writes_two_values() -> None:
    # sshd: "ec2-user 172.16.0.9" is masked as one value, "deploy 172.16.0.9" as a word
    # and a value; both are the user and the address of one event.
    users = ["ec2-user", "deploy", "jdoe", "ubuntu", "root", "svc_monitor", "git-2"]
    messages = [
        f"Disconnected from user {user} 10.0.{index}.9 port 4{index}022"
        for index, user in enumerate(users * 2)
    ]
    assert len(set(keys_of(messages))) == 1
    miner = TemplateMiner()
    keys_of(messages, miner)
    again = [miner.add(message) for message in messages]
    assert {match.cluster.template for match in again} == {"Disconnected from user <*> port <*>"}
    assert not any(match.created or match.template_changed for match in again)
    # Still not a phrase: "Failed password for <*> from" does not take "invalid user <*>".
    failed = template_tokens("Failed password for <*> from <*> port <*> ssh2")
    assert not covers(
        failed, template_tokens("Failed password for invalid user <*> from <*> port <*> ssh2")
    )


def test_a_value_and_a_word_after_it_are_one_value_where_a_name_may_stand() -> None:
    # Pacemaker: "Initiating monitor operation X locally on node1" is the same event as
    # "... operation X on node1"; after a label a value and a word stay apart (Loghub's
    # "CPU: L1 I cache: 16K, ..." is not its "CPU: L2 cache: 256K").
    resources = ["db_monitor_0", "web_start_0", "vip_stop_0", "fs_monitor_10000"]
    messages = []
    for index, resource in enumerate(resources * 2):
        where = "locally on" if index % 2 else "on"
        messages.append(f"Initiating monitor operation {resource} {where} node{index}")
    assert len(set(keys_of(messages))) == 1
    cache = template_tokens("CPU: <*> cache: <*>")
    assert not covers(cache, template_tokens("CPU: <*> I cache: <*>, <*> D cache: <*>"))


def test_a_new_template_takes_what_the_memo_sent_to_a_shorter_one_as_a_restart_would() -> None:
    # The first message goes to the shorter template that spans it ("<*> locally"); a new
    # template of its length that covers it is where a restarted miner sends it, so the
    # running one must too, not where its memo of placed messages says.
    miner = TemplateMiner()
    shorter = miner.add("Initiating monitor operation db_monitor_0 on alpha").cluster
    spanned = "Initiating monitor operation web_monitor_0 locally on alpha"
    assert miner.add(spanned).cluster is shorter
    longer = miner.add("Initiating monitor operation fs_monitor_0 locally on node-2").cluster
    assert longer is not shorter
    assert miner.add(spanned).cluster is longer
    restarted = TemplateMiner()
    for cluster in miner.clusters():
        restarted.restore(cluster.template, cluster.key)
    assert restarted.add(spanned).cluster.key == longer.key


def test_days_and_a_clock_time_are_one_duration() -> None:
    # Python prints a timedelta, and Net-SNMP an uptime, as days and a clock time; under a
    # day, as the clock time alone.
    assert mask("Time: 12 days, 02:28:32") == mask("Time: 02:10:09") == ("Time:", "<*>")
    assert mask("Uptime: 2 days, 17:31:55.02, IF-MIB") == mask("Uptime: 17:33:22.86, IF-MIB")
    assert mask("next run in 1 day, 8:00:00 from now") == (
        "next",
        "run",
        "in",
        "<*>",
        "from",
        "now",
    )


def test_a_list_of_quoted_values_is_one_value_however_long() -> None:
    # Icinga logs a check's command line as its arguments, each in single quotes.
    short = (
        "notice/Process: Running command '/usr/lib/nagios/plugins/check_ping' '-H' "
        "'10.0.0.1': PID 4711"
    )
    long = (
        "notice/Process: Running command '/usr/lib/nagios/plugins/check_disk' '-w' '20%' "
        "'-c' '10%' '-p' '/var': PID 4712"
    )
    assert (
        mask(short) == mask(long) == ("notice/Process:", "Running", "command", "<*>:", "PID", "<*>")
    )
    tokens = template_tokens("notice/Process: Running command <*>: PID <*>")
    assert template_values(tokens, long) == [
        "'/usr/lib/nagios/plugins/check_disk' '-w' '20%' '-c' '10%' '-p' '/var'",
        "4712",
    ]
    # Two quoted values with a word between are two values.
    assert mask("copied 'a.txt' to 'b.txt'") == ("copied", "'<*>'", "to", "'<*>'")


def test_a_vendor_code_heading_messages_names_their_event() -> None:
    # Cisco ASA's 302014 ends with why the connection went, in words of each reason's
    # own; ActiveMQ Artemis prints its code after the level and the logger in brackets.
    # Lines of one code are one event; lines of another code stay apart.
    teardown = (
        "%ASA-6-302014: Teardown TCP connection {n}1 for outside:10.0.{n}.9/443"
        " to inside:10.1.0.{n}/5{n}00 duration 0:0{n}:02 bytes {n}36 "
    )
    reasons = ["TCP FINs from outside", "Conn-timeout", "Flow closed by inspection"]
    closed = [teardown.format(n=n) + reason for n, reason in enumerate(reasons)]
    built = [
        f"%ASA-6-302013: Built {way} TCP connection {n}2 for outside:10.2.0.{n}/443"
        f" (10.2.0.{n}/443) to inside:10.3.0.{n}/6{n}0 (203.0.113.{n}/6{n}0)"
        for n, way in enumerate(("inbound", "outbound"))
    ]
    udp = (
        "%ASA-6-302015: Built outbound UDP connection 73 for outside:10.4.0.1/123"
        " (10.4.0.1/123) to inside:10.5.0.1/60 (203.0.113.9/60)"
    )
    deploying = [
        f"INFO  [org.apache.activemq.artemis.core.server] AMQ221003: Deploying {kind}"
        f" queue orders.{n} on address {address}"
        for n, (kind, address) in enumerate((("ANYCAST", "orders"), ("MULTICAST", "events.audit")))
    ]
    keys = keys_of([*closed, *built, udp, *deploying])
    assert len(set(keys[:3])) == 1
    assert keys[3] == keys[4] != keys[0]
    assert keys[5] not in keys[:5]
    assert keys[6] == keys[7] and keys[6] not in keys[:6]
    # A name in a code's shape heads what befell its device: unlike messages stay
    # apart, and after a word ("Robot") it is no code at all.
    devices = [
        "INFO PUMP40001: motor overload tripped, current 34 A",
        "INFO PUMP40001: flow below minimum, 3 l/min",
        "Robot IRB-29620: program MAIN started by PLC",
        "Robot IRB-29620: program MAIN stopped at line 4",
    ]
    assert len(set(keys_of(devices))) == 4


def test_a_method_between_a_value_and_a_path_is_the_requests() -> None:
    # uWSGI's request log: the method of each request is a value, as its path is.
    request = (
        "[pid: 131513|app: 0|req: 159/9609] 192.0.2.49 () {32 vars in 1954 bytes} "
        "[Mon Dec  7 12:19:57 2026] METHOD /api/v2/cart/ => generated 5260 bytes in 90 msecs "
        "(HTTP/2.0 500) 6 headers in 566 bytes (1 switches on core 0)"
    )
    assert mask(request.replace("METHOD", "GET")) == mask(request.replace("METHOD", "POST"))
    # A handler's method names it, as a route's does; and a line of values only keeps
    # its method, or it would take any line of as many.
    for line in (
        "Handler for {method} /v1.47/containers/x/json returned error: No such container",
        "{method} /v2/servers/detail HTTP/1.1",
        "INFO: 200 {method} /info (10.0.0.9:5) 80.7ms",
    ):
        assert mask(line.format(method="GET")) != mask(line.format(method="POST"))


def test_a_value_between_like_separators_is_optional_where_a_value_spans() -> None:
    # NATS names a client in quotes when it has a name, before the reason a connection
    # closed, which spans words: a client without a name is the same event, whichever
    # came first, and its messages start no cluster once the template took them.
    named = (
        '[DBG] 127.0.0.1:6012{n} - cid:8{n} - "v1.37.0:go:orders-svc" - '
        "Client connection closed: {why}"
    )
    anonymous = "[DBG] 10.42.2.20:3066{n} - cid:15{n} - Client connection closed: {why}"
    reasons = ["Client Closed", "Parse Error", "Stale Connection", "TLS Handshake Failure"]
    lines = [anonymous.format(n=0, why=reasons[0])]
    lines += [named.format(n=n, why=why) for n, why in enumerate(reasons)]
    lines += [anonymous.format(n=n, why=why) for n, why in enumerate(reversed(reasons))]
    miner = TemplateMiner()
    matches = [miner.add(line) for line in lines]
    assert len(set(groups_after_merges(matches))) == 1
    assert not any(match.created for match in matches[-4:])


def test_an_aside_after_a_name_in_square_brackets_is_optional() -> None:
    # NUT says "(SSL)" after the UPS's name when the client used it.
    logins = [
        "User upsmon@127.0.0.1 logged into UPS [rack2-ups]",
        *(
            f"User upsmon@10.0.0.{n} logged into UPS [{ups}] (SSL)"
            for n, ups in enumerate(("myups", "apc1500", "cyberpower", "eaton-5px", "myups"))
        ),
    ]
    miner = TemplateMiner()
    matches = [miner.add(line) for line in logins]
    assert len(set(groups_after_merges(matches))) == 1
    assert not any(match.created for match in matches[1:])


def test_a_peers_name_and_its_colon_end_a_lines_header() -> None:
    # DRBD names the resource and the peer before each message: the messages after a
    # peer's name are events of their own, not one clause that a label labels; nor is
    # the program's name a sentence's verb.
    lines = [
        "drbd nfs stor-b: ack_receiver terminated",
        "drbd nfs stor-b: Connection closed",
        "drbd nfs stor-b: Preparing remote state change 847434158",
        "drbd nfs stor-b: Terminating ack_recv thread",
    ]
    assert len(set(keys_of(lines))) == 4
    flags = "Feature flags enabled on protocol level: 0xf TRIM THIN_RESYNC WRITE_SAME."
    sentences = [
        "drbd pgwal stor-a: PingAck did not arrive in time.",
        "drbd pgdata/0 drbd200 stor-a: Began resync as SyncTarget (will sync 2048 KB).",
        "drbd pgwal/0 drbd201 stor-b: Began resync as SyncTarget (will sync 3072 KB).",
        f"drbd pgwal stor-b: {flags}",
        f"drbd pgdata stor-b: {flags}",
        f"drbd pgwal stor-a: {flags}",
    ]
    keys = keys_of(sentences)
    assert len({keys[0], keys[1], keys[3]}) == 3


def test_a_word_leading_the_message_after_the_headers_value_is_no_label() -> None:
    # stunnel's lines start "LOG5[4233]:", the level and the connection's number: the
    # function's name after it leads the message as a logger's name would, and the two
    # words after it are two events.
    connecting = [f"LOG6[{n}334]: s_connect: connecting 127.0.0.1:63{n}9" for n in range(3)]
    connected = [f"LOG5[{n}233]: s_connect: connected 127.0.0.1:18{n}3" for n in range(3)]
    keys = keys_of([*connecting, *connected])
    assert len(set(keys[:3])) == len(set(keys[3:])) == 1
    assert keys[0] != keys[3]


def test_a_value_in_angle_brackets_is_no_comparison() -> None:
    # WebLogic writes each field in angle brackets, empty ("<>") or not: a number or an id
    # there is a value in its brackets, as an empty one is; "<1 sec" compares.
    line = "<Notice> <Security> <ms2> <<anonymous>> {ecid} {stamp} <BEA-090078>"
    empty = mask(line.format(ecid="<>", stamp="<>"))
    full = mask(
        line.format(ecid="<68528258-f841-4ec8-8d93-dcfbdb0729ac-00004386>", stamp="<1796495984256>")
    )
    assert full == empty
    assert mask("answered in <1 sec, >500ms late") == ("answered", "in", "<*>,", "<*>", "late")


def test_a_records_class_type_or_event_names_it_wherever_it_stands() -> None:
    # ZFS's event daemon: "class=" says which event a record is, after its event id.
    lines = [
        f"eid={n}{m} class={kind} pool='{pool}'"
        for n, kind in enumerate(("history_event", "config_sync", "scrub_start"))
        for m, pool in enumerate(("tank", "rpool", "archive01"))
    ]
    keys = keys_of(lines)
    assert [len(set(keys[n : n + 3])) for n in (0, 3, 6)] == [1, 1, 1]
    assert len(set(keys)) == 3


def test_a_number_heading_a_titled_message_names_its_event() -> None:
    # ABB's robot controller numbers its events; the text after the title says of what.
    origins = ["System IO", "FlexPendant", "a remote client", "RobotStudio"]
    started = [
        f"10151 Program started: Task T_ROB{n} has started to execute. The origin of the start "
        f"request is {origin}."
        for n, origin in enumerate(origins)
    ]
    reasons = ["the task has reached an Exit instruction", "a stop in the step mode has occurred"]
    stopped = [
        f"10125 Program stopped: Task T_ROB{n} has stopped. The reason is that {reason}."
        for n, reason in enumerate(reasons * 2)
    ]
    keys = keys_of([*started, *stopped])
    assert len(set(keys[:4])) == 1
    assert len(set(keys[4:])) == 1
    assert keys[0] != keys[4]


def test_a_vendor_code_in_angle_brackets_after_a_header_of_them_names_the_event() -> None:
    # WebLogic writes every field in angle brackets, its message's code among them: the
    # thread's state ("[ACTIVE]", "[STANDBY]") is no part of the event.
    header = (
        "<Info> <Common> <wlsprd03> <ms3> <[{state}] ExecuteThread: '{n}' for queue: "
        "'weblogic.kernel.Default (self-tuning)'> <<anonymous>> <> <> <17964036{n}> "
        "<[severity-value: 64] [rid: 0:2] [partition-id: 0] [partition-name: DOMAIN] > "
    )
    capacity = (
        '<BEA-000627> <Reached maximum capacity of pool "{pool}", making "0" new resource '
        'instances instead of "1".>'
    )
    lines = [
        (header + capacity).format(state=state, n=n, pool=pool)
        for state in ("ACTIVE", "STANDBY")
        for n, pool in enumerate(("OrdersDS", "BillingDS", "AuditDS"))
    ]
    lines.append(
        header.format(state="STANDBY", n=7)
        + '<BEA-001156> <Stack trace associated with message 001129 follows: "OrdersDS".>'
    )
    keys = keys_of(lines)
    assert len(set(keys[:6])) == 1
    assert keys[6] != keys[0]


def test_a_levels_name_and_its_colon_label_no_value() -> None:
    # Open5GS: "INFO:" says how much the line matters, not what the word after it is;
    # "[Added]" and "[Removed]" are two events, as they are after a logger's name.
    lines = [
        f"[amf] INFO: [{what}] Number of gNB-UEs is now {n} (../src/amf/context.c:27{n}9)"
        for what in ("Added", "Removed")
        for n in range(3)
    ]
    keys = keys_of(lines)
    assert len(set(keys[:3])) == len(set(keys[3:])) == 1
    assert keys[0] != keys[3]


def test_the_one_word_after_a_header_ending_in_a_square_tag_is_the_message() -> None:
    # knxd traces each frame's kind after the layer and the object that saw it.
    lines = [
        f"Layer 8 [{n}2:tunnel/1.1.25{n}      {n}8622.612] {kind}"
        for kind in ("TUNNEL_REQ", "TUNNEL_ACK", "DESCRIBE")
        for n in range(3)
    ]
    keys = keys_of(lines)
    assert [len(set(keys[n : n + 3])) for n in (0, 3, 6)] == [1, 1, 1]
    assert len(set(keys)) == 3


def test_a_path_with_spaces_in_its_folders_or_file_name_is_one_value() -> None:
    # borg's file list: a flag, then the path, whose folders and file names may hold
    # spaces; the words of a sentence after a path do not go on with it.
    for path in (
        "/var/backups/apt.extended_states.0",
        "/srv/samba/Personal/2025/Q4 Forecast.xlsx",
        "/srv/samba/Scans/Kunden/Schulz AG/Lieferschein 4623.pdf",
    ):
        assert mask(f"A {path}") == ("A", "<*>")
    assert mask("copied /srv/a b/c.txt to /srv/d") == ("copied", "<*>", "to", "<*>")


def test_a_label_in_a_bracket_labels_no_run_past_the_bracket() -> None:
    # WebLogic's "<[severity-value: 16] [rid: 0] ... >": the label's value is the number
    # in its bracket, not the messages after it, which are three events.
    header = (
        "<Warning> <JDBC> <wlsprd0{n}> <ms{n}> <[ACTIVE] ExecuteThread: '{n}' for queue: "
        "'weblogic.kernel.Default (self-tuning)'> <<WLS Kernel>> <> <> <179649225007{n}> "
        "<[severity-value: 16] [rid: 0] [partition-id: 0] [partition-name: DOMAIN] > "
    )
    messages = [
        '<BEA-001129> <Received exception while creating connection for pool "OrdersDS": '
        "IO Error: The Network Adapter could not establish the connection>",
        '<BEA-001112> <Test "SELECT 1 FROM DUAL" set up for pool "BillingDS" failed with '
        "exception: java.sql.SQLRecoverableException: Closed Connection.>",
        '<BEA-001153> <Forcibly releasing inactive/harvested connection "weblogic.jdbc.'
        'wrapper.PoolConnection_oracle_jdbc_driver_T4CConnection@1a2b" back into the data '
        'source connection pool "AuditDS", currently reserved by: java.lang.Exception.>',
    ]
    lines = [header.format(n=n) + message for n in range(3) for message in messages]
    keys = keys_of(lines)
    assert len({keys[0], keys[1], keys[2]}) == 3
    assert keys[0:3] == keys[3:6] == keys[6:9]


def test_a_cell_of_a_table_row_with_a_value_in_it_is_one_value() -> None:
    # Desigo CC's event list: type, priority, state, discipline, category, location,
    # object, then the message. A location of any number of words is one value; the
    # message, the last cell, is read word by word.
    row = "Event | High | Unprocessed | HVAC | Low limit | {place} | B1'AS02 | {message}"
    message = "Present value: 35.8 °C (low limit 55.0 °C)"
    assert mask(row.format(place="Data Center.Floor 04.Server room 7", message=message)) == (
        *("Event", "|", "High", "|", "Unprocessed", "|", "HVAC", "|", "Low", "limit", "|"),
        *("<*>", "|", "<*>", "|", "Present", "value:", "<*>", "(low limit <*>)"),
    )
    places = ("Data Center.Floor 04.Server room 7", "Building A.AHU 05", "Hall 3.Roof.Fan 12")
    keys = keys_of([row.format(place=place, message=message) for place in places])
    assert len(set(keys)) == 1
    # Not a line with a bar or two in it: "a | b" is no table.
    assert mask("exit 1 | tee run 5 log") == ("exit", "<*>", "|", "tee", "run", "<*>", "log")


def test_the_kind_an_mqtt_topic_ends_in_names_the_message_around_its_device() -> None:
    # Tasmota's console: "MQT: <prefix>/<device>/<kind> = <payload>". The device is a
    # value; the kind in capitals says what was sent, however many kinds there are.
    assert mask("MQT: tele/plug_mill/LWT = Online") == ("MQT:", "tele/<*>/LWT", "=", "<*>")
    assert mask("MQT: stat/lathe_2/POWER1 = OFF") == ("MQT:", "stat/<*>/POWER<*>", "=", "<*>")
    kinds = ("tele/{}/STATE", "tele/{}/SENSOR", "stat/{}/RESULT", "stat/{}/POWER")
    devices = ("plug_mill", "athom_2f2b", "relay_dust_extractor")
    keys = keys_of([f"MQT: {kind.format(device)} = <*>" for device in devices for kind in kinds])
    assert len(set(keys)) == len(kinds)
    assert keys[: len(kinds)] == keys[len(kinds) : 2 * len(kinds)] == keys[2 * len(kinds) :]
    # A path from the root is no topic: its last part is a value with the rest.
    assert mask("open /var/lib/app/STATE failed") == ("open", "<*>", "failed")


def test_a_quoted_line_another_program_logged_is_read_word_by_word() -> None:
    # php-fpm passes on what a worker wrote to stderr, level first: each PHP message is
    # an event of its own, whatever the pool, child, file and line.
    said = 'WARNING: [pool {pool}] child {child} said into stderr: "NOTICE: PHP message: {php}"'
    messages = (
        "PHP Warning:  Undefined variable $post_id in /srv/www/{file}.php on line {line}",
        "PHP Fatal error:  Maximum execution time of 60 seconds exceeded in /srv/{file}.php",
    )
    lines = [
        said.format(pool=pool, child=child, php=php.format(file=pool, line=child))
        for php in messages
        for pool, child in (("www", 6868), ("shop", 4211), ("nextcloud", 977))
    ]
    keys = keys_of(lines)
    assert len(set(keys[:3])) == len(set(keys[3:])) == 1
    assert keys[0] != keys[3]
    # A line given as a field's value stays the value.
    assert mask('login failed error:"FATAL: password authentication failed"') == (
        "login",
        "failed",
        'error:"<*>"',
    )


def test_the_last_field_of_a_record_between_semicolons_runs_to_the_end_of_the_line() -> None:
    # sudo's record: the command it ran, with its arguments, is the last field's value.
    record = "{user} : TTY=pts/1 ; PWD=/srv/backup ; USER=root ; COMMAND={command}"
    assert mask(record.format(user="bob", command="/usr/bin/apt install -y git")) == (
        *("bob", ":", "TTY=<*>", ";", "PWD=<*>", ";", "USER=<*>", ";", "COMMAND=<*>"),
    )
    commands = ("/usr/bin/systemctl status app.service", "/usr/sbin/nginx -t", "/bin/ls")
    assert len(set(keys_of([record.format(user="bob", command=c) for c in commands]))) == 1
    # Not a sentence with a semicolon or two in it.
    assert mask("x=1 ; y=2 ; then it stopped") == (
        "x=<*>",
        ";",
        "y=<*>",
        ";",
        "then",
        "it",
        "stopped",
    )
