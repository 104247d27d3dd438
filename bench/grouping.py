"""Grouping benchmark: how well and how fast `logs.grouping.TemplateMiner` groups log messages.

    .venv/bin/python bench/grouping.py [--loghub DIR] [--sets loghub,held_out]
        [--datasets HDFS,bind] [--errors] [--generated 20000] [--one-start 8000]
        [--adversarial-bytes 65536] [--long-lines 0] [--repeats 5]

Data, by set, each with its mean: the Loghub-2k samples (Jieming Zhu, Shilin He, Pinjia He,
Jinyang Liu, Michael R. Lyu, "Loghub: A Large Collection of System Log Datasets for
AI-driven Log Analytics", ISSRE 2023; https://github.com/logpai/loghub), where each
`<Name>/<Name>_2k.log_structured.csv` gives the message (`Content`) and its true event
(`EventId`); then our own synthetic labelled logs of other systems in bench/grouping_data,
in the same two columns: the development set, the three sets held out until their first
measurement and tuned on after it, and `held_out`, which decides (its README tells their
history).

Grouping accuracy (GA): a message counts as correct when the cluster it ends up in (after
any merges) holds exactly the messages of its true event; GA = correct / total.

Speed is `add()` alone, one fresh miner per dataset, on one core, from a cold start (masking's
memo of tokens emptied too), the fastest of `--repeats` runs: as timeit's documentation
says, slower runs are other processes' doing, and on a shared machine one run can take
half as long again as the next. The held-out check runs
the same measure on generated plant-floor and IT logs (logs.sources.generated_logs), whose
shapes the Loghub samples do not have. Figures are printed, never asserted.

Beside each figure of ours stands drain3's (https://github.com/logpai/Drain3, the maintained
Python Drain: Pinjia He, Jieming Zhu, Zibin Zheng, Michael R. Lyu, "Drain: An Online Log
Parsing Approach with Fixed Depth Tree", ICWS 2017) on the same messages: its default
configuration plus the masking of IP addresses and integers that its README gives, untuned,
one fresh miner per dataset, the fastest of as many runs, as ours.

One start: lines per second as thousands of unlike rows that all start alike ("Event |
...", as a table's rows do) pile up as templates; each is compared with a bounded number
of them, so the rate stays level.

Long lines (`--long-lines N`, off unless asked): the memory the miner holds as N unlike
lines of LONG_LINE_WORDS random words pile up, each a template of its own; past
MAX_INDEXED_TOKENS tokens in templates the least used tenth is dropped, so it levels off.

Worst case: the cost per KiB of masking and mining messages of LOG_MAX_MESSAGE_BYTES shaped
to make each masking rule work hardest (`adversarial_messages`), next to an ordinary message
of the same size; tests/logs/test_grouping_linear_time.py bounds the ratio.
"""

# The hand-written families below read best one to a line.
# ruff: noqa: E501

from __future__ import annotations

import csv
import importlib.metadata
import os
import random
import re
import runpy
import string
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import orjson

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and bench/analysis.py would shadow the
# analysis app.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.harness import argument_parser, require_at_least_one, rss_mib  # noqa: E402
from logs.grouping import GroupMatch, TemplateMiner, mask  # noqa: E402
from logs.grouping.masking import forget_masked_tokens  # noqa: E402
from logs.sources import LOGHUB_SAMPLES, generated_logs  # noqa: E402

if TYPE_CHECKING:
    from drain3.template_miner_config import TemplateMinerConfig

GROUPING_DATA = ROOT / "bench" / "grouping_data"
# The default of settings.LOG_MAX_MESSAGE_BYTES: the longest message ingest lets through.
DEFAULT_ADVERSARIAL_BYTES = 64 * 1024


def main() -> int:
    parser = argument_parser(__doc__)
    parser.add_argument("--loghub", type=Path, default=LOGHUB_SAMPLES)
    parser.add_argument("--datasets", default="", help="comma-separated names; default all")
    parser.add_argument(
        "--sets",
        default=",".join(SETS),
        help=f"comma-separated, of {', '.join(SETS)}; default all",
    )
    parser.add_argument("--generated", type=int, default=20_000, help="0 to skip")
    parser.add_argument("--invented", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeats", type=int, default=5, help="runs per dataset; the fastest is timed"
    )
    parser.add_argument("--errors", action="store_true", help="print the misgrouped events")
    parser.add_argument(
        "--one-start",
        type=int,
        default=8000,
        help="unlike rows of one start to time the miner after; 0 to skip",
    )
    parser.add_argument(
        "--adversarial-bytes",
        type=int,
        default=DEFAULT_ADVERSARIAL_BYTES,
        help="size of the worst-case messages; 0 to skip",
    )
    parser.add_argument(
        "--long-lines",
        type=int,
        default=0,
        help=f"unlike lines of {LONG_LINE_WORDS:,} words to measure memory by; 0 to skip",
    )
    args = parser.parse_args()
    require_at_least_one(parser, args.repeats)

    wanted = {name for name in args.datasets.split(",") if name}
    sets = [name for name in args.sets.split(",") if name]
    if unknown := set(sets) - set(SETS):
        parser.error(f"unknown sets: {', '.join(sorted(unknown))}")
    print(f"{drain3_description()}\n")
    print(f"{'':<21}{'Gogent TemplateMiner':^35}{SEPARATOR}{'drain3':^28}".rstrip())
    print(
        f"{'dataset':<12} {'lines':>7} {'clusters':>9} {'true':>6} {'GA':>7} {'lines/s':>10}"
        f"{SEPARATOR}{'clusters':>9} {'GA':>7} {'lines/s':>10}"
    )
    for name in sets:
        samples = SETS[name](args.loghub)
        samples = [sample for sample in samples if not wanted or sample[0] in wanted]
        if samples:
            print(f"-- {name}")
            print_set(samples, errors=args.errors, repeats=args.repeats)
    messages, events = invented_sample(args.invented, args.seed)
    result = grouping_run(messages, events, repeats=args.repeats)
    print(
        f"\nheld-out check: {args.invented} hand-written messages unlike Loghub's, seed {args.seed}"
    )
    drain3_result = drain3_run(messages, events, repeats=args.repeats)
    print(f"{result.row('invented')}{SEPARATOR}{drain3_result.miner_columns()}")
    if args.errors:
        result.print_errors(messages, events)
    if args.generated:
        messages, events = generated_sample(args.generated, args.seed)
        result = grouping_run(messages, events, repeats=args.repeats)
        drain3_result = drain3_run(messages, events, repeats=args.repeats)
        print(f"\nheld-out check: {args.generated} generated logs, seed {args.seed}")
        print(f"{result.row('generated')}{SEPARATOR}{drain3_result.miner_columns()}")
        if args.errors:
            result.print_errors(messages, events)
    if args.one_start:
        print_one_start(args.one_start, args.seed)
    if args.adversarial_bytes:
        print_worst_case(args.adversarial_bytes)
    if args.long_lines:
        print_long_lines(args.long_lines, args.seed)
    return 0


