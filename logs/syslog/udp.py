"""The UDP socket receive_syslog reads by hand (logs.syslog.receiver), and what the kernel
says it dropped for it."""

from __future__ import annotations

import contextlib
import os
import socket

# Room for bursts while the loop is busy; the kernel caps it at net.core.rmem_max.
UDP_RECEIVE_BUFFER = 4 * 1024 * 1024
UDP_MAX_DATAGRAM = 65535


def udp_socket(host: str, port: int) -> socket.socket:
    """A non-blocking UDP socket bound to host:port, with a large receive buffer."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_DGRAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, protocol)
    try:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, UDP_RECEIVE_BUFFER)
        sock.bind(address)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def udp_socket_drops(sock: socket.socket) -> int | None:
    """The kernel's count of datagrams it dropped for this socket (/proc/net/udp, "drops"),
    or None where that cannot be read."""
    try:
        inode = str(os.fstat(sock.fileno()).st_ino)
        for table in ("/proc/net/udp", "/proc/net/udp6"):
            with open(table) as lines:
                for line in lines:
                    fields = line.split()
                    if len(fields) >= 13 and fields[9] == inode:
                        return int(fields[12])
    except (OSError, ValueError):
        return None
    return None
