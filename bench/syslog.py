"""receive_syslog throughput: syslog lines a second acknowledged by JetStream, over UDP and TCP.

Starts a nats-server and `manage.py receive_syslog` (on a fresh SQLite database for its status
row) in a temp dir, then sends RFC 5424 lines from this process: over UDP at --udp-rate
(datagrams past what the receiver reads are dropped by the kernel, and counted), and over one
TCP connection as fast as the receiver takes them (TCP holds the sender back, nothing is
lost). Each figure runs from the first line sent to the moment the stream holds the last.

    .venv/bin/python bench/syslog.py                       # about 1 minute
    .venv/bin/python bench/syslog.py --messages 200000 --udp-rate 40000
"""

from __future__ import annotations

import asyncio
import re
import socket
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import (  # noqa: E402
    Children,
    argument_parser,
    bench_env,
    free_port,
    machine_text,
    manage_argv,
    migrate,
    nats_server_start,
    peak_rss_mib,
    require_at_least_one,
    temp_dir,
    unwind_on_sigterm,
)

STREAM = "AGENT_STREAM"
LINE = (
    "<134>1 2026-01-02T03:04:05.678Z plc-line{line}-{cell} press {pid} CYCLE "
    '[plant@32473 line="{line}"] {transport}-{n} cycle time {ms} ms over limit'
)


def stream_messages(url: str) -> int:
    import nats
    from nats.js.errors import NotFoundError

    async def count() -> int:
        client = await nats.connect(url)
        try:
            return (await client.jetstream().stream_info(STREAM)).state.messages
        except NotFoundError:
            return 0
        finally:
            await client.close()

    return asyncio.run(count())


def wait_for_stream(url: str, count: int, timeout: float) -> float:
    """Seconds until the stream holds `count` messages (or the timeout: then it says so)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stream_messages(url) >= count:
            return time.monotonic()
        time.sleep(0.05)
    raise TimeoutError(f"the stream held {stream_messages(url)} of {count} after {timeout:.0f}s")


def lines(transport: str, count: int) -> list[bytes]:
    return [
        LINE.format(line=n % 7, cell=n % 13, pid=n % 997, transport=transport, n=n,
                    ms=n % 500).encode()
        for n in range(count)
    ]  # fmt: skip


def kernel_drops(log: str) -> int:
    found = re.findall(r"\(and (\d+) by the kernel\)", log)
    return int(found[-1]) if found else 0


def main() -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--messages", type=int, default=50_000, help="lines per transport")
    parser.add_argument("--udp-rate", type=int, default=20_000, help="UDP datagrams a second")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and its logs")
    args = parser.parse_args()
    require_at_least_one(parser, args.messages, args.udp_rate)
    unwind_on_sigterm()

    with temp_dir(keep=args.keep, prefix="gogent-bench-syslog-") as tmp:
        tmp_path = Path(tmp)
        nats_port, syslog_port = free_port(), free_port()
        url = f"nats://127.0.0.1:{nats_port}"
        env = bench_env(
            data_dir=tmp_path / "data",
            database_url=f"sqlite:///{tmp_path / 'gogent.db'}",
            NATS_URL=url,
            SYSLOG_BIND=f"127.0.0.1:{syslog_port}",
            SYSLOG_STATUS_INTERVAL="1",
            LOG_LEVEL="INFO",
        )
        print(f"receive_syslog throughput ({machine_text()}), {args.messages} lines each")
        migrate(env)
        with Children(tmp_path) as children:
            nats_server_start(children, tmp_path / "nats", nats_port, env)
            receiver = children.start("receive_syslog", manage_argv("receive_syslog"), env=env)
            deadline = time.monotonic() + 60
            while "connected to NATS" not in receiver.log_text():
                children.check_alive(receiver)
                if time.monotonic() > deadline:
                    raise TimeoutError("receive_syslog did not connect within 60 s")
                time.sleep(0.05)

            udp_lines = lines("udp", args.messages)
            started = time.monotonic()
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                for number, line in enumerate(udp_lines):
                    wait = started + number / args.udp_rate - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                    sock.sendto(line, ("127.0.0.1", syslog_port))
            sent_for = time.monotonic() - started
            time.sleep(2)  # the receiver's next count line says what the kernel dropped
            dropped = kernel_drops(receiver.log_text())
            done = wait_for_stream(url, args.messages - dropped, timeout=300)
            udp_seconds = done - started
            print(
                f"  UDP  {args.messages - dropped:>8} published in {udp_seconds:6.2f} s: "
                f"{(args.messages - dropped) / udp_seconds:>8,.0f} lines/s "
                f"(sent at {args.messages / sent_for:,.0f}/s; {dropped} dropped by the kernel)"
            )

            before = stream_messages(url)
            payload = b"".join(line + b"\n" for line in lines("tcp", args.messages))
            started = time.monotonic()
            with socket.create_connection(("127.0.0.1", syslog_port)) as sock:
                sock.sendall(payload)
                done = wait_for_stream(url, before + args.messages, timeout=300)
            tcp_seconds = done - started
            print(
                f"  TCP  {args.messages:>8} published in {tcp_seconds:6.2f} s: "
                f"{args.messages / tcp_seconds:>8,.0f} lines/s (one connection, newline framing)"
            )
            print(f"  receive_syslog peak RSS {peak_rss_mib(receiver.process.pid):.0f} MiB")
            exit_code = children.stop(receiver)
            print(f"  receive_syslog exit code on SIGTERM: {exit_code}")


if __name__ == "__main__":
    main()