Sample = tuple[str, list[str], list[str]]


def print_set(samples: Sequence[Sample], *, errors: bool, repeats: int = 1) -> None:
    """A row per sample, ours beside drain3's, then the mean GA and the overall speed."""
    accuracies: list[float] = []
    drain3_accuracies: list[float] = []
    total_lines = 0
    total_seconds = 0.0
    drain3_seconds = 0.0
    for name, messages, events in samples:
        result = grouping_run(messages, events, repeats=repeats)
        drain3_result = drain3_run(messages, events, repeats=repeats)
        accuracies.append(result.accuracy)
        drain3_accuracies.append(drain3_result.accuracy)
        total_lines += len(messages)
        total_seconds += result.seconds
        drain3_seconds += drain3_result.seconds
        print(f"{result.row(name)}{SEPARATOR}{drain3_result.miner_columns()}")
        if errors:
            result.print_errors(messages, events)
    print(
        f"{'mean GA':<12} {'':>7} {'':>9} {'':>6} {sum(accuracies) / len(accuracies):>7.3f}"
        f" {'':>10}{SEPARATOR}{'':>9} "
        f"{sum(drain3_accuracies) / len(drain3_accuracies):>7.3f}"
    )
    print(
        f"{'overall':<12} {total_lines:>7} {'':>9} {'':>6} {'':>7} "
        f"{total_lines / total_seconds:>10,.0f}{SEPARATOR}{'':>9} {'':>7} "
        f"{total_lines / drain3_seconds:>10,.0f}"
    )
    print(
        f"{'':<12} µs a message: ours {total_seconds / total_lines * 1e6:.1f}, "
        f"drain3 {drain3_seconds / total_lines * 1e6:.1f}"
    )


def loghub_samples(folder: Path) -> list[Sample]:
    if not folder.is_dir():
        return []
    return [
        (path.name, *loghub_sample(path))
        for path in sorted(folder.iterdir())
        if path.is_dir() and any(path.glob(f"{path.name}_2k.log_structured.csv"))
    ]


def labelled_samples(folder: Path) -> list[Sample]:
    """Each `<system>.csv` of a folder of bench/grouping_data, `Content,EventId`."""
    labelled_set_generated(folder)
    samples = []
    for file in sorted(folder.glob("*.csv")):
        messages, events = labelled_sample(file)
        samples.append((file.stem, messages, events))
    return samples


def labelled_set_generated(folder: Path) -> None:
    """The set's CSVs are generated, not kept in git: write them on first use."""
    systems = runpy.run_path(str(folder / "systems.py"))["SYSTEMS"]
    if any(not (folder / f"{name}.csv").is_file() for name in systems):
        runpy.run_path(str(GROUPING_DATA / "generate.py"))["write_set"](folder.name, quiet=True)


def labelled_sample(file: Path) -> tuple[list[str], list[str]]:
    if not file.is_file():
        labelled_set_generated(file.parent)
    with file.open(newline="", encoding="utf-8") as rows:
        pairs = [(row["Content"], row["EventId"]) for row in csv.DictReader(rows)]
    return [message for message, _ in pairs], [event for _, event in pairs]


