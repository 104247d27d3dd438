"""The supervisor behind `make run` and `make demo`: supervisord, driven by a Procfile.

`python -m gogent.supervisor start --procfile Procfile` writes a supervisord config
for the Procfile's processes under settings.SUPERVISOR_DIR and runs supervisord in the
foreground. The contract:

- A process that dies is started again; the others keep running. One that had run for
  START_SECONDS is started at once; one that dies sooner is retried after 1, 2, 3, ...
  seconds (supervisord's backoff) and, after START_RETRIES quick failures in a row, is
  FATAL; the listener starts a FATAL process again after FATAL_RETRY_SECONDS (at its
  next 5 s tick). So no wait is much longer than a minute, and a process that keeps
  failing never spins.
- SIGINT (Ctrl-C) or SIGTERM stops every process with SIGTERM to its process group, one
  at a time in reverse Procfile order (web first, nats last, so the consumer acks its
  last batch while NATS is still up), each given STOP_WAIT_SECONDS before SIGKILL, and
  exits 0. A Celery worker on the filesystem broker needs ~5 s to stop even when idle:
  it polls every 2 s and runs one more poll after it is told to stop.
- Output: each process's lines, and supervisord's own log, go to this process's stdout
  prefixed with the time and the process name, as honcho printed them. supervisord
  cannot prefix, so an event listener (`listen`, run by supervisord itself) prints them;
  it also writes what it knows about each process (state, pid, restarts, last exit) to
  state.json, which the operations page reads (`supervisor_status`).

supervisord's control socket is in the same folder:
`supervisorctl -c data/supervisor/supervisord.conf status` (or `restart web`).

Why supervisord: it is what restarts, backs off, reaps and stops with a deadline; this
package only writes its config from the Procfile and listens to its events (a public
protocol). honcho stops everything when one process exits and has no restart. The
listener also reads supervisord's log lines ("exited: web (terminated by SIGKILL; ...)"),
the only place that names a signal or the exit status of a quick failure: that format
is why pyproject pins supervisor~=4.3.
"""
