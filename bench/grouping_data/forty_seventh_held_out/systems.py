"""Held-out systems, forty-seventh set: written by a helper that did not read or run the miner,
asked on 2026-12-07 (session of 12:14 UTC); measured once on 12-07 12:28 (0.753 mean),
before anything was tuned on it (see ../README.md for what was after).

Plain data for ../generate.py: each system's families (event id, weight, layout) and the
values its fields take. See ../README.md.
"""

# ruff: noqa: E501

SYSTEMS = {
    # OpenSMTPD 7.x (smtpd) on a small mail relay/MX: the message after
    # "Dec  7 12:14:01 mx1 smtpd[4242]: ", key=value lines led by the 16-hex session id.
    # Checked against smtp_session.c and mta.c (OpenBSD src): "smtp connected address= host=",
    # the "smtp failed-command command=... result=..." forms (the AUTH LOGIN (password) one is
    # its own format string), "smtp bad-input result=" and the "mta delivery evpid= from= to=
    # rcpt= source= relay= delay= result= stat=" line. From memory (not checked): "smtp tls
    # ciphers=", "smtp message msgid= size= nrcpt= proto=", "smtp envelope evpid=", "smtp
    # authentication user= result=", "smtp disconnected reason=", the mda delivery line, the
    # "mta connecting/connected/tls/cert-check/disconnected" lines and the startup line.
    # Labelling: failed-command and mta delivery are split by their meaning (the command and the
    # result: Ok / TempFail / PermFail), as a reader of the log would group them; the
    # disconnect reason= is kept a value.
    "opensmtpd": {
        "lines": 2000,
        "families": (
            (
                "smtp_connected",
                210,
                "{sid} smtp connected address={ip} host={rdns}",
            ),
            (
                "smtp_tls",
                120,
                "{sid} smtp tls ciphers={cipher}",
            ),
            (
                "smtp_message",
                150,
                "{sid} smtp message msgid={hex8} size={msgsize} nrcpt={nrcpt} proto=ESMTP",
            ),
            (
                "smtp_envelope",
                170,
                "{sid} smtp envelope evpid={hex16} from=<{sender}> to=<{rcpt}>",
            ),
            (
                "smtp_disconnected",
                200,
                "{sid} smtp disconnected reason={disc_reason}",
            ),
            (
                "smtp_auth_ok",
                45,
                "{sid} smtp authentication user={authuser} result=ok",
            ),
            (
                "smtp_auth_permfail",
                40,
                "{sid} smtp authentication user={authuser_bad} result=permfail",
            ),
            (
                "smtp_failed_auth_password",
                38,
                '{sid} smtp failed-command command="AUTH LOGIN (password)" result="535 Authentication failed"',
            ),
            (
                "smtp_failed_rcpt_invalid",
                90,
                '{sid} smtp failed-command command="RCPT TO:<{rcpt_bad}"',
            ),
            (
                "smtp_failed_mail_from",
                12,
                '{sid} smtp failed-command command="MAIL FROM:<{sender}>" result="421 4.7.0 {=mx1|mx2}.example.org Too many connections, try again later"',
            ),
            (
                "smtp_failed_starttls",
                10,
                '{sid} smtp failed-command command="STARTTLS" result="503 5.5.1 Invalid command: TLS not available"',
            ),
            (
                "smtp_bad_input",
                15,
                '{sid} smtp bad-input result="500 5.5.1 Invalid command: {=Pipelining not supported|Command unrecognized}"',
            ),
            (
                "mda_delivery_ok",
                110,
                "{sid} mda delivery evpid={hex16} from=<{sender}> to=<{rcpt}> rcpt=<{rcpt}> user={localuser} delay={delay} result=Ok stat=Delivered",
            ),
            (
                "mta_connecting",
                70,
                "{sid} mta connecting address=smtp://{ip}:25 host={mx}",
            ),
            (
                "mta_connected",
                65,
                "{sid} mta connected",
            ),
            (
                "mta_tls",
                55,
                "{sid} mta tls ciphers={cipher}",
            ),
            (
                "mta_cert_check",
                50,
                '{sid} mta cert-check result="{=valid|valid|valid|unverified}" fingerprint="SHA256:{hex64}"',
            ),
            (
                "mta_delivery_ok",
                110,
                '{sid} mta delivery evpid={hex16} from=<{local_sender}> to=<{remote_rcpt}> rcpt=<-> source="{relay_src}" relay="{mx} ({ip})" delay={delay} result="Ok" stat="250 2.0.0 {ok_stat}"',
            ),
            (
                "mta_delivery_tempfail",
                35,
                '{sid} mta delivery evpid={hex16} from=<{local_sender}> to=<{remote_rcpt}> rcpt=<-> source="{relay_src}" relay="{mx} ({ip})" delay={delay} result="TempFail" stat="{tempfail_stat}"',
            ),
            (
                "mta_delivery_permfail",
                18,
                '{sid} mta delivery evpid={hex16} from=<{local_sender}> to=<{remote_rcpt}> rcpt=<-> source="{relay_src}" relay="{mx} ({ip})" delay={delay} result="PermFail" stat="{permfail_stat}"',
            ),
            (
                "mta_disconnected",
                60,
                "{sid} mta disconnected reason=quit messages={=1|1|1|1|2|3|5}",
            ),
            (
                "smtpd_starting",
                2,
                "info: OpenSMTPD {=7.4.0|7.5.0|7.6.0}-portable starting",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "sid": ("{hex16}",),
            "rdns": (
                "<unknown>",
                "<unknown>",
                "mail-{=ed1|wr1|lf1|pj1}-f{nz}{d}{d}.google.com",
                "mail{=a|b|c}{d}{d}.outbound.protection.outlook.com",
                "{=r|s}{d}{d}.smtp.mailgun.net",
                "static.{d}{d}.{d}{d}{d}.{d}{d}.{d}.clients.your-server.de",
                "{=laptop-mk|nas01|printer-hall2}.lan",
                "host-{d}{d}-{d}{d}{d}.dynamic.example-isp.net",
            ),
            "cipher": (
                "TLSv1.3:TLS_AES_256_GCM_SHA384:256",
                "TLSv1.3:TLS_AES_256_GCM_SHA384:256",
                "TLSv1.3:TLS_CHACHA20_POLY1305_SHA256:256",
                "TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256",
                "TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:128",
            ),
            "msgsize": (
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}",
            ),
            "nrcpt": ("1", "1", "1", "1", "2", "3", "7"),
            "localpart": (
                "alice",
                "bob",
                "m.kovacs",
                "info",
                "invoices",
                "postmaster",
                "noc",
                "hr",
                "tanaka",
                "sales",
            ),
            "sender": (
                "",
                "{localpart}@example.org",
                "no-reply@{=github.com|accounts.google.com|shop.example.net}",
                "bounce-{hex8}@{=mailgun.org|sendgrid.net|mcsv.net}",
                "{=john.doe|billing|newsletter}@{=partner-corp.com|supplier.de|example.net}",
            ),
            "rcpt": ("{localpart}@example.org", "{localpart}@lists.example.org"),
            "rcpt_bad": (
                'admin@example.org>" result="550 Invalid recipient: <admin@example.org>',
                'test@example.org>" result="550 Invalid recipient: <test@example.org>',
                'webmaster@example.org>" result="550 Invalid recipient: <webmaster@example.org>',
                'oracle@example.org>" result="550 Invalid recipient: <oracle@example.org>',
                'jsmith@example.org>" result="550 Invalid recipient: <jsmith@example.org>',
                'contact@old.example.org>" result="550 Invalid recipient: <contact@old.example.org>',
                'user@qq.com>" result="550 Invalid recipient: <user@qq.com>',
                'test@mail.ru>" result="550 Invalid recipient: <test@mail.ru>',
                'spameri@tiscali.it>" result="550 Invalid recipient: <spameri@tiscali.it>',
            ),
            "authuser": ("alice", "bob", "m.kovacs", "scanner", "nas01", "tanaka"),
            "authuser_bad": ("admin", "test", "info", "alice", "sales", "root", "user"),
            "localuser": ("alice", "bob", "mkovacs", "vmail", "vmail", "tanaka"),
            "disc_reason": ("quit", "quit", "quit", "quit", "disconnect", "disconnect", "io-error"),
            "delay": (
                "{nz}s",
                "{nz}{d}s",
                "{nz}m{nz}s",
                "{nz}h{=0|1|2|3|4|5}{d}m{d}s",
                "{nz}d{nz}h{d}m{d}s",
            ),
            "local_sender": ("{localpart}@example.org", ""),
            "remote_rcpt": (
                "{=j.smith|orders|support|k.weber}@{=partner-corp.com|supplier.de|example.net|gmail.com|outlook.com}",
            ),
            "relay_src": ("{ip}", "192.168.10.25"),
            "mx": (
                "gmail-smtp-in.l.google.com",
                "alt{nz}.gmail-smtp-in.l.google.com",
                "{=partner-corp|supplier-de|example-net}.mail.protection.outlook.com",
                "mx{nz}.{=supplier.de|example.net}",
                "mx00.ionos.de",
            ),
            "ok_stat": (
                "OK  {d}{d}{d}{d}{d}{d}{d}{d}{d}{d} {hex8}si{d}{d}{d}.{d}{d} - gsmtp",
                "Ok: queued as {=4Q|4R|4S}{hex8}",
                "OK <{hex12}@example.org> [Hostname={=AM|DB|FR}{d}PR{d}{d}MB{d}{d}{d}{d}.eurprd0{nz}.prod.outlook.com]",
                "Requested mail action okay, completed: id={hex8}-{hex8}",
            ),
            "tempfail_stat": (
                "Connection timeout",
                "Network error on destination MXs",
                "421 4.7.0 Try again later, closing connection.",
                "451 4.7.1 Greylisted, please try again in {=60|300|900} seconds",
                "450 4.2.1 The user you are trying to contact is receiving mail too quickly.",
            ),
            "permfail_stat": (
                "550 5.1.1 The email account that you tried to reach does not exist.",
                "550 5.7.1 Service unavailable; client host [{ip}] blocked using Spamhaus",
                "552 5.2.2 Mailbox full",
                "554 5.7.1 Message rejected by policy",
            ),
        },
    },
    # Open Liberty 24.x/25.x (and WebSphere Liberty) console.log: the line as Liberty writes it
    # to the console, "[LEVEL   ] MSGID: text" (no timestamp in console.log). A dev/test
    # server with three applications, restarted and updated often, JDBC to PostgreSQL.
    # Checked against public text: CWWKT0016I "Web application available (default_host): <url>",
    # CWWKZ0001I "Application <app> started in <n> seconds.", CWWKF0011I ("ready to run a
    # smarter planet"), CWWKE0001I, CWWKZ0058I, and the "[AUDIT   ]" level layout. The other
    # message texts (CWWKZ0003I, CWWKZ0009I, CWWKT0017I, CWWKG0016I/17I/28A, CWWKO0219I/20I,
    # SRVE0242I/53I/190E, SESN0176I, DSRA8203I-06I, J2CA0045E, CWWKS1100A, CWWKS4105I,
    # CWWKE0036I, CWWKF0012I, FFDC1015I, CWWKE1100I) are reconstructed from memory.
    "open_liberty": {
        "lines": 2000,
        "families": (
            (
                "server_launched",
                12,
                "[AUDIT   ] CWWKE0001I: The server {server} has been launched.",
            ),
            (
                "monitoring_dropins",
                10,
                "[AUDIT   ] CWWKZ0058I: Monitoring dropins for applications.",
            ),
            (
                "features_installed",
                10,
                "[AUDIT   ] CWWKF0012I: The server installed the following features: [{features}].",
            ),
            (
                "server_ready",
                12,
                "[AUDIT   ] CWWKF0011I: The {server_ready} server started in {secs3} seconds.",
            ),
            (
                "server_stopped",
                9,
                "[AUDIT   ] CWWKE0036I: The server {server} stopped after {secs3} seconds.",
            ),
            (
                "quiesce_timeout",
                6,
                "[AUDIT   ] CWWKE1100I: Waiting for up to {=30|30|60} seconds for the server to quiesce.",
            ),
            (
                "web_app_available",
                140,
                "[AUDIT   ] CWWKT0016I: Web application available (default_host): http://{vhost}:{=9080|9080|9443}/{ctx}/",
            ),
            (
                "web_app_removed",
                70,
                "[AUDIT   ] CWWKT0017I: Web application removed (default_host): http://{vhost}:{=9080|9080|9443}/{ctx}/",
            ),
            (
                "app_started",
                110,
                "[AUDIT   ] CWWKZ0001I: Application {app} started in {secs3} seconds.",
            ),
            (
                "app_updated",
                120,
                "[AUDIT   ] CWWKZ0003I: The application {app} updated in {secs3} seconds.",
            ),
            (
                "app_stopped",
                55,
                "[AUDIT   ] CWWKZ0009I: The application {app} has stopped successfully.",
            ),
            (
                "config_update_start",
                95,
                "[AUDIT   ] CWWKG0016I: Starting server configuration update.",
            ),
            (
                "config_update_done",
                90,
                "[AUDIT   ] CWWKG0017I: The server configuration was successfully updated in {secs3} seconds.",
            ),
            (
                "config_include",
                35,
                "[AUDIT   ] CWWKG0028A: Processing included configuration resource: /opt/ol/wlp/usr/servers/{server}/{=configDropins/overrides/keystore.xml|configDropins/defaults/open-default-port.xml|datasource.xml}",
            ),
            (
                "tcp_channel_started",
                40,
                "[INFO    ] CWWKO0219I: TCP Channel {channel} has been started and is now listening for requests on host {=*|localhost|0.0.0.0} (IPv{=4|6}) port {=9080|9443|7777}.",
            ),
            (
                "tcp_channel_stopped",
                22,
                "[INFO    ] CWWKO0220I: TCP Channel {channel} has stopped listening for requests on host {=*|localhost} (IPv{=4|6}) port {=9080|9443|7777}.",
            ),
            (
                "servlet_init",
                160,
                "[INFO    ] SRVE0242I: [{app}] [/{ctx}] [{servlet}]: Initialization successful.",
            ),
            (
                "servlet_destroy",
                70,
                "[INFO    ] SRVE0253I: [{app}] [/{ctx}] [{servlet}]: Destroy successful.",
            ),
            (
                "file_not_found",
                110,
                "[ERROR   ] SRVE0190E: File not found: {missing}",
            ),
            (
                "session_context",
                70,
                "[INFO    ] SESN0176I: A new session context will be created for application key default_host/{ctx}",
            ),
            (
                "db_product_name",
                30,
                "[INFO    ] DSRA8203I: Database product name : PostgreSQL",
            ),
            (
                "db_product_version",
                30,
                "[INFO    ] DSRA8204I: Database product version : {=15.6|15.8|16.4}",
            ),
            (
                "jdbc_driver_name",
                30,
                "[INFO    ] DSRA8205I: JDBC driver name  : PostgreSQL JDBC Driver",
            ),
            (
                "jdbc_driver_version",
                30,
                "[INFO    ] DSRA8206I: JDBC driver version  : {=42.6.0|42.7.3}",
            ),
            (
                "connection_not_available",
                40,
                "[ERROR   ] J2CA0045E: Connection not available while invoking method createOrWaitForConnection for resource jdbc/{ds}.",
            ),
            (
                "auth_failed",
                60,
                "[AUDIT   ] CWWKS1100A: Authentication did not succeed for user ID {user}. An invalid user ID or password was specified.",
            ),
            (
                "ltpa_ready",
                10,
                "[INFO    ] CWWKS4105I: LTPA configuration is ready after {secs3} seconds.",
            ),
            (
                "ffdc_incident",
                25,
                '[INFO    ] FFDC1015I: An FFDC Incident has been created: "{exception} {probe}" at ffdc_{ffdc_date}_{ffdc_time}.0.log',
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "server": ("defaultServer", "defaultServer", "inventoryServer", "gateway"),
            "server_ready": (
                "defaultServer server is ready to run a smarter planet. The defaultServer",
                "defaultServer server is ready to run a smarter planet. The defaultServer",
                "inventoryServer server is ready to run a smarter planet. The inventoryServer",
                "gateway server is ready to run a smarter planet. The gateway",
            ),
            "secs3": ("{d}.{d}{d}{d}", "{d}.{d}{d}{d}", "{nz}{d}.{d}{d}{d}", "0.{d}{d}{d}"),
            "features": (
                "cdi-4.0, jakartaee-10.0, jdbc-4.3, jndi-1.0, jsonb-3.0, mpConfig-3.1, mpHealth-4.0, restfulWS-3.1, servlet-6.0",
                "appSecurity-5.0, beanValidation-3.0, cdi-4.0, jdbc-4.3, persistence-3.1, restfulWS-3.1, servlet-6.0, ssl-1.0, transportSecurity-1.0",
                "jsp-2.3, localConnector-1.0, servlet-4.0",
                "microProfile-6.1, mpMetrics-5.1, mpOpenAPI-3.1, mpRestClient-3.0",
            ),
            "vhost": (
                "localhost",
                "inventory-7d9f8b6c4-x2l9q",
                "dev-app01.internal",
                "172.18.0.{nz}",
            ),
            "ctx": (
                "inventory",
                "system",
                "api",
                "orders",
                "metrics",
                "health",
                "openapi/ui",
                "ibm/api",
                "IBMJMXConnectorREST",
            ),
            "app": (
                "inventory",
                "system",
                "orders-service",
                "guide-rest-intro",
                "io.openliberty.microprofile.openapi.ui.internal",
            ),
            "channel": ("defaultHttpEndpoint", "defaultHttpEndpoint-ssl", "adminEndpoint"),
            "servlet": (
                "io.openliberty.sample.system.SystemApplication",
                "com.example.inventory.InventoryApplication",
                "jakarta.ws.rs.core.Application",
                "OrdersServlet",
                "com.ibm.ws.microprofile.health.servlet.HealthCheckServlet",
                "JspServlet",
            ),
            "missing": (
                "/favicon.ico",
                "/favicon.ico",
                "/robots.txt",
                "/{ctx}/index.html",
                "/wp-login.php",
                "/.env",
                "/{ctx}/static/js/main.{hex8}.js",
                "/apple-touch-icon.png",
            ),
            "ds": ("inventoryDS", "ordersDS", "DefaultDataSource"),
            "user": ("admin", "alice", "bob", "deploy", "test", "root", "wsadmin"),
            "exception": (
                "java.sql.SQLTransientConnectionException",
                "jakarta.ws.rs.ProcessingException",
                "java.lang.NullPointerException",
                "com.ibm.ws.jdbc.ConnectionManager",
                "java.io.IOException",
            ),
            "probe": (
                "com.ibm.ejs.j2c.FreePool.createOrWaitForConnection {d}{d}{d}",
                "com.ibm.ws.webcontainer.servlet.ServletWrapper.service {d}{d}{d}{d}",
                "com.ibm.ws.jaxrs20.server.LibertyJaxRsServerFactoryBean {d}{d}{d}",
                "com.ibm.ws.http.channel.internal.inbound.HttpInboundLink {d}{d}{d}",
            ),
            "ffdc_date": ("{=24|25|26}.{=01|03|06|09|11|12}.{=02|07|15|21|28}",),
            "ffdc_time": ("{=0|1}{d}.{=1|2|3|4|5}{d}.{=1|2|3|4|5}{d}",),
        },
    },
    # PHP-FPM 8.x error log (/var/log/php8.2-fpm.log): the message after the
    # "[07-Dec-2026 12:14:01] " timestamp, "LEVEL: " kept. Several pools on a web host,
    # catch_workers_output = yes for some, slowlog enabled.
    # Checked in php-src (fpm_children.c, fpm_process_ctl.c) and in quoted logs: "[pool %s]
    # child %d exited %s after %ld.%06d seconds from start" with "with code %d" or
    # "on signal %d (%s%s)" (split into two families), "child %d stopped for tracing",
    # "[pool %s] seems busy (you may need to increase pm.start_servers, or
    # pm.min/max_spare_servers), spawning %d children, there are %d idle, and %d total
    # children", "[pool %s] server reached pm.max_children setting (%d), consider raising it",
    # the ondemand "server reached max_children setting" (its own format string), "failed
    # processes threshold (%d in %d sec) is reached, initiating reload", "[pool %s] child %d
    # started". From memory: the slowlog/timeout lines, "said into stderr", about to trace /
    # finished trace, fpm is running / ready to handle connections / Terminating / exiting,
    # bye-bye / Reloading in progress / reloading: execvp, the bind error.
    # The PHP messages a child writes into stderr are labelled by the PHP message they carry.
    "php_fpm": {
        "lines": 2000,
        "families": (
            (
                "child_started",
                230,
                "NOTICE: [pool {pool}] child {pid} started",
            ),
            (
                "child_exited_code",
                190,
                "NOTICE: [pool {pool}] child {pid} exited with code 0 after {usecs} seconds from start",
            ),
            (
                "child_exited_signal",
                60,
                "WARNING: [pool {pool}] child {pid} exited on signal {signal} after {usecs} seconds from start",
            ),
            (
                "seems_busy",
                90,
                "WARNING: [pool {pool}] seems busy (you may need to increase pm.start_servers, or pm.min/max_spare_servers), spawning {=8|16|32} children, there are {=0|0|0|1|2} idle, and {total} total children",
            ),
            (
                "max_children_dynamic",
                150,
                "WARNING: [pool {pool}] server reached pm.max_children setting ({maxch}), consider raising it",
            ),
            (
                "max_children_ondemand",
                40,
                "WARNING: [pool {pool_od}] server reached max_children setting ({maxch}), consider raising it",
            ),
            (
                "executing_too_slow",
                130,
                "WARNING: [pool {pool}] child {pid}, script '{script}' (request: \"{request}\") executing too slow ({usecs} sec), logging",
            ),
            (
                "stopped_for_tracing",
                110,
                "NOTICE: child {pid} stopped for tracing",
            ),
            (
                "about_to_trace",
                110,
                "NOTICE: about to trace {pid}",
            ),
            (
                "finished_trace",
                105,
                "NOTICE: finished trace of {pid}",
            ),
            (
                "execution_timed_out",
                45,
                "WARNING: [pool {pool}] child {pid}, script '{script}' (request: \"{request}\") execution timed out ({usecs} sec), terminating",
            ),
            (
                "stderr_undefined_key",
                120,
                'WARNING: [pool {pool}] child {pid} said into stderr: "NOTICE: PHP message: PHP Warning:  Undefined array key "{akey}" in {phpfile} on line {line}"',
            ),
            (
                "stderr_undefined_variable",
                70,
                'WARNING: [pool {pool}] child {pid} said into stderr: "NOTICE: PHP message: PHP Warning:  Undefined variable ${var} in {phpfile} on line {line}"',
            ),
            (
                "stderr_deprecated",
                60,
                'WARNING: [pool {pool}] child {pid} said into stderr: "NOTICE: PHP message: PHP Deprecated:  {deprecation} in {phpfile} on line {line}"',
            ),
            (
                "stderr_memory_exhausted",
                30,
                'WARNING: [pool {pool}] child {pid} said into stderr: "NOTICE: PHP message: PHP Fatal error:  Allowed memory size of {memlimit} bytes exhausted (tried to allocate {alloc} bytes) in {phpfile} on line {line}"',
            ),
            (
                "stderr_max_exec_time",
                25,
                'WARNING: [pool {pool}] child {pid} said into stderr: "NOTICE: PHP message: PHP Fatal error:  Maximum execution time of {=30|60|120} seconds exceeded in {phpfile} on line {line}"',
            ),
            (
                "fpm_running",
                12,
                "NOTICE: fpm is running, pid {pid}",
            ),
            (
                "ready",
                12,
                "NOTICE: ready to handle connections",
            ),
            (
                "systemd_monitor",
                10,
                "NOTICE: systemd monitor interval set to 10000ms",
            ),
            (
                "terminating",
                8,
                "NOTICE: Terminating ...",
            ),
            (
                "exiting",
                8,
                "NOTICE: exiting, bye-bye!",
            ),
            (
                "reloading_in_progress",
                9,
                "NOTICE: Reloading in progress ...",
            ),
            (
                "reloading_execvp",
                9,
                "NOTICE: reloading: execvp({execvp_args})",
            ),
            (
                "inherited_socket",
                14,
                'NOTICE: using inherited socket fd={=7|8|9|10}, "/run/php/{sock}.sock"',
            ),
            (
                "failed_threshold",
                3,
                "WARNING: failed processes threshold ({=10|10|5} in {=60|60|30} sec) is reached, initiating reload",
            ),
            (
                "bind_failed",
                3,
                "ERROR: unable to bind listening socket for address '/run/php/{sock}.sock': Address already in use (98)",
            ),
            (
                "init_failed",
                3,
                "ERROR: FPM initialization failed",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "pool": ("www", "www", "wordpress", "shop_example_com", "nextcloud", "api"),
            "pool_od": ("legacy_intranet", "phpmyadmin", "matomo"),
            "usecs": (
                "{d}.{d}{d}{d}{d}{d}{d}",
                "{nz}{d}.{d}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}.{d}{d}{d}{d}{d}{d}",
            ),
            "signal": (
                "9 (SIGKILL)",
                "11 (SIGSEGV)",
                "11 (SIGSEGV - core dumped)",
                "15 (SIGTERM)",
                "7 (SIGBUS)",
            ),
            "total": ("{nz}", "{nz}{d}"),
            "maxch": ("5", "5", "10", "20", "32", "50", "120"),
            "script": (
                "/var/www/{site}/public/index.php",
                "/var/www/{site}/wp-admin/admin-ajax.php",
                "/var/www/{site}/wp-cron.php",
                "/var/www/nextcloud/cron.php",
                "/var/www/nextcloud/remote.php",
                "/srv/api/public/index.php",
            ),
            "site": ("wordpress", "shop.example.com", "html", "intranet"),
            "request": (
                "GET /index.php",
                "POST /index.php",
                "POST /wp-admin/admin-ajax.php",
                "GET /wp-cron.php?doing_wp_cron={nz}{d}{d}{d}{d}{d}{d}{d}{d}{d}.{d}{d}{d}{d}",
                "PROPFIND /remote.php/dav/files/{=alice|bob|admin}/",
                "GET /index.php?route=product/search&search={=shoes|cable|lamp}",
            ),
            "akey": (
                "HTTP_REFERER",
                "page",
                "id",
                "lang",
                "HTTP_X_FORWARDED_FOR",
                "action",
                "items",
            ),
            "var": ("user", "result", "total", "post_id", "row"),
            "phpfile": (
                "/var/www/{site}/wp-content/plugins/{plugin}/includes/class-main.php",
                "/var/www/{site}/wp-content/plugins/{plugin}/admin/settings.php",
                "/var/www/{site}/wp-content/themes/{=astra|storefront|flatsome}/functions.php",
                "/var/www/{site}/wp-includes/{=functions.php|class-wpdb.php|formatting.php}",
                "/srv/api/vendor/{=guzzlehttp/guzzle/src/Client.php|laravel/framework/src/Illuminate/Collections/Arr.php}",
                "/var/www/{site}/system/library/db.php",
            ),
            "plugin": (
                "woocommerce",
                "contact-form-7",
                "elementor",
                "wpforms-lite",
                "yoast-seo",
                "wp-super-cache",
            ),
            "line": ("{nz}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}"),
            "deprecation": (
                "Creation of dynamic property {=WC_Cart|Elementor\\Core\\Base\\Document|WPCF7_ContactForm}::${=data|settings|_cache} is deprecated",
                "strpos(): Passing null to parameter #1 ($haystack) of type string is deprecated",
                "str_replace(): Passing null to parameter #3 ($subject) of type array|string is deprecated",
                "Optional parameter ${=args|context} declared before required parameter ${=id|data} is implicitly treated as a required parameter",
            ),
            "memlimit": ("134217728", "268435456", "536870912"),
            "alloc": ("{nz}{d}{d}{d}{d}", "{nz}{d}{d}{d}{d}{d}", "{nz}{d}{d}{d}{d}{d}{d}"),
            "phpver": ("8.2", "8.3", "8.1"),
            "execvp_args": (
                '"/usr/sbin/php-fpm8.2", {{"/usr/sbin/php-fpm8.2", "--nodaemonize", "--fpm-config", "/etc/php/8.2/fpm/php-fpm.conf"}}',
                '"/usr/sbin/php-fpm8.3", {{"/usr/sbin/php-fpm8.3", "--nodaemonize", "--fpm-config", "/etc/php/8.3/fpm/php-fpm.conf"}}',
                '"/usr/sbin/php-fpm8.1", {{"/usr/sbin/php-fpm8.1", "--nodaemonize", "--fpm-config", "/etc/php/8.1/fpm/php-fpm.conf"}}',
                '"/usr/local/sbin/php-fpm", {{"/usr/local/sbin/php-fpm", "--nodaemonize"}}',
            ),
            "sock": ("php{phpver}-fpm", "php-fpm-{pool}"),
        },
    },
    # Tasmota 13/14 on ESP8266/ESP32 smart plugs and relay boards in a workshop (energy
    # metering of machines, a few relays switched by rules): the web console / serial log, the
    # message after the "12:14:01.123 " time prefix, "XXX: " module tag kept.
    # Checked in Tasmota source (xdrv_02_mqtt.ino and language strings): "MQT: Attempting
    # connection...", "MQT: Connected", "MQT: Connect failed to %s:%d, rc %d. Retry in %d sec",
    # "MQT: TLS connected in %d ms, ...". From memory: the "MQT: <topic> = <payload>" publish
    # line (one writer, labelled by its topic's last part: STATE, SENSOR, POWER, RESULT, LWT,
    # INFO), "CMD: Grp ..., Cmd ..., Idx ..., Len ..., Pld ..., Data ...", the WIF, HTP, CFG,
    # APP, RUL, RTC and UPP lines.
    "tasmota": {
        "lines": 2000,
        "families": (
            (
                "mqt_tele_state",
                230,
                'MQT: tele/{topic}/STATE = {{"Time":"{ttime}","Uptime":"{uptime}","UptimeSec":{count},"Heap":{=21|23|25|26|27},"SleepMode":"Dynamic","Sleep":{=10|50},"LoadAvg":{=19|20|23|99},"MqttCount":{=1|1|2|3},"POWER":"{=ON|OFF}","Wifi":{{"AP":{=1|2},"SSId":"{ssid}","BSSId":"{MAC}","Channel":{=1|6|11},"Mode":"11n","RSSI":{rssi},"Signal":-{=52|58|63|67|71|78},"LinkCount":{=1|1|2|4},"Downtime":"0T00:00:{=03|04|07|12}"}}}}',
            ),
            (
                "mqt_tele_sensor",
                300,
                'MQT: tele/{topic}/SENSOR = {{"Time":"{ttime}","ENERGY":{{"TotalStartTime":"{tstart}","Total":{kwh},"Yesterday":{kwh_small},"Today":{kwh_small},"Period":{=0|1|3|12},"Power":{watts},"ApparentPower":{watts},"ReactivePower":{watts},"Factor":0.{d}{d},"Voltage":{=228|229|230|231|232|234},"Current":{amps}}}}}',
            ),
            (
                "mqt_stat_power",
                110,
                "MQT: stat/{topic}/POWER{relay} = {=ON|OFF}",
            ),
            (
                "mqt_stat_result",
                110,
                'MQT: stat/{topic}/RESULT = {{"POWER{relay}":"{=ON|OFF}"}}',
            ),
            (
                "mqt_tele_lwt",
                30,
                "MQT: tele/{topic}/LWT = Online (retained)",
            ),
            (
                "mqt_tele_info1",
                18,
                'MQT: tele/{topic}/INFO1 = {{"Info1":{{"Module":"{module}","Version":"{version}","FallbackTopic":"cmnd/DVES_{hex6}_fb/","GroupTopic":"cmnd/tasmotas/"}}}}',
            ),
            (
                "cmd_received",
                120,
                "CMD: Grp 0, Cmd '{cmnd}', Idx {=1|1|1|2}, Len {small}, Pld {=1|0|-99}, Data '{cmnd_data}'",
            ),
            (
                "mqt_attempting",
                40,
                "MQT: Attempting connection...",
            ),
            (
                "mqt_connected",
                35,
                "MQT: Connected",
            ),
            (
                "mqt_connect_failed",
                45,
                "MQT: Connect failed to {broker}:{=1883|1883|8883}, rc {=-2|-2|-4|5}. Retry in {=10|10|20|30|60} sec",
            ),
            (
                "wif_connecting",
                40,
                "WIF: Connecting to AP{=1|2} {ssid} Channel {=1|6|11} BSSId {MAC} in mode 11n as {hostname}...",
            ),
            (
                "wif_connected",
                38,
                "WIF: Connected",
            ),
            (
                "wif_checking",
                22,
                "WIF: Checking connection...",
            ),
            (
                "htp_web_server",
                25,
                "HTP: Web server active on {hostname} with IP address {lanip}",
            ),
            (
                "htp_main_menu",
                50,
                "HTP: Main Menu",
            ),
            (
                "htp_console",
                20,
                "HTP: Console",
            ),
            (
                "cfg_saved",
                40,
                "CFG: Saved to flash at {=F9|FA|FB|FC|3F4|3F5}, Count {count}, Bytes {=4096|4096|3584}",
            ),
            (
                "app_boot_count",
                15,
                "APP: Boot Count {count}",
            ),
            (
                "app_restarting",
                12,
                "APP: Restarting",
            ),
            (
                "rul_performs",
                60,
                'RUL: {rule_trigger} performs "{rule_cmd}"',
            ),
            (
                "rtc_utc",
                20,
                "RTC: UTC {rtc}, DST {=2026-03-29T02:00:00|2027-03-28T02:00:00}, STD {=2026-10-25T03:00:00|2027-10-31T03:00:00}",
            ),
            (
                "upp_multicast",
                10,
                "UPP: Multicast (re)joined",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "topic": (
                "tasmota_{hex6}",
                "plug_{=lathe|mill|compressor|kiln|welder|bandsaw}",
                "relay_{=dust_extractor|shop_lights|heater}",
                "athom_{hex4}",
            ),
            "H": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"),
            "hex6": ("{H}{H}{H}{H}{H}{H}",),
            "ttime": ("2026-12-{=05|06|07}T{time}",),
            "tstart": ("20{=23|24|25}-{=01|04|09|11}-{=02|14|23}T{time}",),
            "uptime": ("{small}T{=0|1}{d}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d}",),
            "ssid": ("workshop-iot", "workshop-iot", "IoT-2G4", "plant-sensors"),
            "MAC": ("{=24:A1:60|C8:2B:96|AC:84:C6|E8:DB:84}:{H}{H}:{H}{H}:{H}{H}",),
            "rssi": ("{=3|4|5|6|7|8|9}{d}", "100"),
            "kwh": ("{nz}{d}.{d}{d}{d}", "{nz}{d}{d}.{d}{d}{d}", "{nz}{d}{d}{d}.{d}{d}{d}"),
            "kwh_small": ("0.{d}{d}{d}", "{nz}.{d}{d}{d}", "{nz}{d}.{d}{d}{d}"),
            "watts": ("0", "0", "{nz}", "{nz}{d}", "{nz}{d}{d}", "{=1|2}{d}{d}{d}"),
            "amps": ("0.000", "0.{d}{d}{d}", "{nz}.{d}{d}{d}"),
            "relay": ("", "", "", "1", "2"),
            "module": (
                "Sonoff Basic",
                "Athom Plug V2",
                "Generic",
                "Sonoff POW R2",
                "Shelly 1PM",
                "ESP32-DevKit",
            ),
            "version": (
                "13.4.0(tasmota)",
                "14.2.0(release-tasmota)",
                "14.3.0(tasmota32)",
                "12.5.0(tasmota)",
            ),
            "cmnd": (
                "POWER",
                "POWER",
                "STATUS",
                "TELEPERIOD",
                "BACKLOG",
                "STATE",
                "RULE1",
                "ENERGYRES",
            ),
            "cmnd_data": (
                "ON",
                "OFF",
                "TOGGLE",
                "",
                "8",
                "60",
                "300",
                "1",
                "POWER OFF; DELAY 50; POWER ON",
            ),
            "broker": ("192.168.40.10", "mqtt.workshop.lan", "10.10.5.2", "homeassistant.local"),
            "hostname": (
                "tasmota-{hex6}-{d}{d}{d}{d}",
                "{=plug-lathe|plug-mill|relay-heater|plug-kiln}",
            ),
            "lanip": ("192.168.40.{nz}{d}", "10.10.5.{nz}{d}{d}"),
            "rule_trigger": (
                "ENERGY#POWER",
                "POWER1#STATE",
                "SWITCH1#STATE",
                "TIME#MINUTE",
                "SYSTEM#BOOT",
                "MQTT#CONNECTED",
                "CLOCK#TIMER={=1|2|3}",
            ),
            "rule_cmd": (
                "POWER2 ON",
                "POWER2 OFF",
                "Publish stat/{topic}/ALERT compressor running",
                "Backlog Power1 off; Delay 600; Power1 on",
                "RuleTimer1 {=60|300|900}",
                "Var1 {=0|1}",
            ),
            "rtc": ("2026-12-{=05|06|07}T{time}",),
        },
    },
    # ArduPilot (ArduCopter 4.5/4.6 on a survey quad, some ArduPlane/Rover flights) STATUSTEXT
    # messages, as the ground station logs them (MAVProxy "AP: " prefix and time removed), or
    # the MSG lines of the onboard dataflash log: many flights of one fleet.
    # Checked in ArduPilot source: "EKF3 IMU%u is using GPS", "Throttle armed",
    # "EKF3 IMU%u stopped aiding" (in a doc quoting the source), "Throttle disarmed" (in test
    # data). From memory, not checked: the other EKF3 lines, the PreArm reasons (each its own
    # string in the source, so its own family), "Mission: %u %s", "Reached command #%i",
    # the battery failsafe lines, GPS detection, the boot banner lines, "Vibration compensation
    # ON", "Field Elevation Set", "EKF primary changed:%d", "Crash: Disarming".
    "ardupilot": {
        "lines": 2000,
        "families": (
            (
                "ekf3_using_gps",
                110,
                "EKF3 IMU{imu} is using GPS",
            ),
            (
                "ekf3_initialised",
                90,
                "EKF3 IMU{imu} initialised",
            ),
            (
                "ekf3_tilt_alignment",
                85,
                "EKF3 IMU{imu} tilt alignment complete",
            ),
            (
                "ekf3_yaw_alignment",
                80,
                "EKF3 IMU{imu} MAG{=0|1} initial yaw alignment complete",
            ),
            (
                "ekf3_origin_set",
                60,
                "EKF3 IMU{imu} origin set",
            ),
            (
                "ekf3_stopped_aiding",
                14,
                "EKF3 IMU{imu} stopped aiding",
            ),
            (
                "ekf3_yaw_reset_gps",
                18,
                "EKF3 IMU{imu} yaw aligned using GPS",
            ),
            (
                "ekf_primary_changed",
                12,
                "EKF primary changed:{=0|1|2}",
            ),
            (
                "throttle_armed",
                110,
                "Throttle armed",
            ),
            (
                "throttle_disarmed",
                105,
                "Throttle disarmed",
            ),
            (
                "mission_item",
                300,
                "Mission: {wpn} {mission_cmd}",
            ),
            (
                "reached_command",
                240,
                "Reached command #{wpn}",
            ),
            (
                "prearm_3d_fix",
                40,
                "PreArm: Need 3D Fix",
            ),
            (
                "prearm_gps_hdop",
                25,
                "PreArm: GPS {gpsn}: Bad fix, need 3D fix with HDOP < {=2.50|2.00}",
            ),
            (
                "prearm_compass_calibrated",
                18,
                "PreArm: Compass not calibrated",
            ),
            (
                "prearm_safety_switch",
                45,
                "PreArm: Hardware safety switch",
            ),
            (
                "prearm_battery_voltage",
                20,
                "PreArm: Battery {gpsn} below minimum arming voltage",
            ),
            (
                "prearm_gyros_inconsistent",
                12,
                "PreArm: Gyros inconsistent",
            ),
            (
                "prearm_rc_not_found",
                15,
                "PreArm: RC not found",
            ),
            (
                "battery_low",
                25,
                "Battery {gpsn} is low {volts}V used {mah} mAh",
            ),
            (
                "battery_critical",
                8,
                "Battery {gpsn} is critical {volts}V used {mah} mAh",
            ),
            (
                "gps_detected",
                45,
                "GPS {gpsn}: detected as {gps_type} at {=115200|230400|460800} baud",
            ),
            (
                "ublox_hw",
                40,
                "u-blox {gpsn} HW: {=00190000|00080000|000A0000} SW: {ublox_sw}",
            ),
            (
                "frame",
                40,
                "Frame: {frame}",
            ),
            (
                "firmware_version",
                40,
                "{firmware} ({hex8})",
            ),
            (
                "vibration_compensation",
                20,
                "Vibration compensation ON",
            ),
            (
                "field_elevation",
                25,
                "Field Elevation Set: {=87|88|112|113|431|432|1204}m",
            ),
            (
                "crash_disarming",
                4,
                "Crash: Disarming",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "imu": ("0", "0", "1", "1", "2"),
            "gpsn": ("1", "1", "1", "2"),
            "wpn": ("{nz}", "{nz}", "{nz}{d}", "{=1|2}{d}{d}"),
            "mission_cmd": (
                "WP",
                "WP",
                "WP",
                "WP",
                "Takeoff",
                "RTL",
                "Land",
                "LoitTime",
                "ChangeSpeed",
                "DoDigicamControl",
                "DoSetServo",
                "DoJump",
                "SplineWP",
                "SetYawSpd",
            ),
            "volts": ("{=13|14|21|22}.{d}{d}", "{=10|11}.{d}{d}"),
            "mah": ("{nz}{d}{d}{d}", "{=1|2}{d}{d}{d}{d}"),
            "gps_type": ("u-blox", "u-blox", "NMEA", "SBF", "UAVCAN"),
            "ublox_sw": (
                "EXT CORE 3.01 (107888)",
                "EXT CORE 1.00 (5e1bfe)",
                "ROM SPG 5.10 (7b202e)",
            ),
            "frame": ("QUAD/X", "QUAD/X", "HEXA/X", "OCTA_QUAD/X", "Y6/Y6B", "QUAD/H"),
            "firmware": (
                "ArduCopter V4.5.7",
                "ArduCopter V4.5.7",
                "ArduCopter V4.6.0",
                "ArduPlane V4.5.7",
                "ArduRover V4.5.7",
            ),
        },
    },
}