# The sets a run reports, each a mean of its own: Loghub's eight samples, then our own
# labelled logs of other systems (bench/grouping_data/README.md), in the order they were
# written: the development set, tuned on from the start, then the held-out sets, each
# held out until its first measurement and tuned on after it.
LABELLED_SETS = (
    "development",
    "first_held_out",
    "second_held_out",
    "third_held_out",
    "held_out",
    "fifth_held_out",
    "sixth_held_out",
    "seventh_held_out",
    "eighth_held_out",
    "ninth_held_out",
    "tenth_held_out",
    "eleventh_held_out",
    "twelfth_held_out",
    "thirteenth_held_out",
    "fourteenth_held_out",
    "fifteenth_held_out",
    "sixteenth_held_out",
    "seventeenth_held_out",
    "eighteenth_held_out",
    "nineteenth_held_out",
    "twentieth_held_out",
    "twenty_first_held_out",
    "twenty_second_held_out",
    "twenty_third_held_out",
    "twenty_fourth_held_out",
    "twenty_fifth_held_out",
    "twenty_sixth_held_out",
    "twenty_seventh_held_out",
    "twenty_eighth_held_out",
    "twenty_ninth_held_out",
    "thirtieth_held_out",
    "thirty_first_held_out",
    "thirty_second_held_out",
    "thirty_third_held_out",
    "thirty_fourth_held_out",
    "thirty_fifth_held_out",
    "thirty_sixth_held_out",
    "thirty_seventh_held_out",
    "thirty_eighth_held_out",
    "thirty_ninth_held_out",
    "fortieth_held_out",
    "forty_first_held_out",
    "forty_second_held_out",
    "forty_third_held_out",
    "forty_fourth_held_out",
    "forty_fifth_held_out",
    "forty_sixth_held_out",
    "forty_seventh_held_out",
    "forty_eighth_held_out",
    "forty_ninth_held_out",
    "fiftieth_held_out",
    "fifty_first_held_out",
    "fifty_second_held_out",
    "fifty_third_held_out",
    "fifty_fourth_held_out",
    "fifty_fifth_held_out",
    "fifty_sixth_held_out",
    "fifty_seventh_held_out",
    "fifty_eighth_held_out",
    "fifty_ninth_held_out",
    "sixtieth_held_out",
    "sixty_first_held_out",
    "sixty_second_held_out",
    "sixty_third_held_out",
    "sixty_fourth_held_out",
    "sixty_fifth_held_out",
    "sixty_sixth_held_out",
    "sixty_seventh_held_out",
)
SETS: dict[str, Callable[[Path], list[Sample]]] = {
    "loghub": loghub_samples,
    **{name: lambda _, name=name: labelled_samples(GROUPING_DATA / name) for name in LABELLED_SETS},
}


def loghub_sample(folder: Path) -> tuple[list[str], list[str]]:
    return labelled_sample(next(folder.glob(f"{folder.name}_2k.log_structured.csv")))


def generated_sample(count: int, seed: int) -> tuple[list[str], list[str]]:
    payloads: Iterator[dict] = (orjson.loads(raw) for raw in generated_logs(seed=seed))
    pairs = [
        (payload["message"], payload["context"]["generated"]["template"])
        for payload in islice(payloads, count)
    ]
    return [message for message, _ in pairs], [event for _, event in pairs]


# --- hand-written families: shapes from systems the Loghub samples above do not cover ----

