"""Held-out systems, forty-fourth set: written by a helper that did not read or run the miner,
asked on 2026-12-07 (session of 06:07 UTC); measured once on 12-07 07:33 (0.740 mean),
before anything was tuned on it (see ../README.md for what was after).

Plain data for ../generate.py: each system's families (event id, weight, layout) and the
values its fields take. See ../README.md.
"""

# ruff: noqa: E501

SYSTEMS = {
    # Celery 5.3 worker (prefork pool, -B embedded beat) on RabbitMQ with a Redis result
    # backend, a Django order/billing app. Default worker_log_format
    # "[%(asctime)s: %(levelname)s/%(processName)s] %(message)s": the line after the
    # "[2026-12-07 06:12:01,234: " opener, so the level/process tag and its "]" stay.
    # Task loggers use the task format, which adds "task_name[task_id]: ".
    "celery_worker": {
        "lines": 2000,
        "families": (
            (
                "task_received",
                330,
                "INFO/MainProcess] Task {task}[{uuid}] received",
            ),
            (
                "task_succeeded",
                300,
                "INFO/{worker}] Task {task}[{uuid}] succeeded in {succ_secs}s: {retval}",
            ),
            (
                "task_retry",
                45,
                "INFO/{worker}] Task {task}[{uuid}] retry: Retry in {=5|10|30|60|120|300}s: {exc}",
            ),
            (
                "task_raised_unexpected",
                40,
                "ERROR/{worker}] Task {task}[{uuid}] raised unexpected: {exc}",
            ),
            (
                "app_invoice_sent",
                60,
                "INFO/{worker}] billing.tasks.send_invoice[{uuid}]: Invoice INV-{=2026|2025}-{int} sent to {email}",
            ),
            (
                "app_sync_batch",
                55,
                "INFO/{worker}] inventory.tasks.sync_stock[{uuid}]: Synced {count} SKUs from warehouse {=WH1|WH2|DUB|AMS} in {secs}s",
            ),
            (
                "app_webhook_failed",
                18,
                "WARNING/{worker}] hooks.tasks.deliver_webhook[{uuid}]: Webhook to {webhook_url} failed with HTTP {=500|502|503|504|404|410}, attempt {=1|2|3|4|5}/5",
            ),
            (
                "beat_sending_due",
                120,
                "INFO/Beat] Scheduler: Sending due task {beat_entry} ({task})",
            ),
            (
                "beat_starting",
                3,
                "INFO/Beat] beat: Starting...",
            ),
            (
                "connected_broker",
                8,
                "INFO/MainProcess] Connected to amqp://{broker_user}:**@{broker_host}:5672/{vhost}",
            ),
            (
                "mingle_searching",
                8,
                "INFO/MainProcess] mingle: searching for neighbors",
            ),
            (
                "mingle_all_alone",
                4,
                "INFO/MainProcess] mingle: all alone",
            ),
            (
                "mingle_sync_with",
                4,
                "INFO/MainProcess] mingle: sync with {=1|2|3|5} nodes",
            ),
            (
                "worker_ready",
                8,
                "INFO/MainProcess] {node} ready.",
            ),
            (
                "events_enabled",
                5,
                "INFO/MainProcess] Events of group {{task}} enabled by remote.",
            ),
            (
                "substantial_drift",
                10,
                "WARNING/MainProcess] Substantial drift from {node} may mean clocks are out of sync.  Current drift is {=61|62|65|73|120|3600} seconds.  [orig: 2026-12-07 {time}.{d}{d}{d} recv: 2026-12-07 {time}.{d}{d}{d}]",
            ),
            (
                "missed_heartbeat",
                14,
                "INFO/MainProcess] missed heartbeat from {node}",
            ),
            (
                "broker_connection_lost",
                6,
                "WARNING/MainProcess] consumer: Connection to broker lost. Trying to re-establish the connection...",
            ),
            (
                "cannot_connect",
                9,
                "ERROR/MainProcess] consumer: Cannot connect to amqp://{broker_user}:**@{broker_host}:5672/{vhost}: {conn_err}.",
            ),
            (
                "trying_again",
                9,
                "Trying again in {=2.00|4.00|6.00|8.00|10.00} seconds... ({=1|2|3|4|5}/100)",
            ),
            (
                "soft_time_limit",
                12,
                "WARNING/MainProcess] Soft time limit ({=60|120|300|600}s) exceeded for {task}[{uuid}]",
            ),
            (
                "hard_time_limit",
                7,
                "ERROR/MainProcess] Hard time limit ({=90|180|360|900}s) exceeded for {task}[{uuid}]",
            ),
            (
                "process_exited",
                6,
                "ERROR/MainProcess] Process '{worker}' pid:{pid} exited with 'signal 9 (SIGKILL)'",
            ),
            (
                "worker_lost",
                6,
                "ERROR/MainProcess] Task handler raised error: WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL) Job: {count}.')",
            ),
            (
                "unregistered_task",
                6,
                "ERROR/MainProcess] Received unregistered task of type '{old_task}'.",
            ),
            (
                "discarding_revoked",
                8,
                "INFO/MainProcess] Discarding revoked task: {task}[{uuid}].",
            ),
            (
                "warm_shutdown",
                4,
                "WARNING/MainProcess] worker: Warm shutdown (MainProcess)",
            ),
            (
                "deprecation_warning",
                4,
                "WARNING/MainProcess] /usr/local/lib/python3.11/site-packages/celery/worker/consumer/consumer.py:507: CPendingDeprecationWarning: The broker_connection_retry configuration setting will no longer determine",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "worker": (
                "ForkPoolWorker-{=1|2|3|4|5|6|7|8}",
                "ForkPoolWorker-{=9|10|11|12|13|14|15|16}",
            ),
            "task": (
                "billing.tasks.send_invoice",
                "billing.tasks.charge_subscription",
                "orders.tasks.process_order",
                "orders.tasks.process_order",
                "orders.tasks.recalculate_totals",
                "inventory.tasks.sync_stock",
                "hooks.tasks.deliver_webhook",
                "notifications.tasks.send_push",
                "notifications.tasks.send_email",
                "reports.tasks.build_daily_report",
                "search.tasks.reindex_product",
                "celery.backend_cleanup",
                "django_celery_beat.tasks.cleanup",
            ),
            "old_task": (
                "orders.tasks.process_order_v1",
                "legacy.tasks.export_csv",
                "billing.tasks.retry_charge",
            ),
            "beat_entry": (
                "sync-stock-every-5-min",
                "daily-report",
                "celery.backend_cleanup",
                "recalculate-totals-hourly",
                "reindex-stale-products",
            ),
            "succ_secs": (
                "0.0{d}{d}{big}",
                "0.00{d}{big}",
                "0.{d}{big}",
                "{=1|2|3|4|7|12|38|95}.{big}{d}",
            ),
            "retval": (
                "None",
                "None",
                "None",
                "True",
                "'sent'",
                "{small}",
                "{{'status': 'ok', 'rows': {count}}}",
                "{{'order_id': {big}, 'state': '{=paid|shipped|cancelled}'}}",
                "[]",
            ),
            "exc": (
                "OperationalError('(psycopg2.OperationalError) server closed the connection unexpectedly')",
                "ConnectionError(MaxRetryError(\"HTTPSConnectionPool(host='api.stripe.com', port=443): Max retries exceeded with url: /v1/charges\"))",
                "HTTPError('502 Server Error: Bad Gateway for url: {webhook_url}')",
                "KeyError('customer_id')",
                "TimeoutError('timed out')",
                "DoesNotExist('Order matching query does not exist.')",
                "SMTPServerDisconnected('Connection unexpectedly closed')",
            ),
            "email": (
                "billing@acme-{=tools|foods|metal}.example",
                "{user}@customer{small}.example.com",
                "ap@northwind.example",
            ),
            "webhook_url": (
                "https://hooks.partner{small}.example.com/orders",
                "https://erp.example.net/api/v2/webhooks/{hex8}",
                "http://{ip}:{port}/callback",
            ),
            "broker_user": ("celery", "guest", "app"),
            "broker_host": ("rabbitmq", "mq01.prod.internal", "10.20.4.11"),
            "vhost": ("/", "/", "prod", "orders"),
            "node": (
                "celery@{=app01|app02|app03}",
                "celery@worker-{=7f9c4d|a2d1e8|c44e0b}",
                "worker{=1|2|3}@{=app01|app02}",
                "reports@app03",
            ),
            "conn_err": (
                "[Errno 111] Connection refused",
                "[Errno -2] Name or service not known",
                "timed out",
                "[Errno 104] Connection reset by peer",
            ),
        },
    },
    # CockroachDB v23.1 node log (cockroach.log, crdb-v2 format) from a five-node cluster:
    # the line after the "I231207 06:12:01.123456 " severity and time, so the goroutine id,
    # file:line, the "⋮" redaction marker, the [tags] and the entry counter stay.
    "cockroachdb": {
        "lines": 2000,
        "families": (
            (
                "runtime_stats",
                260,
                "{gor} server/status/runtime_log.go:62 ⋮ [T1,n{n}] {ctr}  runtime stats: {gib} RSS, {goroutines} goroutines (stacks: {nz}{d} MiB), {mib}/{gib} Go alloc/total (heap fragmentation: {mib}, heap reserved: {mib}, heap released: {mib}), {mib}/{mib} CGO alloc/total ({rate} CGO/sec), {pct}/{pct} %(u/s)time, 0.{d} %gc ({small}x), {kib}/{kib} (r/w)net",
            ),
            (
                "health_alerts",
                90,
                "{gor} server/status/health_check.go:{=152|173} ⋮ [T1,n{n}] {ctr}  health alerts detected: {{Alerts:[{{StoreID:{alert_store} Category:METRICS Description:{alert_desc} Value:{small} SafetyCritical:false}}]}}",
            ),
            (
                "slow_heartbeat",
                70,
                "{gor} kv/kvserver/liveness/liveness.go:{=1287|1302} ⋮ [T1,n{n},liveness-hb] {ctr}  slow heartbeat took {slow_dur}; err={=<nil>|<nil>|<nil>|context deadline exceeded}",
            ),
            (
                "failed_heartbeat",
                35,
                '{gor} kv/kvserver/liveness/liveness.go:{=813|826} ⋮ [T1,n{n},liveness-hb] {ctr}  failed node liveness heartbeat: operation \u2039"node liveness heartbeat"\u203a timed out after {=3s|4.5s|3.001s} (given timeout 3s): context deadline exceeded',
            ),
            (
                "raft_ready_slow",
                120,
                "{gor} kv/kvserver/store_raft.go:{=690|702} ⋮ [T1,n{n},s{n},r{rid}/{rep}:{span}] {ctr}  raft ready handling: {rsecs}s [append={secs2}s, apply={secs2}s, sync={secs2}s, other={secs2}s], wrote [append-batch={bytes}, append-ent={bytes} ({small}), apply={bytes} ({small} in {small} batches)], state_assertions={small}; node might be overloaded",
            ),
            (
                "slow_range_rpc",
                55,
                "{gor} kv/kvclient/kvcoord/dist_sender.go:{=1676|1681} ⋮ [T1,n{n},client={ipport},user={sql_user}] {ctr}  slow range RPC: have been waiting {=60|61|75|93|120}.{d}{d}s (1 attempts) for RPC {rpc_req} to r{rid}:{span} {desc}; resp: {rpc_resp}",
            ),
            (
                "circuit_breaker_tripped",
                12,
                '{gor} kv/kvserver/replica_circuit_breaker.go:{=180|183} ⋮ [T1,n{n},s{n},r{rid}/{rep}:{span}] {ctr}  breaker: tripped with error: replica unavailable: (n{n},s{n}):{rep} unable to serve request to r{rid}:{span} {desc}: closed timestamp: {clockts} (2026-12-07 06:{=1|2|3|4}{d}:{d}{d}.{big}); raft status: \u2039{{"id":"{rep}","term":{small},"vote":"{rep}","commit":{big},"lead":"0","raftState":"StatePreCandidate"}}\u203a: have been waiting 60.50s for slow proposal',
            ),
            (
                "circuit_breaker_reset",
                10,
                "{gor} kv/kvserver/replica_circuit_breaker.go:{=180|183} ⋮ [T1,n{n},s{n},r{rid}/{rep}:{span}] {ctr}  breaker: now healthy",
            ),
            (
                "initiating_split",
                40,
                "{gor} kv/kvserver/replica_command.go:{=432|440} ⋮ [T1,n{n},split,s{n},r{rid}/{rep}:{span}] {ctr}  initiating a split of this range at key {split_key} [r{rid2}] ({split_reason})",
            ),
            (
                "change_replicas",
                45,
                "{gor} kv/kvserver/replica_command.go:{=2345|2371} ⋮ [T1,n{n},replicate,s{n},r{rid}/{rep}:{span}] {ctr}  change replicas (add [{repadd}] remove [{repremove}]): existing descriptor r{rid}:{span} {desc}",
            ),
            (
                "transferring_lease",
                45,
                "{gor} kv/kvserver/replicate_queue.go:{=2014|2037} ⋮ [T1,n{n},replicate,s{n},r{rid}/{rep}:{span}] {ctr}  transferring lease to s{n}",
            ),
            (
                "streamed_snapshot",
                40,
                "{gor} kv/kvserver/store_snapshot.go:{=1580|1591} ⋮ [T1,n{n},s{n},r{rid}/{rep}:{span}] {ctr}  streamed {=INITIAL|INITIAL|VIA_SNAPSHOT_QUEUE} snapshot {hex8} at applied index {big} to (n{n},s{n}):{=4|5}{=LEARNER|LEARNER|} with {bytes} in {rsecs}s @ {bytes}/s: kvs={count} rangeKVs=0, rate-limit: 32 MiB/s, queued: 0.{d}{d}s",
            ),
            (
                "applied_snapshot",
                35,
                "{gor} kv/kvserver/replica_raftstorage.go:{=605|621} ⋮ [T1,n{n},s{n},r{rid}/{=4|5}:{span}] {ctr}  applied {=INITIAL|INITIAL|VIA_SNAPSHOT_QUEUE} snapshot {hex8} from (n{n},s{n}):{rep} at applied index {big} (total={ms}ms data={ms}ms ingestion={ms}ms)",
            ),
            (
                "new_range_lease",
                50,
                "{gor} kv/kvserver/replica_proposal.go:{=268|283} ⋮ [T1,n{n},s{n},r{rid}/{rep}:{span}] {ctr}  new range lease repl=(n{n},s{n}):{rep} seq={small} start={clockts} epo={small} pro={clockts} following repl=(n{n},s{n}):{rep} seq={small} start={clockts} epo={small} pro={clockts}",
            ),
            (
                "job_running",
                55,
                "{gor} jobs/registry.go:{=1584|1599} ⋮ [T1,n{n}] {ctr}  {job_type} job {jobid}: stepping through state running",
            ),
            (
                "job_succeeded",
                50,
                "{gor} jobs/registry.go:{=1584|1599} ⋮ [T1,n{n}] {ctr}  {job_type} job {jobid}: stepping through state succeeded",
            ),
            (
                "job_failed",
                6,
                "{gor} jobs/registry.go:{=1584|1599} ⋮ [T1,n{n}] {ctr}  {job_type} job {jobid}: stepping through state reverting with error: {job_err}",
            ),
            (
                "latency_jump",
                45,
                "{gor} rpc/clock_offset.go:{=291|316} ⋮ [T1,n{n},rnode={n},raddr={ipport},class=system,heartbeat] {ctr}  latency jump (prev avg {lat}ms, current {lat}ms)",
            ),
            (
                "connection_healthy",
                15,
                "{gor} rpc/peer.go:{=590|604} ⋮ [T1,n{n},rnode={n},raddr={ipport},class={=system|default|rangefeed},rpc] {ctr}  connection is now healthy",
            ),
            (
                "connection_disconnected",
                12,
                '{gor} rpc/peer.go:{=638|652} ⋮ [T1,n{n},rnode={n},raddr={ipport},class={=system|default|rangefeed},rpc] {ctr}  disconnected (was healthy for {healthy_for}): grpc: \u2039connection error: desc = "transport: Error while dialing: dial tcp {ipport}: connect: connection refused"\u203a [code 14/Unavailable]',
            ),
            (
                "gossip_client_started",
                14,
                "{gor} gossip/client.go:{=124|127} ⋮ [T1,n{n}] {ctr}  started gossip client to n0 ({ipport})",
            ),
            (
                "gossip_connected",
                5,
                "{gor} gossip/gossip.go:{=1531|1539} ⋮ [T1,n{n}] {ctr}  node has connected to cluster via gossip",
            ),
            (
                "temp_schemas",
                25,
                "{gor} sql/temporary_schema.go:{=629|641} ⋮ [T1,n{n}] {ctr}  found {=0|0|0|1|2} temporary schemas",
            ),
            (
                "no_need_to_upgrade",
                20,
                "{gor} server/auto_upgrade.go:{=73|80} ⋮ [T1,n{n}] {ctr}  no need to upgrade, cluster already at the newest version",
            ),
            (
                "wrote_node_addresses",
                20,
                "{gor} kv/kvserver/stores.go:{=278|283} ⋮ [T1,n{n}] {ctr}  wrote {=4|5} node addresses to persistent storage",
            ),
            (
                "initialized_store",
                4,
                "{gor} server/node.go:{=533|540} ⋮ [T1,n{n}] {ctr}  initialized store s{n}",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "n": ("1", "2", "3", "4", "5"),
            "rep": ("1", "2", "3", "4"),
            "gor": (
                "{nz}{d}",
                "{nz}{d}{d}",
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
            ),
            "ctr": ("{nz}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "rid": ("{nz}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "rid2": ("{nz}{d}{d}{d}", "{nz}{d}{d}{d}{d}"),
            "gen": ("{nz}", "{nz}{d}", "{nz}{d}{d}"),
            "desc": (
                "[(n1,s1):1, (n2,s2):2, (n4,s4):3, next=4, gen={gen}]",
                "[(n1,s1):1, (n3,s3):2, (n5,s5):3, next=4, gen={gen}]",
                "[(n2,s2):1, (n3,s3):2, (n4,s4):3, next=5, gen={gen}]",
                "[(n1,s1):1, (n2,s2):2, (n3,s3):3, (n5,s5):4, next=5, gen={gen}]",
            ),
            "tbl": ("10{d}", "11{d}", "1{=2|3|4|5}{d}", "5{d}"),
            "span": (
                "\u2039/Table/{tbl}{{/1/{nz}{d}{d}-/2}}\u203a",
                "\u2039/Table/{tbl}/1/{nz}{{{=1|2|3|4}{d}-{=5|6|7|8|9}{d}}}\u203a",
                '\u2039/Table/{tbl}/{=1|2|3}/"{hex8}"{{-/{tbl}}}\u203a',
                "\u2039/Table/{=10|11|12}{{{=3-4|5-6|8-9}}}\u203a",
                "\u2039/System{{/tsd-tse}}\u203a",
                "\u2039/System/{{NodeLivenessMax-tsd}}\u203a",
                "\u2039/Table/{tbl}/1/{nz}{d}{d}{d}{d}{d}\u203a",
            ),
            "split_key": (
                "\u2039/Table/{tbl}/1/{nz}{d}{d}{d}{d}\u203a",
                '\u2039/Table/{tbl}/{=2|3}/"{hex8}"/{nz}{d}{d}\u203a',
            ),
            "split_reason": (
                "{=512|513|560|641} MiB above threshold size 512 MiB",
                "load at key \u2039/Table/{tbl}/1/{nz}{d}{d}{d}\u203a ({=2512|3104|4880}.{d}{d} batches/sec, {=1250|2500}.00 threshold)",
                "zone config",
            ),
            "repadd": ("(n{n},s{n}):{=4|5}LEARNER", "(n{n},s{n}):{=4|5}VOTER_INCOMING", ""),
            "repremove": (
                "(n{n},s{n}):{rep}VOTER_DEMOTING_LEARNER",
                "(n{n},s{n}):{rep}LEARNER",
                "",
            ),
            "gib": ("{=1|2|3|4|5|7|11}.{d} GiB", "{nz}{d}{d} MiB"),
            "mib": ("{nz}{d} MiB", "{nz}{d}{d} MiB", "{nz}.{d} MiB", "{nz}.{d} GiB"),
            "kib": ("{nz}{d}{d} KiB", "{nz}.{d} MiB", "{nz}{d} KiB", "{nz}{d} MiB"),
            "bytes": ("{nz}{d}{d} KiB", "{nz}.{d} MiB", "{nz}{d} MiB", "{nz}{d}{d} B"),
            "goroutines": ("{nz}{d}{d}", "{nz}{d}{d}{d}", "{=1|2}{d}{d}{d}{d}"),
            "rate": ("{d}.{d}", "{nz}{d}.{d}", "{nz}{d}{d}.{d}", "{nz}.{d}K"),
            "pct": ("{d}.{d}", "{nz}{d}.{d}", "{nz}{d}{d}.{d}"),
            "rsecs": ("0.{=5|6|7|8|9}{d}", "{nz}.{d}{d}", "{nz}{d}.{d}{d}"),
            "secs2": ("0.00", "0.00", "0.0{nz}", "0.{nz}{d}", "{nz}.{d}{d}"),
            "slow_dur": (
                "{=1|2|3|4}.{d}{d}{d}{d}{d}{d}{d}{d}{d}s",
                "{=5|6|7|8|9}{d}{d}.{d}{d}{d}{d}{d}{d}ms",
            ),
            "lat": ("0.{d}{d}", "{nz}.{d}{d}", "{nz}{d}.{d}{d}", "{nz}{d}{d}.{d}{d}"),
            "healthy_for": (
                "{nz}h{nz}{d}m{d}{d}.{d}{d}{d}{d}s",
                "{nz}{d}m{nz}.{d}{d}{d}s",
                "{nz}{d}.{d}{d}{d}{d}{d}s",
            ),
            "clockts": (
                "17{=65|66|67}{d}{d}{d}{d}{d}{d}.{d}{d}{d}{d}{d}{d}{d}{d}{d},{=0|0|0|1|2}",
            ),
            "alert_store": ("0", "{n}"),
            "alert_desc": (
                "ranges.underreplicated",
                "ranges.unavailable",
                "liveness.heartbeatfailures",
                "queue.replicagc.process.failure",
                "queue.raftlog.process.failure",
                "requests.slow.latch",
                "requests.slow.raft",
                "requests.slow.lease",
            ),
            "sql_user": (
                "\u2039app_orders\u203a",
                "root",
                "\u2039reporting\u203a",
                "\u2039node\u203a",
            ),
            "rpc_req": (
                "Get [\u2039/Table/{tbl}/1/{nz}{d}{d}{d}\u203a,\u2039/Min\u203a)",
                "Scan [\u2039/Table/{tbl}/1\u203a,\u2039/Table/{tbl}/2\u203a)",
                "ConditionalPut [\u2039/Table/{tbl}/1/{nz}{d}{d}/0\u203a,\u2039/Min\u203a), EndTxn(commit) [\u2039/Table/{tbl}/1/{nz}{d}{d}/0\u203a]",
                "QueryTxn [\u2039/Table/{tbl}/1/{nz}{d}{d}/0\u203a,\u2039/Min\u203a)",
            ),
            "rpc_resp": (
                "\u2039(err: <nil>), *kvpb.GetResponse\u203a",
                "\u2039(err: context deadline exceeded)\u203a",
                "\u2039(err: <nil>), *kvpb.ScanResponse\u203a",
                "\u2039(err: replica unavailable)\u203a",
            ),
            "job_type": (
                "AUTO CREATE STATS",
                "AUTO CREATE STATS",
                "AUTO CREATE STATS",
                "CREATE STATS",
                "SCHEMA CHANGE",
                "SCHEMA CHANGE GC",
                "BACKUP",
                "AUTO SPAN CONFIG RECONCILIATION",
                "CHANGEFEED",
            ),
            "jobid": ("{=91|92|93|94|95|96}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}",),
            "job_err": (
                "\u2039context canceled\u203a",
                "\u2039could not mark job {jobid} as succeeded: context deadline exceeded\u203a",
                "\u2039failed to read backup manifest: external storage: context deadline exceeded\u203a",
                'relation \u2039"orders"\u203a is being dropped',
            ),
        },
    },
    # CrowdSec 1.6 security engine + local API on a Debian web/mail edge host, with the
    # firewall (nftables) and nginx bouncers and the Central API enabled:
    # /var/log/crowdsec.log in logrus text format, the line after its "time=\"...\" " field.
    # The LAPI's gin access log lands in the same file, wrapped in msg="...".
    "crowdsec": {
        "lines": 2000,
        "families": (
            (
                "lapi_decisions_stream",
                420,
                'level=info msg="{bouncer_ip} - [{httpdate}] \\"GET /v1/decisions/stream?startup={=false|false|false|false|true} HTTP/1.1 200 {latency} \\"{bouncer_ua}\\" \\""',
            ),
            (
                "lapi_heartbeat",
                150,
                'level=info msg="{agent_ip} - [{httpdate}] \\"GET /v1/heartbeat HTTP/1.1 200 {latency} \\"crowdsec/{version}\\" \\""',
            ),
            (
                "lapi_post_alerts",
                110,
                'level=info msg="{agent_ip} - [{httpdate}] \\"POST /v1/alerts HTTP/1.1 201 {latency} \\"crowdsec/{version}\\" \\""',
            ),
            (
                "lapi_watchers_login",
                35,
                'level=info msg="{agent_ip} - [{httpdate}] \\"POST /v1/watchers/login HTTP/1.1 200 {latency} \\"crowdsec/{version}\\" \\""',
            ),
            (
                "lapi_usage_metrics",
                40,
                'level=info msg="{bouncer_ip} - [{httpdate}] \\"POST /v1/usage-metrics HTTP/1.1 201 {latency} \\"{bouncer_ua}\\" \\""',
            ),
            (
                "lapi_forbidden",
                18,
                'level=info msg="{ip} - [{httpdate}] \\"GET /v1/decisions/stream?startup=true HTTP/1.1 403 {latency} \\"{bouncer_ua}\\" \\""',
            ),
            (
                "ip_performed",
                140,
                "level=info msg=\"Ip {ip} performed '{scenario}' ({=5|6|6|7|11|21|40} events over {event_span}) at 2026-12-07 {time}.{d}{d}{d}{d}{d}{d}{d}{d}{d} +0000 UTC\"",
            ),
            (
                "ban_decision",
                135,
                'level=info msg="({machine}/crowdsec) {scenario} by ip {ip} ({country}/{asn}) : {=4h|4h|4h|24h|168h} ban on Ip {ip}"',
            ),
            (
                "signal_push",
                120,
                'level=info msg="Signal push: {=1|1|2|3|5|8} signals to push"',
            ),
            (
                "capi_metrics_sent",
                18,
                'level=info msg="capi metrics: metrics sent successfully"',
            ),
            (
                "blocklist_update_start",
                22,
                'level=info msg="Starting community-blocklist update"',
            ),
            (
                "blocklist_added",
                22,
                'level=info msg="crowdsecurity/community-blocklist : added {count} entries, deleted {count} entries (alert:{small})"',
            ),
            (
                "push_interval",
                5,
                'level=info msg="Start push to CrowdSec Central API (interval: {=9s|10s|11s} once, then 10s)"',
            ),
            (
                "pull_interval",
                5,
                'level=info msg="Start pull from CrowdSec Central API (interval: 2h0m0s once, then 2h0m0s)"',
            ),
            (
                "metrics_interval",
                5,
                'level=info msg="Start send metrics to CrowdSec Central API (interval: {=28m11s|31m47s|29m3s} once, then 30m0s)"',
            ),
            (
                "adding_file_source",
                14,
                'level=info msg="Adding file {logfile} to datasources" type=file',
            ),
            (
                "adding_journald_source",
                5,
                'level=info msg="Adding journald source" source="journalctl-_SYSTEMD_UNIT={=ssh.service|postfix@-.service|dovecot.service}" type=journalctl',
            ),
            (
                "reopening_file",
                20,
                'level=info msg="Re-opening moved/deleted file {logfile} ..." type=file',
            ),
            (
                "reopened_file",
                20,
                'level=info msg="Successfully reopened {logfile}" type=file',
            ),
            (
                "starting_processing",
                5,
                'level=info msg="Starting processing data"',
            ),
            (
                "crowdsec_version",
                5,
                'level=info msg="Crowdsec {version}"',
            ),
            (
                "loading_scenarios",
                5,
                'level=info msg="Loading {=48|52|61} scenario files"',
            ),
            (
                "unmarshal_line_error",
                14,
                'level=error msg="UnmarshalJSON : invalid character \'{=G|<|T|\\\\x00}\' looking for beginning of value" line="{bad_line}"',
            ),
            (
                "sending_signal_error",
                10,
                'level=error msg="sending signal to central API: Post \\"https://api.crowdsec.net/v3/signals\\": {capi_err}"',
            ),
            (
                "blocklist_explicit_deletions",
                22,
                'level=info msg="capi/community-blocklist : {=0|0|3|12|41|187} explicit deletions"',
            ),
            (
                "capi_pull_skip",
                6,
                'level=info msg="last CAPI pull is newer than 1h30, skip."',
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "httpdate": (
                "{=Mon|Tue|Wed|Thu|Fri|Sat|Sun}, {=01|05|07|11|14|22|28} {=Nov|Dec} 2026 {time} UTC",
            ),
            "latency": (
                "{=1|2|3|4|5|6|7|8|9}{d}.{d}{d}{d}µs",
                "{=1|2|3|4|5|6|7|8|9}{d}{d}.{d}{d}{d}µs",
                "{=1|2|3|4|5|6|7|8|9}.{d}{d}{d}{d}{d}{d}ms",
                "{=1|2|3|4|5|6|7|8|9}{d}.{d}{d}{d}{d}{d}{d}ms",
            ),
            "bouncer_ip": ("127.0.0.1", "127.0.0.1", "172.18.0.{=3|4|5}", "10.10.2.{=21|22}"),
            "agent_ip": ("127.0.0.1", "127.0.0.1", "10.10.2.{=31|32|33}"),
            "bouncer_ua": (
                "crowdsec-firewall-bouncer/v0.0.{=28|29|31}-debian-pragmatic-{hex40}",
                "crowdsec-nginx-bouncer/v1.0.{=6|8}",
                "crowdsec-traefik-bouncer-plugin/v1.3.{=3|5}",
                "Go-http-client/1.1",
            ),
            "version": (
                "v1.6.{=3|4|8}-debian-pragmatic-amd64-{hex40}",
                "v1.6.{=3|4|8}-{hex40}",
            ),
            "machine": ("localhost", "{hex32}{hex16}", "{hex32}{hex16}", "edge-{=01|02}"),
            "scenario": (
                "crowdsecurity/ssh-bf",
                "crowdsecurity/ssh-bf",
                "crowdsecurity/ssh-slow-bf",
                "crowdsecurity/http-probing",
                "crowdsecurity/http-probing",
                "crowdsecurity/http-crawl-non_statics",
                "crowdsecurity/http-bad-user-agent",
                "crowdsecurity/http-sensitive-files",
                "crowdsecurity/postfix-spam",
                "crowdsecurity/dovecot-bf",
                "crowdsecurity/CVE-2017-9841",
                "crowdsecurity/http-wordpress_wpconfig",
                "crowdsecurity/http-cve-2021-41773",
            ),
            "country": ("CN", "US", "RU", "NL", "DE", "VN", "BR", "IN", "KR", "SG", "FR", "ID"),
            "asn": (
                "4134",
                "4837",
                "14061",
                "16509",
                "16276",
                "24940",
                "396982",
                "45090",
                "9009",
                "202425",
                "63949",
            ),
            "event_span": (
                "{=1|2|3|4|5|6|7|8|9}.{d}{d}{d}{d}{d}{d}{d}{d}{d}s",
                "{=1|2|3|4|5|6|7|8|9}{d}.{d}{d}{d}{d}{d}{d}{d}{d}{d}s",
                "{=1|2|3|4|9|17|31}m{=1|2|3|4}{d}.{d}{d}{d}{d}{d}{d}{d}{d}{d}s",
                "{=1|2|3|4|5|6|7|8|9}{d}{d}.{d}{d}{d}{d}{d}{d}ms",
            ),
            "logfile": (
                "/var/log/auth.log",
                "/var/log/nginx/access.log",
                "/var/log/nginx/error.log",
                "/var/log/nginx/{=shop|api|mail}.example.com.access.log",
                "/var/log/mail.log",
                "/var/log/syslog",
            ),
            "bad_line": (
                "GET / HTTP/1.1",
                "<html><body>502 Bad Gateway</body></html>",
                "Trying to reconnect to {ip}",
            ),
            "capi_err": (
                "dial tcp: lookup api.crowdsec.net: i/o timeout",
                "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                "net/http: TLS handshake timeout",
                "dial tcp {ip}:443: connect: connection refused",
            ),
        },
    },
    # Phoenix Contact PLCnext Technology firmware 2023.0 LTS on an AXC F 2152 controller:
    # /opt/plcnext/logs/Output.log, the line after its "dd.mm.yy HH:MM:SS.mmm " time, so the
    # logger name and level stay. A packaging line: IEC 61131 tasks from PLCnext Engineer, a
    # C++ component library, Axioline local I/O, PROFINET devices, OPC UA and the DataLogger.
    "phoenix_plcnext": {
        "lines": 2000,
        "families": (
            (
                "acf_invoked",
                150,
                "{acf_invoked}",
            ),
            (
                "plm_component_created",
                70,
                "Arp.Plc.Plm.Internal.PlmManager INFO {comp_created}",
            ),
            (
                "plm_program_created",
                60,
                "Arp.Plc.Plm.Internal.PlmManager INFO Program '{program}' of type '{program_type}' created.",
            ),
            (
                "esm_program_added",
                55,
                "Arp.Plc.Esm.Internal.EsmDomain INFO Program '{program}' added to task '{task}' of ESM{=1|2}.",
            ),
            (
                "task_overrun",
                160,
                "Arp.Plc.Esm.Internal.TaskMonitor WARN Task '{task}' of ESM{=1|2}: execution time {us} us exceeded the interval of {interval} us.",
            ),
            (
                "task_watchdog",
                14,
                "Arp.Plc.Esm.Internal.TaskMonitor ERROR Watchdog of task '{task}' of ESM{=1|2} occurred after {=100|200|500} ms, PLC is stopped.",
            ),
            (
                "plc_start_requested",
                12,
                "Arp.Plc.Domain.Internal.PlcManager INFO Start PLC with '{=ColdStart|WarmStart|HotStart}' requested by '{requester}'.",
            ),
            (
                "plc_state_changed",
                40,
                "Arp.Plc.Domain.Internal.PlcManager INFO PLC state changed: {plc_state} -> {plc_state}",
            ),
            (
                "plc_stop_requested",
                10,
                "Arp.Plc.Domain.Internal.PlcManager INFO Stop PLC requested by '{requester}'.",
            ),
            (
                "plc_config_loaded",
                10,
                "Arp.Plc.Domain.Internal.PlcManager INFO PLC configuration loaded from '/opt/plcnext/projects/{project}/Plc/Plm/Plm.config'.",
            ),
            (
                "retain_restored",
                8,
                "Arp.Plc.Domain.Internal.RetainManager INFO Retain data restored ({count} bytes).",
            ),
            (
                "pn_connection_established",
                120,
                "Arp.Io.PnC.Internal.PnCComponent INFO Connection to device established: {pn_station}",
            ),
            (
                "pn_connection_differences",
                25,
                "Arp.Io.PnC.Internal.PnCComponent WARN Connection to device with differences established: {pn_station}",
            ),
            (
                "pn_connection_aborted",
                110,
                "Arp.Io.PnC.Internal.PnCComponent WARN Connection to device aborted: {pn_station}",
            ),
            (
                "pn_diagnosis_alarm",
                45,
                "Arp.Io.PnC.Internal.PnCComponent WARN Diagnosis alarm appears on device {pn_station}: slot {small}, subslot {=1|1|2|32768}, channel {small}, error type 0x{=0001|0002|0005|0006|001A|8000}",
            ),
            (
                "pn_diagnosis_gone",
                40,
                "Arp.Io.PnC.Internal.PnCComponent INFO Diagnosis alarm disappears on device {pn_station}: slot {small}, subslot {=1|1|2|32768}, channel {small}",
            ),
            (
                "axio_bus_started",
                8,
                "Arp.Io.Axioline.Internal.AxioMasterComponent INFO Axioline bus started with {=6|8|11|14} modules, update time {=1|2|4} ms.",
            ),
            (
                "axio_module_error",
                18,
                "Arp.Io.Axioline.Internal.AxioMasterComponent ERROR Axioline module {small} ({axio_module}) reports error code 0x{hex4}.",
            ),
            (
                "link_state_up",
                30,
                "Arp.Device.Interface.Internal.DeviceInterface INFO Link state changed: interface {=1|2}, port {=1|2}, status: Up",
            ),
            (
                "link_state_down",
                30,
                "Arp.Device.Interface.Internal.DeviceInterface INFO Link state changed: interface {=1|2}, port {=1|2}, status: Down",
            ),
            (
                "netconfig_changed",
                8,
                "Arp.Device.Interface.Internal.DeviceInterface INFO Configuration of network interface {=1|2} changed: {=IpAddress|SubnetMask|DefaultGateway|DnsServer} = {ip}",
            ),
            (
                "user_login",
                70,
                "Arp.System.Um.Internal.UmModuleEx INFO User '{plc_user}' logged in from {ip} (session {hex8}).",
            ),
            (
                "user_login_failed",
                25,
                "Arp.System.Um.Internal.UmModuleEx WARN Login of user '{plc_user}' from {ip} failed: invalid credentials.",
            ),
            (
                "opcua_session_created",
                60,
                "Arp.Services.OpcUA.Internal.OpcUAServerComponent INFO Session '{opc_session}' created for client '{opc_client}' ({ip}:{eport}).",
            ),
            (
                "opcua_session_closed",
                55,
                "Arp.Services.OpcUA.Internal.OpcUAServerComponent INFO Session '{opc_session}' closed ({=client request|timeout|client request|client request}).",
            ),
            (
                "datalogger_overflow",
                22,
                "Arp.Services.DataLogger.Internal.DataLoggerComponent WARN Session '{dl_session}': ring buffer overflow, {count} values lost.",
            ),
            (
                "license_missing",
                5,
                "Arp.System.Lm.Internal.LicenseManager ERROR No valid license found for feature '{=PLCnext Store App|OPC UA Client|IEC 61850}'.",
            ),
        ),
        "values": {
            "acf_invoked": (
                "PackLine.ConveyorComponent INFO '{acf_method}' invoked of object with instance name 'PackLine.ConveyorComponent-1'",
                "PackLine.CapperComponent INFO '{acf_method}' invoked of object with instance name 'PackLine.CapperComponent-1'",
                "VisionLib.CameraComponent INFO '{acf_method}' invoked of object with instance name 'VisionLib.CameraComponent-{=1|2}'",
                "MqttClient.MqttComponent INFO '{acf_method}' invoked of object with instance name 'MqttClient.MqttComponent-1'",
            ),
            "acf_method": (
                "Initialize",
                "SubscribeServices",
                "LoadSettings",
                "SetupSettings",
                "PublishServices",
                "LoadConfig",
                "SetupConfig",
                "ResetConfig",
                "Dispose",
                "PowerDown",
            ),
            "comp_created": (
                "Component 'PackLine.ConveyorComponent-1' from library 'PackLine' created.",
                "Component 'PackLine.CapperComponent-1' from library 'PackLine' created.",
                "Component 'VisionLib.CameraComponent-{=1|2}' from library 'VisionLib' created.",
                "Component 'MqttClient.MqttComponent-1' from library 'MqttClient' created.",
            ),
            "eport": ("{=32|35|41|46|50|54|58|60}{d}{d}{d}",),
            "program": (
                "Arp.Plc.Eclr/Main{=Instance|}",
                "Arp.Plc.Eclr/{=Conveyor|Capper|Labeler|Palletizer}Ctrl",
                "PackLine.ConveyorComponent-1/ConveyorProgram{=1|2|3}",
                "VisionLib.CameraComponent-1/InspectProgram1",
            ),
            "program_type": (
                "PackLine.ConveyorProgram",
                "VisionLib.InspectProgram",
                "MainProgram",
                "SafetyBridge",
            ),
            "task": (
                "Cyclic100",
                "Cyclic10",
                "Cyclic10",
                "Fast_1ms",
                "Comm_Task",
                "Globals",
                "Vision_50ms",
            ),
            "us": (
                "{=1|2|3|4|5|6|7|8|9}{d}{d}",
                "{=1|2|3|4|5|6|7|8|9}{d}{d}{d}",
                "{=1|2|3|4|5|6|7|8|9}{d}{d}{d}{d}",
                "{=1|2|3}{d}{d}{d}{d}{d}",
            ),
            "interval": ("1000", "10000", "50000", "100000"),
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "requester": ("PLCnext Engineer", "WBM", "OPC UA", "Arp.Plc.Domain"),
            "plc_state": ("Ready", "Stop", "Running", "Halt", "Warning", "Error", "Running"),
            "project": ("PCWE", "PackLine_v3", "Default"),
            "pn_station": (
                "axl-f-bk-pn-{=1|2|3}",
                "et200sp-conveyor-{=01|02}",
                "festo-cpx-valve{=1|2}",
                "sew-movimot-{=03|04|07}",
                "ilb-pn-24-dio-{=1|2}",
                "sick-tdc-scanner",
                "keyence-sr-x300",
            ),
            "axio_module": (
                "AXL F DI16/1 1H",
                "AXL F DO16/1 1H",
                "AXL F AI4 I 1H",
                "AXL F AO4 1H",
                "AXL F CNT2 INC2 1F",
                "AXL F IOL8 2H",
            ),
            "plc_user": ("admin", "operator", "service", "engineer", "{user}"),
            "opc_session": ("ns=1;i={=1|2|3|4|5|6|7|8|9}{int}", "Session_{int}"),
            "opc_client": (
                "UaExpert@{=ENG-LAP-07|OPS-PC-2}",
                "Ignition OPC UA Client",
                "KEPServerEX OPC UA Client Driver",
                "node-opcua",
                "SCADA_Historian",
            ),
            "dl_session": ("LineData", "EnergyLog", "QualityTrace", "AlarmArchive"),
        },
    },
    # tailscaled 1.7x on a Debian subnet router (advertising 10.20.0.0/16, with MagicDNS and
    # an ACL-limited tailnet of servers and laptops): the journald message after
    # "tailscaled[pid]: ", with the daemon's own subsystem prefixes ("magicsock:", "wg:", ...).
    # Verbose level 2, so wireguard-go's "[v2]" handshake lines are kept.
    "tailscaled": {
        "lines": 2000,
        "families": (
            (
                "wg_reconfig_peers",
                130,
                "wgengine: Reconfig: configuring userspace WireGuard config (with {small}/{peers} peers)",
            ),
            (
                "wg_reconfig_router",
                45,
                "wgengine: Reconfig: configuring router",
            ),
            (
                "wg_reconfig_dns",
                40,
                "wgengine: Reconfig: configuring DNS",
            ),
            (
                "disco_now_using",
                150,
                "magicsock: disco: node [{nodekey}] d:{discokey} now using {endpoint} mtu={=1360|1360|1280} tx={hex6}",
            ),
            (
                "adding_derp_conn",
                60,
                "magicsock: adding connection to derp-{derp} for [{nodekey}]",
            ),
            (
                "closing_derp_conn",
                50,
                "magicsock: closing connection to derp-{derp} ({=idle|idle|idle|rebind}), age {age}",
            ),
            (
                "derp_connected",
                20,
                "magicsock: derp-{derp} connected; connGen={=1|1|2|3}",
            ),
            (
                "derp_unknown_peer",
                12,
                "magicsock: derp-{derp} does not know about peer [{nodekey}], removing route",
            ),
            (
                "derphttp_connecting",
                20,
                "derphttp.Client.Recv: connecting to derp-{derp} ({derp_region})",
            ),
            (
                "endpoints_changed",
                35,
                "magicsock: endpoints changed: {ipport} (stun), 10.20.{=0|1}.{=5|6}:41641 (local)",
            ),
            (
                "home_derp",
                6,
                "magicsock: home is now derp-{derp} ({derp_region})",
            ),
            (
                "netcheck_report",
                110,
                "netcheck: report: udp=true v6={=false|true} icmpv4=false mapvarydest=false hair={=false|true} portmap={=?|?|M} v4a={ipport} derp={derp} derpdist={derpdist}",
            ),
            (
                "wg_send_initiation",
                90,
                "wg: [v2] [{nodekey}] - Sending handshake initiation",
            ),
            (
                "wg_recv_response",
                85,
                "wg: [v2] [{nodekey}] - Received handshake response",
            ),
            (
                "wg_recv_initiation",
                45,
                "wg: [v2] [{nodekey}] - Received handshake initiation",
            ),
            (
                "wg_send_response",
                45,
                "wg: [v2] [{nodekey}] - Sending handshake response",
            ),
            (
                "wg_handshake_retry",
                25,
                "wg: [v2] [{nodekey}] - Handshake did not complete after 5 seconds, retrying (try {=2|3|4|5|6})",
            ),
            (
                "filter_accept",
                150,
                "Accept: {accept_flow}",
            ),
            (
                "filter_drop",
                40,
                "Drop: {drop_flow}",
            ),
            (
                "oct_timeout_online",
                30,
                "open-conn-track: timeout opening (TCP {tsip}:{eport} => {tsip}:{dport}) to node [{nodekey}]; online=yes, lastRecv={age}",
            ),
            (
                "oct_timeout_offline",
                20,
                "open-conn-track: timeout opening (TCP {tsip}:{eport} => {tsip}:{dport}) to node [{nodekey}]; online=no, lastseen={=17m|3h|41h|254h}",
            ),
            (
                "oct_no_peer",
                15,
                "open-conn-track: timeout opening (TCP {tsip}:{eport} => {dst_ip}:{=443|80|53}); no associated peer node",
            ),
            (
                "oct_rst",
                35,
                "open-conn-track: flow TCP (TCP {tsip}:{eport} => {tsip}:{dport}) got RST by peer",
            ),
            (
                "netinfo",
                25,
                'control: NetInfo: NetInfo{{varies=false hairpin={=false|true} ipv6=false ipv6os=true udp=true icmpv4=false derp=#{derp} portmap={=|M} link="" firewallmode="{=ipt-default|nft-forced}"}}',
            ),
            (
                "dns_set",
                25,
                "dns: Set: {{DefaultResolvers:[] Routes:{{{dns_routes}}} SearchDomains:[{tailnet}] Hosts:{=12|14|17|23}}}",
            ),
            (
                "map_longpoll_timeout",
                12,
                "control: map response long-poll timed out!",
            ),
            (
                "health_error",
                10,
                "health(warnable={warnable}): error: {health_msg}",
            ),
            (
                "health_ok",
                10,
                "health(warnable={warnable}): ok",
            ),
            (
                "link_change",
                8,
                "LinkChange: major, rebinding. New state: interfaces.State{{defaultRoute=ens18 ifs={{ens18:[10.20.0.5/16 llu6] tailscale0:[100.101.{=17|41|88}.{=5|23|112}/32]}} v4=true v6=false}}",
            ),
            (
                "ipn_state_running",
                4,
                "Switching ipn state Starting -> Running (WantRunning=true, nm=true)",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "peers": ("{=18|23|31|47|64}",),
            "nodekey": ("{b64}{b64}{b64}{b64}{b64}",),
            "b64": tuple("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789+/"),
            "discokey": ("{hex4}{hex2}{=0|1|2|3|4|5|6|7|8|9|a|b|c|d|e|f}",),
            "hex6": ("{hex4}{hex2}",),
            "endpoint": (
                "{ipport}",
                "{ipport}",
                "10.{=20|30|40}.{d}.{d}{d}:41641",
                "[2a01:4f8:{hex4}:{hex4}::{=1|2}]:41641",
            ),
            "derp": ("1", "2", "4", "4", "4", "9", "10", "14", "16"),
            "derp_region": ("nyc", "sfo", "fra", "fra", "ams", "dfw", "sea", "lhr", "par"),
            "age": (
                "{=1|2|3|4|5}m{d}s",
                "{=1|2|3|4|5}m{d}{d}.{d}{d}{d}s",
                "{=1|2|3}h{d}m{d}s",
                "{d}{d}.{d}{d}{d}{d}{d}{d}s",
            ),
            "derpdist": (
                "1v4:{=8|9|11}{d}ms,2v4:{=14|15|16}{d}ms,4v4:{=9|11|14}ms,9v4:{=11|12}{d}ms,10v4:{=15|16}{d}ms,14v4:{=12|14|19}ms,16v4:{=9|10}{d}ms",
                "4v4:{=9|11|14}ms,14v4:{=12|14|19}ms",
            ),
            "tsip": (
                "100.{=64|71|88|101|112|127}.{=1|2|3|4|5|6|7|8|9}{d}.{=1|2|3|4|5|6|7|8|9}{d}",
            ),
            "eport": ("{=32|35|41|46|50|54|58|60}{d}{d}{d}",),
            "accept_flow": (
                "TCP{{{tsip}:{eport} > {tsip}:{=22|22|443|5432|3389|9090}}} {=52|60|64|72} tcp ok",
                "TCP{{{tsip}:{eport} > 10.20.{d}.{d}{d}:{=22|443|502|1883|445}}} {=52|60|64} tcp ok",
                "UDP{{{tsip}:{eport} > {tsip}:{=53|53|161|514}}} {=64|72|88|120} udp ok",
                "ICMPv4{{{tsip}:0 > {tsip}:0}} 84 ok",
            ),
            "drop_flow": (
                "TCP{{{tsip}:{eport} > {tsip}:{=22|445|3389|5900}}} {=52|60|64} tcp non-syn",
                "TCP{{{tsip}:{eport} > 10.20.{d}.{d}{d}:{=22|445|3389|5900}}} {=52|60|64} no rules matched",
                "UDP{{{tsip}:{eport} > {tsip}:{=137|5353}}} {=64|78} no rules matched",
            ),
            "dport": ("22", "22", "443", "5432", "3389", "8080", "9090"),
            "dst_ip": ("17.{=125|253}.{d}{d}.{d}", "142.250.{d}{d}.{d}{d}", "{ip}"),
            "dns_routes": (
                "ts.net.:[] {tailnet}.:[] corp.internal.:[10.20.0.53] 100.in-addr.arpa.:[]",
                "{tailnet}.:[] 100.in-addr.arpa.:[]",
            ),
            "tailnet": ("tail{hex4}.ts.net", "example-corp.ts.net", "taild1875d.ts.net"),
            "warnable": (
                "network-status",
                "login-state",
                "dns-read-os-config-failed",
                "derp-home-unhealthy",
                "no-derp-connection",
                "control-health",
            ),
            "health_msg": (
                "unexpected state: NeedsLogin",
                "you are logged out",
                "Tailscale could not connect to the 'fra' relay server. Your Internet connection might be down, or the server might be temporarily unavailable.",
                "Tailscale failed to fetch the DNS configuration of your device: getting OS base config is not supported",
                "Unable to connect to the Tailscale coordination server to synchronize the state of your tailnet. Peer reachability might degrade over time.",
            ),
        },
    },
}
