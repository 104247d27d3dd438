"""Syslog intake: `manage.py receive_syslog` takes RFC 5424 and RFC 3164 over UDP and TCP
and publishes each line to the NATS subject as a log, where consume_logs stores it like any
other (docs/syslog.md).

parse.py turns one frame into a log's fields; message.py shapes it into the JSON messages
the consumer takes; framing.py cuts a TCP byte stream into frames (RFC 6587); spool.py is
the on-disk queue UDP datagrams go through; publisher.py publishes with JetStream acks;
receiver.py runs the servers, with udp.py's socket and tcp.py's connections; status.py keeps
each receiver's heartbeat row for `manage.py status` and /metrics.
"""