# Each family is one event: (name, weight, layout). Fields in braces are filled at random;
# a family's messages must group together and apart from every other family's.
INVENTED_FAMILIES: tuple[tuple[str, int, str], ...] = (
    # Windows servicing and update agents
    ("win_stack", 20, r"Servicing stack {version} loaded from {winpath}"),
    ("win_session", 30, "Update session {int}_{int} opened by client {client}"),
    ("win_pkg", 40, "Package {package} is not applicable, state: {int}, target: {int}"),
    ("win_regkey", 8, r"Failed to open registry key {regkey} [HRESULT = {hex8} - {hresult}]"),
    ("win_attr", 10, "Warning: unknown manifest attribute ignored."),
    # Android framework
    ("and_acquire", 40, 'acquire wakelock={int}, flags={hexs}, tag="{tag}", name={app}, uid={int}'),
    ("and_release", 35, "release wakelock={int}, flags={hexs}, held_ms={int}"),
    ("and_visibility", 20, "setUiVisibility vis={hexs} mask={hexs} old={hexs} new={hexs} diff={hexs}"),
    ("and_anim_begin", 15, "startTransition begin"),
    ("and_anim_end", 15, "startTransition end"),
    ("and_touch", 25, "dispatchTouch action:{touch} x={float} y={float}"),
    ("and_token", 6, "Hiding WindowToken{{{hexs} {app}/.{activity}}} -- not visible"),
    # macOS kernel and daemons
    ("mac_wifi_seq", 25, "WLAN: {float}: wl0: tcpkeep_update: seq {int}, ack {int}, window {int}"),
    ("mac_sandbox", 15, "Sandbox: {process}({int}) deny(1) mach-lookup com.apple.{service}"),
    ("mac_bssid", 6, "en0: BSSID changed to {mac}"),
    ("mac_wake", 12, "Wake reason: {wake}"),
    ("mac_nhi", 8, "ThunderboltBridge::prepareWake - power up done - took {int} us"),
    ("mac_fence", 5, "CoreGraphics: fence {hex8} timed out after {dur}"),
    # OpenStack compute and API
    ("os_get", 40, '{ip} "GET /v2/{hex32}/servers/detail HTTP/1.1" status: 200 len: {int} time: {float}'),
    ("os_post", 15, '{ip} "POST /v2/{hex32}/os-server-events HTTP/1.1" status: 200 len: {int} time: {float}'),
    ("os_claim", 10, "[instance: {uuid}] Claim successful on node {host}"),
    ("os_disk", 10, "[instance: {uuid}] Total disk: {int} GB, used: {float} GB"),
    ("os_sync", 8, "While synchronizing instance power states, found {int} instances in the database"),
    # HPC cluster management
    ("hpc_component", 15, "Component \\042{component}\\042 is in the unavailable state (HWID={int})"),
    ("hpc_ambient", 20, "ambient={int}"),
    ("hpc_fan", 12, "node {node} fan {int} speed {int} rpm below threshold {int} rpm"),
    ("hpc_link", 6, "Link error on broadcast tree Interconnect-{int}T{int}:{int}:{int}:{int}"),
    # desktop proxy client: process names and targets are the variables
    ("proxy_open", 60, "{exe} - {target} open through proxy {proxy} HTTPS"),
    ("proxy_close", 60, "{exe} - {target} close, {int} bytes sent, {int} bytes received, lifetime {lifetime}"),
    ("proxy_close_kb", 15, "{exe} - {target} close, {int} bytes ({float} KB) sent, {int} bytes ({float} KB) received, lifetime {lifetime}"),
    ("proxy_error", 10, "{exe} - {target} error : Could not connect through proxy {proxy} - Proxy server cannot establish a connection with the target, status code {int}"),
    # health app on a phone
    ("health_step", 40, "onStepCountChanged {int}"),
    ("health_stride", 30, "onStride:{int} {int} {int} {int}"),
    ("health_summary", 20, "SUMMARY : {int} {int} {int} {int}"),
    ("health_kcal", 20, "computeKcalFromCache totalKcal={int}"),
    ("health_daily", 15, "storeDailySteps={int}##{int}##{int}##{int}"),
    ("health_flush", 10, "flush accelerometer buffer"),
    ("health_broadcast", 12, "handleSystemBroadcast action:{intent}"),
    # supercomputer syslog
    ("tb_session", 30, "pam session started for account {user} (uid={int})"),
    ("tb_ext3", 8, "EXT3-fs error (device {device}): ext3_lookup: bad inode #{int} at offset {int}"),
    ("tb_sweep", 10, "[ib_fabric_sweep.c:{int}]: sweep found {int} new ports, {int} ports gone"),
    ("tb_publickey", 20, "Accepted publickey for {user} from {ip} port {int} ssh2"),
    # generic services
    ("svc_login", 20, "user {user} logged in from {ip}"),
    ("svc_logout", 20, "user {user} logged out from {ip}"),
    ("svc_refused", 10, "Connection refused"),
    ("svc_reset", 10, "Connection reset by peer"),
    ("svc_starting", 10, "Starting {daemon} service"),
    ("svc_stopping", 10, "Stopping {daemon} service"),
    ("svc_request", 30, "{method} {url} returned {int} in {dur} for {email}"),
    ("svc_token", 10, "Refreshed token for client '{client_id}' valid until {when}"),
)  # fmt: skip
INVENTED_VALUES: dict[str, tuple[str, ...]] = {
    "client": ("UpdateAgent", "DeviceManager", "TrustedInstaller", "DefenderScan", "WinStore"),
    "hresult": ("E_ACCESSDENIED", "E_FAIL", "ERROR_FILE_NOT_FOUND"),
    "tag": ("View Lock", "*job*/sync", "AudioMix", "WifiSuspend", "NlpWakeLock", "alarm:TIME_TICK"),
    "app": ("com.android.systemui", "com.example.mail", "android", "com.google.gms", "org.maps"),
    "activity": ("Main", "Settings", "Compose", "Launcher"),
    "touch": ("DOWN", "UP", "MOVE", "CANCEL"),
    "process": ("mdworker", "Safari", "cloudd", "photolibraryd", "softwareupdated", "QuickLook"),
    "service": ("tccd", "windowserver", "nsurlsessiond", "lsd.mapdb", "pasteboard.1"),
    "wake": ("RTC (Alarm)", "EC.LidOpen (User)", "XHC1", "ARPT (Network)", "EC.PowerButton (User)"),
    "component": ("alt0", "alt1", "psu2", "fan3", "mb0"),
    "exe": (
        "chrome.exe",
        "firefox.exe *64",
        "Dropbox.exe",
        "Teams.exe",
        "svchost.exe *64",
        "outlook.exe",
        "Spotify.exe",
        "git-remote-https.exe",
        "slack.exe",
        "zoom.exe",
    ),
    "intent": (
        "android.intent.action.SCREEN_ON",
        "android.intent.action.SCREEN_OFF",
        "android.intent.action.TIME_TICK",
        "android.intent.action.USER_PRESENT",
        "android.intent.action.BATTERY_LOW",
    ),
    "user": ("root", "admin", "oracle", "deploy", "alice", "bob", "postgres", "jenkins"),
    "daemon": ("cups", "bluetooth", "avahi", "ntp", "postfix", "docker"),
    "method": ("GET", "POST", "PUT", "DELETE"),
    "device": ("sda1", "sdb2", "md0", "dm-3"),
    "lifetime": ("<1 sec", "00:01", "00:14", "02:35", "<1 sec"),
}


def invented_sample(count: int, seed: int) -> tuple[list[str], list[str]]:
    """Messages from INVENTED_FAMILIES with their family as the true event."""
    rng = random.Random(seed)
    makers: dict[str, Callable[[], str]] = {
        name: (lambda values=values: rng.choice(values)) for name, values in INVENTED_VALUES.items()
    }
    makers.update(
        int=lambda: str(
            rng.choice((rng.randint(0, 9), rng.randint(10, 999), rng.randint(1000, 10**7)))
        ),
        float=lambda: f"{rng.uniform(0, 5000):.{rng.randint(1, 6)}f}",
        hex8=lambda: f"0x{rng.getrandbits(32):08X}",
        hexs=lambda: f"0x{rng.getrandbits(rng.choice((4, 8, 16, 32))):x}",
        hex32=lambda: f"{rng.getrandbits(128):032x}",
        uuid=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        mac=lambda: ":".join(f"{rng.getrandbits(8):02x}" for _ in range(6)),
        ip=lambda: (
            f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        ),
        host=lambda: (
            rng.choice(("cp-", "compute-", "node")) + f"{rng.randint(1, 60):02d}.cloud.local"
        ),
        node=lambda: f"{rng.choice('abcdef')}{rng.randint(1, 9)}-{rng.randint(1, 64)}",
        version=lambda: (
            f"{rng.randint(6, 10)}.{rng.randint(0, 3)}.{rng.randint(1000, 22000)}.{rng.randint(1, 9999)}"
        ),
        winpath=lambda: (
            rf"C:\Windows\WinSxS\amd64_servicing-stack_{rng.getrandbits(32):08x}\stack.dll"
        ),
        package=lambda: (
            f"Package_for_KB{rng.randint(100000, 5999999)}~{rng.getrandbits(64):016x}~amd64~~{rng.randint(6, 10)}.{rng.randint(0, 3)}.{rng.randint(1, 9999)}.{rng.randint(1, 99)}"
        ),
        regkey=lambda: (
            rf"HKLM\SOFTWARE\Vendor{rng.randint(1, 9)}\Setup\{rng.choice(('Components', 'Features', 'State'))}"
        ),
        dur=lambda: rng.choice(
            (
                f"{rng.randint(1, 999)}ms",
                f"{rng.randint(1, 59)}s",
                f"{rng.randint(1, 9)}m{rng.randint(0, 59):02d}s",
                f"{rng.uniform(0, 9):.2f}s",
            )
        ),
        target=lambda: rng.choice(
            (
                f"{rng.choice(('api', 'www', 'cdn', 'mail'))}.{rng.choice(('example.com', 'contoso.net', 'fabrikam.io', 'shop.example.org'))}:{rng.choice((80, 443, 8080))}",
                f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.choice((80, 443, 5222))}",
            )
        ),
        proxy=lambda: rng.choice(
            ("proxy.corp.example.com:3128", "gateway.example.net:8080", "10.8.0.1:1080")
        ),
        url=lambda: (
            rng.choice(("https://api.example.com/v1/items/", "/v2/orders/", "/healthz?verbose="))
            + str(rng.randint(1, 99999))
        ),
        email=lambda: (
            f"{rng.choice(('ops', 'jane.doe', 'build+ci'))}@{rng.choice(('example.com', 'corp.example.org'))}"
        ),
        client_id=lambda: f"svc-{rng.getrandbits(24):06x}",
        when=lambda: (
            f"{rng.randint(2023, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
        ),
    )
    weights = [weight for _, weight, _ in INVENTED_FAMILIES]
    messages, events = [], []
    for _ in range(count):
        name, _, layout = rng.choices(INVENTED_FAMILIES, weights=weights)[0]
        messages.append(_FIELD.sub(lambda field: makers[field.group(1)](), layout))
        events.append(name)
    return messages, events


_FIELD = re.compile(r"\{(\w+)\}")


# --- worst case: messages shaped to make masking work hardest ----------------------------

# (unit, head, tail): the unit repeated between head and tail up to the size. Each rule in
# logs/grouping/masking.py gets the prefix it looks for, repeated without what ends it.
ADVERSARIAL_SHAPES: dict[str, tuple[str, str, str]] = {
    # text in general
    "long word": ("a", "", ""),
    'long word, "': ("a", "", '"'),
    "long word, '": ("a", "", "'"),
    "long word, `": ("a", "", "`"),
    'long non-ASCII word, "': ("é", "", '"'),
    "=": ("=", "", ""),
    ":": (":", "", ""),
    '"': ('"', "", ""),
    "'": ("'", "", ""),
    "`": ("`", "", ""),
    "digits": ("7", "", ""),
    "dots": (".", "", ""),
    "slashes": ("/", "", ""),
    "backslashes": ("\\", "", ""),
    "dashes": ("-", "", ""),
    "hex": ("deadbeef", "", ""),
    "openers": ("[({<", "", ""),
    "closers": (")]}>", "", ""),
    "key=": ("key=", "", ""),
    'key="': ('key="', "", ""),
    "key='": ("key='", "", ""),
    "key: ": ("key: ", "", ""),
    'key=" unclosed': ("a ", 'key="', ""),
    "key=' unclosed": ("a ", "key='", ""),
    # _KEY_QUOTED: a long key, then no value
    'key characters, ="': ("a.-", "", '="'),
    'word, = "': ("a", "", '= "'),
    "quoted values": ("a=\"b a='c ", "", ""),
    "empty quoted values": ('a="" ', "", ""),
    # _QUOTED_WORD
    'unclosed "word': ("a", '"', ""),
    "'a": ("'a", "", ""),
    '"a"a': ('"a"a', "", ""),
    "`a": ("`a", "", ""),
    # _TIMESTAMP
    "Mon ": ("Mon ", "", ""),
    "Monday, ": ("Monday, ", "", ""),
    "Jan ": ("Jan ", "", ""),
    "Jan 1": ("Jan 1", "", ""),
    "1 Jan ": ("1 Jan ", "", ""),
    "1-Jan-": ("1-Jan-", "", ""),
    "Mon, long word": ("a", "Mon", ""),
    "Mon, spaces": (" ", "Mon", "x"),
    "Jan 1, separators": (" -", "Jan 1", "x"),
    "Jan 1, T": (" T", "Jan 1", "x"),
    "Jan 1, spaces, 1": (" ", "Jan 1", "1"),
    "date, time, fraction": ("Jan 1 1:00:00,", "", ""),
    # a list of quoted values
    "quoted items": ("'a' ", "", ""),
    # _DAYS_AND_TIME
    "1 day, ": ("1 day, ", "", ""),
    "days, long number": ("1", "2 days, 1:00:00.", ""),
    # _URL
    "scheme characters, :/": ("a+.-", "", ":/"),
    "a:/": ("a:/", "", ""),
    "long URL": ("a", "a://", ""),
    # _EMAIL
    "local part, @": ("a.+-", "", "@a.a!"),
    "domain labels, !": ("a.", "a@", "!"),
    "a@": ("a@", "", ""),
    # _PATH
    "a/": ("a/", "", ""),
    "/a": ("/a", "", ""),
    "~/": ("~/", "", ""),
    "./": ("./", "", ""),
    "drive, long word": ("a", "C:\\", ""),
    # _UUID, _MAC
    "UUID groups": ("abcdef01-", "", ""),
    "MAC pairs, :": ("ab:", "", ""),
    "MAC pairs, -": ("ab-", "", ""),
    # _IPV6
    "a:": ("a:", "", ""),
    "a:.": ("a:.", "", ""),
    "::, hex and dots, g": ("a.", "::", "g"),
    "[, a:": ("a:", "[", "!"),
    "::%, long word": ("a", "::%", "!"),
    ":1": (":1", "", "g"),
    "a::": ("a::", "", "g"),
    # _KEY_VALUE
    "a.": ("a.", "", ""),
    "a[": ("a[", "", ""),
    "a-]": ("a-]", "", ""),
    "key, dots": (".", "a", ""),
    "key characters, !": (".-[]", "a", "!"),
    # _HOST
    "labels, a!": ("a.", "", "a!"),
    "a-.": ("a-.", "", "!"),
    "labels, ab:": ("a.", "", "ab:"),
    "one label, !": ("b", "a.", "!"),
    "labels, :1!": ("ab.", "", ":1!"),
    # _FILE
    "labels, !": ("a.", "", "!"),
    "labels, long extension": ("a.", "", "abcdefghijk"),
    "a_.": ("a_.", "", ""),
    # _HEX_RUN
    "_abcdef": ("_abcdef", "", ""),
    "hex letters, g": ("abcdef", "-", "g"),
    # _mask_quoted_phrases, _request_targets, _mask_route
    '"a b" ': ('"a b" ', "", ""),
    '"a b': ('"a b', "", ""),
    '\\"': ('\\"', '"', ""),
    '"GET a': ('"GET a', "", ""),
    # _opens_message
    'msg="a b" ': ('msg="a b" ', "", ""),
    'msg=" unclosed': ("a ", 'msg="', ""),
    'msg="msg="': ('msg="', "", ""),
    "request lines": ("GET /a/1?b=2 HTTP/1.1 ", "", ""),
    "long route": ("a1/b/", "GET /", " HTTP/1.1"),
    "route of ?": ("?", "GET /", " HTTP/1.1"),
    # _HOST_PORT, _DOTTED_NAME
    "labels, :1": ("a-b.", "", ":1"),
    "capitalized labels": ("A.", "", "B"),
    # bracket_groups
    "( ": ("( ", "", ""),
    "(a ": ("(a ", "", ""),
    "[a ": ("[a ", "", ""),
    "((a ": ("((a ", "", ""),
    "(a) ": ("(a) ", "", ""),
    # _joined_objects, _spaced_values
    "a{ ": ("a{ ", "", ""),
    "a{ b} ": ("a{ b} ", "", ""),
    "k=a{1 b} ": ("k=a{1 b} ", "", ""),
    "a(1 ": ("a(1 ", "", ""),
    "a{ a{ ": ("a{ a{ b} ", "", ""),
    "= ": ("= ", "", ""),
    "a= b ": ("a= b ", "", ""),
    # the miner's runs of words after labels (_spans, _gap_family)
    "a: 1 ": ("a: 1 ", "", ""),
    "a: b ": ("a: b ", "", ""),
    "a= b. ": ("a= b. ", "", ""),
    "a 1 B ": ("a 1 B ", "", ""),
    "a 1 B C ": ("a 1 B C ", "", ""),
    # units, comparators, wrappers, templates masked again
    "1 B ": ("1 B ", "", ""),
    "<1 sec ": ("<1 sec ", "", ""),
    "1 ": ("1 ", "", ""),
    "<1": ("<1", "", ""),
    "() ": ("() ", "", ""),
    "<*>": ("<*>", "", ""),
    "<*> ": ("<*> ", "", ""),
}  # fmt: skip
# Realistic lines with the usual variables (addresses, ids, key=value, quotes, a date).
ORDINARY_LINES = (
    "Accepted password for admin from 10.0.0.12 port 52144 ssh2; "
    "Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6; "
    'user="alice" action=login status=ok took 35ms at Mon Jan 06 10:22:01 2025; '
    "Connection to db-primary.example.com:5432 timed out after 30s, retrying; "
)


def adversarial_messages(size: int) -> dict[str, str]:
    """Messages of at most `size` UTF-8 bytes, by name, each built to be costly to mask."""
    messages = {
        name: _repeated(unit, size, head=head, tail=tail)
        for name, (unit, head, tail) in ADVERSARIAL_SHAPES.items()
    }
    depth = size // 2 - 1
    messages["nested brackets"] = "(" * depth + "a1" + ")" * depth
    # Half the line fields, half levels' names with their colons after them.
    fields = "a=1 " * (size // 8)
    messages["fields, then levels"] = fields + "INFO: " * ((size - len(fields)) // 6)
    rng = random.Random(size)
    messages["random punctuation"] = "".join(rng.choices("a0=:.\"'`/\\-_@%[](){}<> ", k=size))
    return messages


def ordinary_message(size: int) -> str:
    """A message of at most `size` bytes made of ordinary log lines, to compare costs with."""
    return _repeated(ORDINARY_LINES, size)


def _repeated(unit: str, size: int, *, head: str = "", tail: str = "") -> str:
    room = size - len(head.encode()) - len(tail.encode())
    return head + unit * (room // len(unit.encode())) + tail


def masking_call(message: str) -> Callable[[], object]:
    return partial(mask, message)


def mining_call(message: str) -> Callable[[], object]:
    """`TemplateMiner.add()` of the message into a miner holding a neighbour of it (one
    character changed), so that the message is compared with a template, not only masked."""
    middle = len(message) // 2
    other = "Z" if message[middle : middle + 1] != "Z" else "Y"
    miner = TemplateMiner()
    miner.add(message[:middle] + other + message[middle + 1 :])
    return partial(miner.add, message)


def mining_after_shorter_call(message: str) -> Callable[[], object]:
    """`TemplateMiner.add()` of the message into a miner holding its first half, so that the
    message is compared with a shorter template whose `<*>` may span several words."""
    miner = TemplateMiner()
    miner.add(message[: len(message) // 2])
    return partial(miner.add, message)


# What ingest does to each message's text, as a call to time once prepared.
GROUPING_CALLS: dict[str, Callable[[str], Callable[[], object]]] = {
    "mask()": masking_call,
    "TemplateMiner.add()": mining_call,
    "add() after its half": mining_after_shorter_call,
}


def seconds_per_call(
    prepare: Callable[[str], Callable[[], object]],
    message: str,
    *,
    repeats: int = 3,
    enough: float = 0.0,
    hopeless: float = 1.0,
) -> float:
    """The fastest of up to `repeats` calls, the one least disturbed by other work. Stops at
    a call under `enough` seconds, or at one over `hopeless`, which noise cannot explain."""
    fastest = float("inf")
    for _ in range(repeats):
        call = prepare(message)
        started = time.perf_counter()
        call()
        fastest = min(fastest, time.perf_counter() - started)
        if fastest < enough or fastest > hopeless:
            break
    return fastest


# Words of each line of `--long-lines`: some 32,000 characters, half the largest message.
LONG_LINE_WORDS = 4000


def print_long_lines(count: int, seed: int) -> None:
    """The memory the miner holds (the process's resident size, grown since the start) as
    unlike lines of LONG_LINE_WORDS random words pile up."""
    rng = random.Random(seed)
    miner = TemplateMiner()
    before = rss_mib(os.getpid())
    print(f"\nlong lines: {count:,} unlike lines of {LONG_LINE_WORDS:,} words; memory held")
    steps = sorted({count // 4, count // 2, count} - {0})
    done = 0
    for step in steps:
        for number in range(done, step):
            words = (
                "".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(LONG_LINE_WORDS)
            )
            miner.add(f"event {number} {' '.join(words)}")
        grown = rss_mib(os.getpid()) - before
        templates = len(list(miner.clusters()))
        print(f"{done:>7,} to {step:>7,} {grown:>8,.0f} MiB, {templates:,} templates in memory")
        done = step


def one_start_rows(count: int, seed: int) -> list[str]:
    """Rows of a table that all start "Event |", each unlike the others: each makes a
    template of its own, all found by the same first word. A column holds a value, which
    a row may leave out as tables of alarms do."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        words = ["".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(6)]
        rows.append(
            f"Event | {words[0]} {words[1]} | {rng.randint(1, 999)} | {words[2]} {words[3]}"
            f" {words[4]} | {words[5]}"
        )
    return rows


def print_one_start(count: int, seed: int) -> None:
    """Lines per second of `add()` as unlike rows of one start pile up: each costs what the
    templates it is compared with cost, so this shows whether that stays bounded."""
    rows = one_start_rows(count, seed)
    miner = TemplateMiner()
    print(f"\none start: {count:,} unlike rows, each a template of its own; lines/s by templates")
    steps = sorted({count // 8, count // 4, count // 2, count} - {0})
    done = 0
    for step in steps:
        started = time.perf_counter()
        for row in rows[done:step]:
            miner.add(row)
        print(f"{done:>7,} to {step:>7,} {(step - done) / (time.perf_counter() - started):>10,.0f}")
        done = step


def print_worst_case(size: int) -> None:
    messages = adversarial_messages(size)
    ordinary = ordinary_message(size)
    per_kib = 1e6 * 1024 / size
    print(f"\nworst case: {len(messages)} shapes of {size:,} bytes, µs per KiB")
    print(f"{'':<20} {'ordinary':>9} {'worst':>9}  shape")
    for name, prepare in GROUPING_CALLS.items():
        prepare(ordinary)()
        usual = seconds_per_call(prepare, ordinary, repeats=5)
        worst, shape = max(
            (seconds_per_call(prepare, text), shape) for shape, text in messages.items()
        )
        print(f"{name:<20} {usual * per_kib:>9,.0f} {worst * per_kib:>9,.0f}  {shape}")


class GroupingResult:
    def __init__(self, predicted: list[str], events: Sequence[str], seconds: float) -> None:
        self.predicted = predicted
        self.events = events
        self.seconds = seconds
        self.accuracy = grouping_accuracy(predicted, events)

    def row(self, name: str) -> str:
        return (
            f"{name:<12} {len(self.events):>7} {len(set(self.predicted)):>9} "
            f"{len(set(self.events)):>6} {self.accuracy:>7.3f} "
            f"{len(self.events) / self.seconds:>10,.0f}"
        )

    def miner_columns(self) -> str:
        """Clusters, GA and lines per second: what depends on the miner, not the data."""
        return (
            f"{len(set(self.predicted)):>9} {self.accuracy:>7.3f} "
            f"{len(self.events) / self.seconds:>10,.0f}"
        )

    def print_errors(self, messages: Sequence[str], events: Sequence[str]) -> None:
        """For each wrongly grouped true event: how its messages were spread."""
        by_event: dict[str, Counter[str]] = defaultdict(Counter)
        by_cluster: dict[str, Counter[str]] = defaultdict(Counter)
        example: dict[tuple[str, str], str] = {}
        for message, event, cluster in zip(messages, events, self.predicted, strict=True):
            by_event[event][cluster] += 1
            by_cluster[cluster][event] += 1
            example.setdefault((event, cluster), message)
        for event, clusters in sorted(by_event.items()):
            if len(clusters) == 1 and len(by_cluster[next(iter(clusters))]) == 1:
                continue
            print(f"  {event}: {sum(clusters.values())} messages in {len(clusters)} clusters")
            for cluster, count in clusters.most_common(6):
                others = sorted(set(by_cluster[cluster]) - {event})
                print(f"    {count:>5} {example[(event, cluster)][:110]!r} with {others[:6]}")


def grouping_run(
    messages: Sequence[str], events: Sequence[str], *, repeats: int = 1
) -> GroupingResult:
    """The miner over the messages, from a cold start each time."""
    matches, seconds = fastest_run(_cold_miner, messages, repeats)
    return GroupingResult(groups_after_merges(matches), events, seconds)


def _cold_miner() -> Callable[[str], GroupMatch]:
    forget_masked_tokens()
    return TemplateMiner().add


Result = TypeVar("Result")


def fastest_run(
    fresh_add: Callable[[], Callable[[str], Result]], messages: Sequence[str], repeats: int
) -> tuple[list[Result], float]:
    """Each message through a fresh `add` from `fresh_add()`, `repeats` times: what the
    last run returned (every run returns alike) and the seconds of the fastest."""
    seconds = float("inf")
    results: list[Result] = []
    for _ in range(repeats):
        add = fresh_add()
        started = time.perf_counter()
        results = [add(message) for message in messages]
        seconds = min(seconds, time.perf_counter() - started)
    return results, seconds


def groups_after_merges(matches: Sequence[GroupMatch]) -> list[str]:
    """Each message's final group, merges applied in the order they happened, as the
    product moves a pattern's logs when it is merged. A key is a template's content, so a
    key merged away can come back later as a new pattern: that one is a new group."""
    group_of_key: dict[str, int] = {}
    members: dict[int, list[int]] = {}
    for index, match in enumerate(matches):
        survivor = match.cluster.key
        if survivor not in group_of_key:
            group_of_key[survivor] = index
            members[index] = []
        survivor_members = members[group_of_key[survivor]]
        for key in match.merged:
            if key != survivor and key in group_of_key:
                survivor_members += members.pop(group_of_key.pop(key))
        survivor_members.append(index)
    predicted = [""] * len(matches)
    for group, indexes in members.items():
        for index in indexes:
            predicted[index] = str(group)
    return predicted


# --- drain3, for comparison ---------------------------------------------------------------

# drain3's README, "Masking": "following masking instructions ... will mask IP addresses and
# integers". Everything else is TemplateMinerConfig()'s default; neither is tuned here.
DRAIN3_MASKING = (
    (r"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})((?=[^A-Za-z0-9])|$)", "IP"),
    (r"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+)((?=[^A-Za-z0-9])|$)", "NUM"),
)
SEPARATOR = "  | "


def drain3_config() -> TemplateMinerConfig:
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.masking_instructions = [
        MaskingInstruction(pattern, name) for pattern, name in DRAIN3_MASKING
    ]
    return config


def drain3_description() -> str:
    config = drain3_config()
    masks = ", ".join(f"<{name}>" for _, name in DRAIN3_MASKING)
    return (
        f"drain3 {importlib.metadata.version('drain3')}: "
        f"default TemplateMinerConfig (sim_th={config.drain_sim_th}, depth={config.drain_depth}, "
        f"max_children={config.drain_max_children}, max_clusters={config.drain_max_clusters}, "
        f"extra_delimiters={config.drain_extra_delimiters}, "
        f"parametrize_numeric_tokens={config.parametrize_numeric_tokens}) plus its README's "
        f"masking of IP addresses and integers ({masks}); no persistence, untuned"
    )


def drain3_run(
    messages: Sequence[str], events: Sequence[str], *, repeats: int = 1
) -> GroupingResult:
    """drain3 over the messages, timed as `grouping_run` times ours; a message's group is
    the cluster it was added to (drain3 never merges clusters)."""
    from drain3 import TemplateMiner as Drain3TemplateMiner

    results, seconds = fastest_run(
        lambda: Drain3TemplateMiner(config=drain3_config()).add_log_message, messages, repeats
    )
    return GroupingResult([str(result["cluster_id"]) for result in results], events, seconds)


def grouping_accuracy(predicted: Sequence[str], events: Sequence[str]) -> float:
    """Share of messages whose predicted group is exactly their true group."""
    event_sizes = Counter(events)
    members: dict[str, Counter[str]] = defaultdict(Counter)
    for cluster, event in zip(predicted, events, strict=True):
        members[cluster][event] += 1
    correct = 0
    for counts in members.values():
        if len(counts) == 1:
            event, count = next(iter(counts.items()))
            if count == event_sizes[event]:
                correct += count
    return correct / len(events) if events else 1.0


if __name__ == "__main__":
    raise SystemExit(main())
