"""Held-out systems, fifty-fourth set: written by a helper that did not read or run the miner,
asked on 2026-12-07 (session of 15:30 UTC); measured once on 12-07 16:47 (0.523 mean),
before anything was tuned on it (see ../README.md for what was after).

Plain data for ../generate.py: each system's families (event id, weight, layout) and the
values its fields take. See ../README.md.
"""

# ruff: noqa: E501

# Values that must agree inside one line (an address and its name, an app and its
# namespace) are written out whole, one entry per pairing.

_CADDY_CLIENTS = (
    "203.0.113.7",
    "198.51.100.23",
    "192.0.2.144",
    "81.17.24.3",
    "93.184.216.34",
    "185.220.101.47",
    "66.249.66.1",
    "40.77.167.13",
    "172.18.0.1",
    "10.0.4.22",
    "2a02:810d:4b3f:e100:5c1a:9f2e:11d4:7a0b",
    "2001:db8:85a3::8a2e:370:7334",
    "45.148.10.92",
    "5.188.62.140",
    "91.240.118.172",
    "31.13.72.36",
)

_CADDY_HOSTS = (
    "shop.example.com",
    "www.example.com",
    "example.com",
    "api.example.com",
    "grafana.lab.example.net",
    "cloud.example.org",
    "git.example.org",
    "status.example.io",
)

# A request as Caddy logs it: "@HOST", "@PROTO" and "@ALPN" are put in below, so that the
# Host header, the TLS server name and the protocol agree within one line.
_CADDY_REQ_TLS = '{{{peer}, "proto": "@PROTO", "method": "{method}", "host": "@HOST", "uri": "{uri}", "headers": {headers}, "tls": {{"resumed": {=false|false|true}, "version": {=772|772|771}, "cipher_suite": {=4865|4865|4867|49199}, "proto": "@ALPN", "server_name": "@HOST"}}}}'
_CADDY_REQ_PLAIN = '{{{peer}, "proto": "HTTP/1.1", "method": "{method}", "host": "@HOST", "uri": "{uri}", "headers": {headers}}}'

# (application, its destination namespace, its project, its cluster)
_ARGO_APPS = (
    ("guestbook", "guestbook", "default", "https://kubernetes.default.svc"),
    ("payments-api", "payments", "shop", "https://kubernetes.default.svc"),
    ("checkout-web", "checkout", "shop", "https://kubernetes.default.svc"),
    ("orders-worker", "orders", "shop", "https://prod-eu1.k8s.example.com"),
    ("cert-manager", "cert-manager", "platform", "https://kubernetes.default.svc"),
    ("ingress-nginx", "ingress-nginx", "platform", "https://prod-eu1.k8s.example.com"),
    ("kube-prometheus-stack", "monitoring", "platform", "https://kubernetes.default.svc"),
    ("loki", "monitoring", "platform", "https://10.40.0.10:6443"),
    ("external-dns", "external-dns", "platform", "https://prod-eu1.k8s.example.com"),
    ("keycloak", "iam", "default", "https://10.40.0.10:6443"),
    ("redis-cache", "shop-data", "shop", "https://prod-eu1.k8s.example.com"),
    ("root-apps", "argocd", "default", "https://kubernetes.default.svc"),
)

# (spamd's user, its uid)
_SPAMD_USERS = (
    ("debian-spamd", "113"),
    ("debian-spamd", "113"),
    ("debian-spamd", "113"),
    ("spamd", "1001"),
    ("amavis", "110"),
    ("vmail", "5000"),
    ("nobody", "65534"),
)

# (execute node, its address)
_CONDOR_NODES = (
    ("wn-a03.hpc.example.edu", "10.20.1.3"),
    ("wn-a07.hpc.example.edu", "10.20.1.7"),
    ("wn-a12.hpc.example.edu", "10.20.1.12"),
    ("wn-a15.hpc.example.edu", "10.20.1.15"),
    ("wn-b02.hpc.example.edu", "10.20.2.2"),
    ("wn-b09.hpc.example.edu", "10.20.2.9"),
    ("wn-b21.hpc.example.edu", "10.20.2.21"),
    ("gpu-c01.hpc.example.edu", "10.20.3.1"),
    ("gpu-c04.hpc.example.edu", "10.20.3.4"),
    ("wn-d11.hpc.example.edu", "10.20.4.11"),
)

SYSTEMS = {
    # Caddy 2.7/2.8 web server and reverse proxy, its log written with `format console`
    # (zap's console encoder): the message after "2026/12/07 15:30:01.123\tINFO\t", i.e. the
    # logger name, a tab, the message, a tab and the fields as JSON. Tabs kept as written.
    # The access log (one "handled request" line per request) shares the log with the
    # runtime log. Checked against stored source and pasted logs: the access-log line's
    # shape, "certificate expires soon; queuing for renewal" (certmagic). From memory,
    # well known: the ACME obtain/renew sequence, the start-up lines, the stdlib TLS
    # handshake error, http.log.error. Reconstructed, less sure of exact field sets: the
    # health-checker lines and "will retry". "acquiring lock", "lock acquired" and
    # "releasing lock" are one certmagic statement each, logged under the obtain or renew
    # logger, so the logger name is a value there; http.log.error prints the error itself
    # as its message, so that family's message text varies (one statement, one event).
    "caddy": {
        "lines": 2000,
        "families": (
            (
                "access_handled_request",
                560,
                'http.log.access.log{=0|0|0|1}\thandled request\t{{"request": {req}, "bytes_read": {=0|0|0|0|312|1187|4096}, "user_id": "{=|||||admin}", "duration": {dur}, "size": {size_n}, "status": {status}, "resp_headers": {resp_headers}}}',
            ),
            (
                "stdlib_tls_handshake_error",
                170,
                "http.stdlib\thttp: TLS handshake error from {client}:{eport}: {tls_err}",
            ),
            (
                "log_error",
                80,
                'http.log.error\t{proxy_err}\t{{"request": {req}, "duration": {dur}, "status": {=502|502|502|502|504|503}, "err_id": "{errid}", "err_trace": "reverseproxy.statusError (reverseproxy.go:{=1269|1299|1332})"}}',
            ),
            (
                "proxy_aborting_incomplete",
                35,
                'http.handlers.reverse_proxy\taborting with incomplete response\t{{"upstream": "{upstream}", "duration": {dur}, "request": {req}, "error": "{abort_err}"}}',
            ),
            (
                "health_check_request_failed",
                30,
                "http.handlers.reverse_proxy.health_checker.active\tHTTP request failed\t{hc_failed}",
            ),
            (
                "health_check_unexpected_status",
                12,
                'http.handlers.reverse_proxy.health_checker.active\tunexpected status code\t{{"status_code": {=500|502|503|503|404}, "host": "{upstream}"}}',
            ),
            (
                "cert_expires_soon",
                16,
                'tls.cache.maintenance\tcertificate expires soon; queuing for renewal\t{{"identifiers": [{identifiers}], "remaining": {remaining}}}',
            ),
            (
                "acquiring_lock",
                14,
                '{=tls.obtain|tls.renew|tls.renew}\tacquiring lock\t{{"identifier": "{domain}"}}',
            ),
            (
                "lock_acquired",
                14,
                '{=tls.obtain|tls.renew|tls.renew}\tlock acquired\t{{"identifier": "{domain}"}}',
            ),
            (
                "releasing_lock",
                13,
                '{=tls.obtain|tls.renew|tls.renew}\treleasing lock\t{{"identifier": "{domain}"}}',
            ),
            (
                "obtaining_certificate",
                5,
                'tls.obtain\tobtaining certificate\t{{"identifier": "{domain}"}}',
            ),
            (
                "renewing_certificate",
                9,
                'tls.renew\trenewing certificate\t{{"identifier": "{domain}", "remaining": {remaining}}}',
            ),
            (
                "trying_to_solve_challenge",
                14,
                'tls.issuance.acme.acme_client\ttrying to solve challenge\t{{"identifier": "{domain}", "challenge_type": "{=tls-alpn-01|tls-alpn-01|http-01}", "ca": "{ca_url}"}}',
            ),
            (
                "served_key_auth_certificate",
                7,
                'tls\tserved key authentication certificate\t{{"server_name": "{domain}", "challenge": "tls-alpn-01", "remote": "{acme_validator}:{eport}", "distributed": false}}',
            ),
            (
                "authorization_finalized",
                12,
                'tls.issuance.acme.acme_client\tauthorization finalized\t{{"identifier": "{domain}", "authz_status": "valid"}}',
            ),
            (
                "validations_succeeded",
                12,
                'tls.issuance.acme.acme_client\tvalidations succeeded; finalizing order\t{{"order": "https://acme-v02.api.letsencrypt.org/acme/order/{acme_acct}/{acme_order}"}}',
            ),
            (
                "downloaded_cert_chains",
                12,
                'tls.issuance.acme.acme_client\tsuccessfully downloaded available certificate chains\t{{"count": {=1|2|2}, "first_url": "https://acme-v02.api.letsencrypt.org/acme/cert/{=03|04}{hex32}{hex2}"}}',
            ),
            (
                "certificate_obtained",
                5,
                'tls.obtain\tcertificate obtained successfully\t{{"identifier": "{domain}", "issuer": "{issuer}"}}',
            ),
            (
                "certificate_renewed",
                9,
                'tls.renew\tcertificate renewed successfully\t{{"identifier": "{domain}"}}',
            ),
            (
                "could_not_get_certificate",
                5,
                'tls.obtain\tcould not get certificate from issuer\t{{"identifier": "{domain}", "issuer": "{issuer}", "error": "{acme_err}"}}',
            ),
            (
                "obtain_will_retry",
                5,
                'tls.obtain\twill retry\t{{"error": "[{domain}] Obtain: {acme_err}", "attempt": {=1|2|3|4|5}, "retrying_in": {=60|120|120|300|600}, "elapsed": {secs}, "max_duration": 2592000}}',
            ),
            (
                "using_provided_configuration",
                3,
                'using provided configuration\t{{"config_file": "{=/etc/caddy/Caddyfile|/etc/caddy/Caddyfile|Caddyfile}", "config_adapter": "caddyfile"}}',
            ),
            (
                "admin_endpoint_started",
                3,
                'admin\tadmin endpoint started\t{{"address": "localhost:2019", "enforce_origin": false, "origins": ["//localhost:2019", "//[::1]:2019", "//127.0.0.1:2019"]}}',
            ),
            (
                "server_running",
                5,
                'http.log\tserver running\t{{"name": "{=srv0|srv0|srv1|remaining_auto_https_redirects}", "protocols": [{protocols}]}}',
            ),
            (
                "autosaved_config",
                3,
                'autosaved config (load with --resume flag)\t{{"file": "{=/var/lib/caddy/.config/caddy/autosave.json|/config/caddy/autosave.json}"}}',
            ),
            (
                "shutting_down",
                3,
                'shutting down apps, then terminating\t{{"signal": "SIGTERM"}}',
            ),
            (
                "admin_received_request",
                9,
                'admin.api\treceived request\t{{"method": "POST", "host": "localhost:2019", "uri": "/load", "remote_ip": "127.0.0.1", "remote_port": "{eport}", "headers": {{"Accept-Encoding": ["gzip"], "Content-Length": ["{=412|987|1187|2240|3315}"], "Content-Type": ["text/caddyfile"], "Origin": ["http://localhost:2019"], "User-Agent": ["Go-http-client/1.1"]}}}}',
            ),
            (
                "enabling_https_redirects",
                3,
                'http.auto_https\tenabling automatic HTTP->HTTPS redirects\t{{"server_name": "{=srv0|srv0|srv1}"}}',
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "eport": ("{=32|33|35|38|41|44|47|49|51|53|55|57|58|60}{d}{d}{d}",),
            "client": _CADDY_CLIENTS,
            "peer": tuple(
                f'"remote_ip": "{ip}", "remote_port": "{{eport}}", "client_ip": "{ip}"'
                for ip in _CADDY_CLIENTS
            ),
            "domain": _CADDY_HOSTS,
            "identifiers": (
                '"{domain}"',
                '"{domain}"',
                '"example.com", "www.example.com"',
            ),
            "req": tuple(
                layout.replace("@HOST", host).replace("@PROTO", proto).replace("@ALPN", alpn)
                for host in _CADDY_HOSTS
                for proto, alpn in (
                    ("HTTP/2.0", "h2"),
                    ("HTTP/2.0", "h2"),
                    ("HTTP/1.1", "http/1.1"),
                    ("HTTP/3.0", "h3"),
                )
                for layout in (_CADDY_REQ_TLS, _CADDY_REQ_TLS, _CADDY_REQ_TLS, _CADDY_REQ_PLAIN)
            ),
            "method": (
                "GET",
                "GET",
                "GET",
                "GET",
                "GET",
                "POST",
                "POST",
                "HEAD",
                "PUT",
                "OPTIONS",
                "DELETE",
            ),
            "uri": (
                "/",
                "/",
                "/favicon.ico",
                "/robots.txt",
                "/api/v1/orders/{nz}{d}{d}{d}{d}",
                "/api/v1/users/{uuid}",
                "/api/health",
                "/static/js/main.{hex8}.js",
                "/static/css/app.{hex8}.css",
                "/assets/img/logo.svg",
                "/login?next=%2Fdashboard",
                "/d/{hex8}/node-exporter-full?orgId=1&refresh=30s",
                "/api/datasources/proxy/uid/{hex8}/api/v1/query_range",
                "/wp-login.php",
                "/.env",
                "/.git/config",
                "/remote.php/dav/files/{=anna|tom|admin}/Photos/IMG_{nz}{d}{d}{d}.jpg",
                "/user/login",
                "/{=alice|infra|web}/{=website|ansible|dotfiles}/raw/branch/main/README.md",
            ),
            "headers": (
                '{{"User-Agent": ["{ua}"], "Accept": ["*/*"]}}',
                '{{"Accept-Encoding": ["gzip, deflate, br"], "User-Agent": ["{ua}"], "Accept": ["text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"], "Accept-Language": ["en-US,en;q=0.9"], "Sec-Fetch-Mode": ["navigate"]}}',
                '{{"Accept": ["application/json"], "Authorization": [], "Content-Type": ["application/json"], "User-Agent": ["{ua}"], "X-Request-Id": ["{uuid}"]}}',
                '{{"User-Agent": ["{ua}"], "Accept-Encoding": ["gzip"], "Connection": ["close"]}}',
            ),
            "ua": (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{=119|120|121|124}.0.0.0 Safari/537.36",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{=1|2|4} Safari/605.1.15",
                "Mozilla/5.0 (X11; Linux x86_64; rv:{=115|121|125}.0) Gecko/20100101 Firefox/{=115|121|125}.0",
                "curl/{=7.81.0|8.5.0|8.15.0}",
                "Go-http-client/1.1",
                "Prometheus/2.{=45|48|51}.0",
                "python-requests/2.{=28|31}.0",
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                "Mozilla/5.0 zgrab/0.x",
            ),
            "dur": (
                "0.000{d}{d}{d}{d}{d}{d}",
                "0.00{nz}{d}{d}{d}{d}{d}{d}",
                "0.00{nz}{d}{d}{d}{d}{d}{d}",
                "0.0{nz}{d}{d}{d}{d}{d}{d}{d}",
                "0.{nz}{d}{d}{d}{d}{d}{d}{d}{d}",
                "{nz}.{d}{d}{d}{d}{d}{d}{d}{d}{d}",
            ),
            "size_n": (
                "0",
                "{nz}{d}",
                "{nz}{d}{d}",
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}",
            ),
            "status": (
                "200",
                "200",
                "200",
                "200",
                "200",
                "200",
                "304",
                "301",
                "308",
                "204",
                "404",
                "404",
                "403",
                "401",
                "502",
                "500",
            ),
            "resp_headers": (
                '{{"Server": ["Caddy"], "Alt-Svc": ["h3=\\":443\\"; ma=2592000"], "Content-Type": ["{ctype}"], "Date": ["{wday}, 07 Dec 2026 {time} GMT"]}}',
                '{{"Server": ["Caddy"], "Content-Type": ["{ctype}"], "Etag": ["\\"{=s|r}{hex7}{hex4}\\""], "Last-Modified": ["{wday}, {=02|14|28} Nov 2026 {time} GMT"], "Vary": ["Accept-Encoding"]}}',
                '{{"Server": ["Caddy"], "Location": ["https://{domain}/"], "Content-Type": []}}',
                '{{"Content-Type": ["{ctype}"], "X-Frame-Options": ["SAMEORIGIN"], "X-Content-Type-Options": ["nosniff"], "Strict-Transport-Security": ["max-age=31536000;"], "Server": ["Caddy"]}}',
            ),
            "ctype": (
                "text/html; charset=utf-8",
                "application/json",
                "application/json; charset=utf-8",
                "text/javascript; charset=utf-8",
                "text/css; charset=utf-8",
                "image/svg+xml",
                "text/plain; charset=utf-8",
            ),
            "wday": ("Mon", "Sun", "Sat"),
            "time": (
                "{=0|1}{d}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d}",
                "2{=0|1|2|3}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d}",
            ),
            "tls_err": (
                "EOF",
                "EOF",
                "no certificate available for '{client}'",
                "no certificate available for '{=localhost|nas.local|10.0.4.5}'",
                "client sent an HTTP request to an HTTPS server",
                "tls: client offered only unsupported versions: [302 301]",
                "tls: first record does not look like a TLS handshake",
                "read tcp {caddy_ip}:443->{client}:{eport}: read: connection reset by peer",
                "remote error: tls: unknown certificate",
                "remote error: tls: bad certificate",
                "tls: no cipher suite supported by both client and server",
                "read tcp {caddy_ip}:443->{client}:{eport}: i/o timeout",
            ),
            "caddy_ip": ("172.18.0.2", "10.0.4.5", "[2a01:4f8:c17:1f2a::1]"),
            "upstream": (
                "localhost:3000",
                "127.0.0.1:8080",
                "app:8000",
                "grafana:3000",
                "gitea:3000",
                "nextcloud:80",
                "10.0.2.15:9000",
                "api-{=1|2|3}.internal:8443",
            ),
            "upstream_ip": ("127.0.0.1", "172.18.0.{=3|4|5|7|9}", "10.0.2.15"),
            "proxy_err": (
                "dial tcp {upstream_ip}:{=3000|8080|8000|80|9000}: connect: connection refused",
                "dial tcp {upstream_ip}:{=3000|8080|8000|80|9000}: connect: connection refused",
                "dial tcp: lookup {=app|gitea|nextcloud|api-2.internal} on 127.0.0.11:53: no such host",
                "net/http: timeout awaiting response headers",
                "context canceled",
                "read tcp 172.18.0.2:{eport}->{upstream_ip}:{=3000|8080|8000}: read: connection reset by peer",
                "EOF",
                "dial tcp {upstream_ip}:{=3000|8080|8000}: i/o timeout",
            ),
            "abort_err": (
                "reading: context canceled",
                "reading: context canceled",
                "writing: write tcp {caddy_ip}:443->{client}:{eport}: write: broken pipe",
                "reading: unexpected EOF",
                "writing: http2: stream closed",
            ),
            "hc_failed": tuple(
                f'{{{{"host": "{up}", "error": "Get \\"http://{up}{path}\\": {err}"}}}}'
                for up, path, err in (
                    (
                        "app:8000",
                        "/health",
                        "dial tcp 172.18.0.5:8000: connect: connection refused",
                    ),
                    (
                        "app:8000",
                        "/health",
                        "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                    ),
                    (
                        "gitea:3000",
                        "/api/healthz",
                        "dial tcp 172.18.0.7:3000: connect: connection refused",
                    ),
                    (
                        "api-1.internal:8443",
                        "/healthz",
                        "dial tcp: lookup api-1.internal on 127.0.0.11:53: no such host",
                    ),
                    (
                        "api-2.internal:8443",
                        "/healthz",
                        "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
                    ),
                    (
                        "127.0.0.1:8080",
                        "/status",
                        "dial tcp 127.0.0.1:8080: connect: connection refused",
                    ),
                )
            ),
            "errid": ("{=a|b|c|d|e|f|g|h|i|j|k|m|n|p|q|r|s|t|u|v|w|x|y|z}{hex8}",),
            "remaining": (
                "259{d}{d}{d}{d}.{d}{d}{d}{d}{d}{d}{d}{d}{d}",
                "258{d}{d}{d}{d}.{d}{d}{d}{d}{d}{d}{d}{d}{d}",
                "25{=0|1|2|3|4|5|6|7}{d}{d}{d}{d}.{d}{d}{d}{d}{d}{d}{d}{d}{d}",
            ),
            "ca_url": (
                "https://acme-v02.api.letsencrypt.org/directory",
                "https://acme-v02.api.letsencrypt.org/directory",
                "https://acme.zerossl.com/v2/DV90",
            ),
            "issuer": (
                "acme-v02.api.letsencrypt.org-directory",
                "acme-v02.api.letsencrypt.org-directory",
                "acme.zerossl.com-v2-DV90",
            ),
            "acme_validator": (
                "18.224.32.186",
                "3.142.173.22",
                "34.211.6.84",
                "23.178.112.106",
                "54.179.18.68",
            ),
            "acme_acct": ("1{d}{d}{d}{d}{d}{d}{d}{d}{d}",),
            "acme_order": ("2{d}{d}{d}{d}{d}{d}{d}{d}{d}{d}",),
            "acme_err": (
                "HTTP 429 urn:ietf:params:acme:error:rateLimited - too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s, retry after 2026-12-08 0{nz}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d} UTC: see https://letsencrypt.org/docs/rate-limits/#new-certificates-per-exact-set-of-hostnames",
                "HTTP 400 urn:ietf:params:acme:error:dns - DNS problem: NXDOMAIN looking up A for {domain} - check that a DNS record exists for this domain",
                "HTTP 403 urn:ietf:params:acme:error:unauthorized - 203.0.113.10: Invalid response from http://{domain}/.well-known/acme-challenge/{hex16}{hex16}: 404",
                "HTTP 400 urn:ietf:params:acme:error:connection - 203.0.113.10: Timeout during connect (likely firewall problem)",
                "HTTP 400 urn:ietf:params:acme:error:caa - CAA record for {domain} prevents issuance",
            ),
            "protocols": ('"h1", "h2", "h3"', '"h1", "h2", "h3"', '"h1", "h2"', '"h1"'),
        },
    },
    # Argo CD 2.12/2.13 application controller (argocd-application-controller pod): logrus
    # text format, the message after 'time="2026-12-07T15:30:01Z" level=info ', i.e. from
    # msg= on, with the entry's fields sorted as logrus prints them. Debug logging on (the
    # sharding lines). Twelve applications on the in-cluster and two remote clusters.
    # Checked against stored source and a pasted controller log: "Refreshing app status (%s),
    # level (%d)", "GetRepoObjs stats", and the sync run (Syncing, Tasks from managed
    # resources, Tasks (dry-run), Running tasks, Applying, Applying resource, Adding resource
    # result, Filtering out non-pending tasks, Updating operation state, sync/terminate
    # complete, Start/Completed Update application operation state, updated '...' operation,
    # Sync operation to ... succeeded, the sharding lines). From memory, well known:
    # Comparing app state, Reconciliation completed (its timing fields may differ by
    # version), Skipping auto-sync, No status changes, Update successful, Initiated automated
    # sync, Updated sync/health status. The refresh reasons are a value of one statement.
    "argocd": {
        "lines": 2000,
        "families": (
            (
                "refreshing_app_status",
                140,
                'msg="Refreshing app status ({refresh_reason}), level ({=1|1|2|2|3})" application={app_q}',
            ),
            (
                "comparing_app_state",
                140,
                "msg={compare_app}",
            ),
            (
                "get_repo_objs_stats",
                135,
                'msg="GetRepoObjs stats" application={app_q} build_options_ms=0 helm_ms={=0|0|1|2|3|14} plugins_ms=0 repo_ms={=0|0|0|1|12} time_ms={ms3} unmarshal_ms={ms3} version_ms={=0|0|1|2|38}',
            ),
            (
                "skipping_auto_sync_status",
                90,
                'msg="Skipping auto-sync: application status is {=Synced|Synced|Synced|Unknown}" application={app_q}',
            ),
            (
                "no_status_changes",
                100,
                'msg="No status changes. Skipping patch" application={app_q}',
            ),
            (
                "update_successful",
                40,
                'msg="Update successful" application={app_q}',
            ),
            (
                "reconciliation_completed",
                140,
                'msg="Reconciliation completed" {recon_app} diff_ms={ms2} fields.level={=0|1|1|2|3} git_ms={ms3} health_ms={=0|0|1|1|2|5} live_ms={ms2} patch_ms={=0|0|0|8|14|31} setop_ms=0 settings_ms=0 sync_ms={=0|0|0|0|2|11} time_ms={ms3}',
            ),
            (
                "skipping_auto_sync_recent",
                20,
                'msg="Skipping auto-sync: most recent sync already to {sha}" application={app_q}',
            ),
            (
                "initiated_automated_sync",
                15,
                "msg=\"Initiated automated sync to '{sha}'\" {ev_app} reason=OperationStarted type=Normal",
            ),
            (
                "sync_operation_succeeded",
                15,
                'msg="Sync operation to {sha} succeeded" {ev_app} reason=OperationCompleted type=Normal',
            ),
            (
                "sync_operation_failed",
                5,
                'msg="Sync operation to {sha} failed: {sync_fail}" {ev_app} reason=OperationCompleted type=Warning',
            ),
            (
                "updated_sync_status",
                20,
                'msg="Updated sync status: {=OutOfSync -> Synced|OutOfSync -> Synced|Synced -> OutOfSync|Unknown -> Synced|Unknown -> OutOfSync}" {ev_app} reason=ResourceUpdated type=Normal',
            ),
            (
                "updated_health_status",
                20,
                'msg="Updated health status: {=Progressing -> Healthy|Progressing -> Healthy|Healthy -> Progressing|Healthy -> Degraded|Degraded -> Healthy|Missing -> Progressing}" {ev_app} reason=ResourceUpdated type=Normal',
            ),
            (
                "syncing",
                15,
                "msg=Syncing application={app_q} skipHooks={=false|false|true} started={=false|true} syncId={syncid}",
            ),
            (
                "tasks_from_managed_resources",
                15,
                'msg="Tasks from managed resources" application={app_q} resourceTasks="[{task}]" syncId={syncid}',
            ),
            (
                "tasks_dry_run",
                12,
                'msg="Tasks (dry-run)" application={app_q} syncId={syncid} tasks="[{task}]"',
            ),
            (
                "running_tasks",
                15,
                'msg="Running tasks" application={app_q} dryRun={=false|false|true} numTasks={=1|2|3|4|7|12} syncId={syncid}',
            ),
            (
                "applying",
                25,
                'msg=Applying application={app_q} dryRun={=false|false|true} syncId={syncid} task="{task_one}"',
            ),
            (
                "applying_resource",
                30,
                'msg="Applying resource {kind}/{res_name} in cluster: {api_host}, namespace: {ns}" dry-run={=none|none|client|server} manager=argocd-controller serverSideApply={=false|false|true} serverSideDiff={=false|true}',
            ),
            (
                "adding_resource_result",
                30,
                'msg="Adding resource result, {res_result}" application={app_q} kind={kind} name={res_name} namespace={ns} phase=Sync syncId={syncid}',
            ),
            (
                "filtering_non_pending",
                12,
                'msg="Filtering out non-pending tasks" application={app_q} syncId={syncid} tasks="[{task_done}]"',
            ),
            (
                "updating_operation_state",
                15,
                'msg="Updating operation state. {op_transition}" application={app_q} syncId={syncid}',
            ),
            (
                "sync_terminate_complete",
                15,
                'msg="sync/terminate complete" application={app_q} duration={go_dur} syncId={syncid}',
            ),
            (
                "updated_operation_phase",
                30,
                "msg={upd_op}",
            ),
            (
                "start_update_operation_state",
                30,
                'msg="Start Update application operation state"',
            ),
            (
                "completed_update_operation_state",
                30,
                'msg="Completed Update application operation state"',
            ),
            (
                "checking_cluster_shard",
                80,
                'msg="Checking if cluster {cluster} with clusterShard {=0|0|0|1} should be processed by shard {=0|0|1}"',
            ),
            (
                "skipping_sharding_update",
                60,
                'msg="Skipping sharding distribution update. No relevant changes"',
            ),
            (
                "namespace_already_exists",
                8,
                'msg="Namespace already exists" application={app_q} namespace={ns} syncId={syncid}',
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "L": tuple("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"),
            "app_q": tuple(f"argocd/{a}" for a, _, _, _ in _ARGO_APPS),
            "compare_app": tuple(
                f'"Comparing app state (cluster: {c}, namespace: {n})" application=argocd/{a}'
                for a, n, _, c in _ARGO_APPS
            ),
            "recon_app": tuple(
                f'application=argocd/{a} dedup_ms=0 dest-name= dest-namespace={n} dest-server="{c}"'
                for a, n, _, c in _ARGO_APPS
            ),
            "ev_app": tuple(
                f'application={a} dest-namespace={n} dest-server="{c}"' for a, n, _, c in _ARGO_APPS
            ),
            "upd_op": tuple(
                f"\"updated 'argocd/{a}' operation (phase: {{=Running|Running|Succeeded|Succeeded|Failed}})\" app-namespace=argocd app-qualified-name=argocd/{a} application={a} project={p}"
                for a, _, p, _ in _ARGO_APPS
            ),
            "cluster": (
                "https://kubernetes.default.svc",
                "https://kubernetes.default.svc",
                "https://prod-eu1.k8s.example.com",
                "https://10.40.0.10:6443",
            ),
            "api_host": (
                "https://10.96.0.1:443",
                "https://10.96.0.1:443",
                "https://prod-eu1.k8s.example.com",
                "https://10.40.0.10:6443",
            ),
            "ns": (
                "guestbook",
                "payments",
                "checkout",
                "orders",
                "cert-manager",
                "ingress-nginx",
                "monitoring",
                "external-dns",
                "iam",
                "shop-data",
                "argocd",
            ),
            "refresh_reason": (
                "normal refresh requested",
                "controller refresh requested",
                "controller refresh requested",
                "comparison expired, requesting refresh. reconciledAt: 2026-12-07 15:{=0|1|2}{d}:{=0|1|2|3|4|5}{d} +0000 UTC, expiry: 3m0s",
                "comparison expired, requesting refresh. reconciledAt: 2026-12-07 15:{=0|1|2}{d}:{=0|1|2|3|4|5}{d} +0000 UTC, expiry: 3m0s",
                "comparison expired, requesting hard refresh. hardReconciledAt: 2026-12-06 1{=4|5}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d} +0000 UTC, expiry: 24h0m0s",
                "hard refresh requested",
                "spec.source differs",
                "spec.destination differs",
                "comparison status unknown",
            ),
            "ms2": ("{d}", "{d}", "{nz}{d}", "{nz}{d}"),
            "ms3": ("{d}", "{nz}{d}", "{nz}{d}", "{nz}{d}{d}", "{nz}{d}{d}", "{nz}{d}{d}{d}"),
            "sha": ("{hex40}",),
            "syncid": ("000{d}{d}-{L}{L}{L}{L}{L}", "00{nz}{d}{d}-{L}{L}{L}{L}{L}"),
            "kind": (
                "Deployment",
                "Deployment",
                "Service",
                "ConfigMap",
                "Secret",
                "Ingress",
                "StatefulSet",
                "ServiceAccount",
                "HorizontalPodAutoscaler",
                "CronJob",
                "ServiceMonitor",
            ),
            "res_name": (
                "guestbook-ui",
                "payments-api",
                "payments-api-config",
                "checkout-web",
                "orders-worker",
                "cert-manager-webhook",
                "ingress-nginx-controller",
                "loki-gateway",
                "keycloak",
                "redis-cache-master",
                "kube-prometheus-stack-grafana",
                "external-dns",
            ),
            "task": (
                "Sync/0 resource apps/Deployment:{ns}/{res_name} obj->obj (,,)",
                "Sync/0 resource /Service:{ns}/{res_name} obj->obj (,,), Sync/0 resource apps/Deployment:{ns}/{res_name} obj->obj (,,)",
                "Sync/-1 resource /ConfigMap:{ns}/{res_name} obj->obj (,,), Sync/0 resource apps/Deployment:{ns}/{res_name} obj->obj (,,)",
                "Sync/0 resource apps/StatefulSet:{ns}/{res_name} nil->obj (,,)",
                "PreSync/0 hook batch/Job:{ns}/{res_name}-db-migrate nil->obj (,,), Sync/0 resource apps/Deployment:{ns}/{res_name} obj->obj (,,)",
            ),
            "task_one": (
                "Sync/0 resource apps/Deployment:{ns}/{res_name} obj->obj (,,)",
                "Sync/0 resource /Service:{ns}/{res_name} obj->obj (,,)",
                "Sync/-1 resource /ConfigMap:{ns}/{res_name} obj->obj (,,)",
                "Sync/0 resource apps/StatefulSet:{ns}/{res_name} nil->obj (,,)",
                "PreSync/0 hook batch/Job:{ns}/{res_name}-db-migrate nil->obj (,,)",
            ),
            "task_done": (
                "Sync/0 resource apps/Deployment:{ns}/{res_name} obj->obj (Synced,Running,deployment.apps/{res_name} configured)",
                "Sync/0 resource /Service:{ns}/{res_name} obj->obj (Synced,Succeeded,service/{res_name} unchanged)",
                "Sync/0 resource apps/StatefulSet:{ns}/{res_name} nil->obj (Synced,Running,statefulset.apps/{res_name} created)",
            ),
            "res_result": (
                "status: 'Synced', phase: 'Running', message: '{=deployment.apps|statefulset.apps}/{res_name} configured'",
                "status: 'Synced', phase: 'Running', message: '{=deployment.apps|statefulset.apps}/{res_name} configured'",
                "status: 'Synced', phase: 'Succeeded', message: '{=service|configmap|secret|serviceaccount}/{res_name} unchanged'",
                "status: 'Synced', phase: 'Running', message: '{=deployment.apps|ingress.networking.k8s.io}/{res_name} created'",
                "status: 'Synced', phase: 'Succeeded', message: 'deployment.apps/{res_name} configured (dry run)'",
                "status: 'SyncFailed', phase: 'Failed', message: 'error when patching \"/dev/shm/{nz}{d}{d}{d}{d}{d}{d}{d}{d}\": Deployment.apps \"{res_name}\" is invalid: spec.template.spec.containers[0].image: Required value'",
                "status: 'SyncFailed', phase: 'Failed', message: 'the server could not find the requested resource'",
            ),
            "op_transition": (
                "phase: Running -> Running, message: '' -> 'one or more tasks are running'",
                "phase: Running -> Running, message: 'one or more tasks are running' -> 'waiting for healthy state of apps/Deployment/{res_name}'",
                "phase: Running -> Succeeded, message: 'waiting for healthy state of apps/Deployment/{res_name}' -> 'successfully synced (all tasks run)'",
                "phase: Running -> Succeeded, message: '' -> 'successfully synced (all tasks run)'",
                "phase: Running -> Succeeded, message: '' -> 'successfully synced (no more tasks)'",
                "phase: Running -> Failed, message: '' -> 'one or more objects failed to apply, reason: the server could not find the requested resource'",
            ),
            "sync_fail": (
                "one or more objects failed to apply, reason: the server could not find the requested resource",
                'one or more objects failed to apply, reason: error when patching \\"/dev/shm/{nz}{d}{d}{d}{d}{d}{d}{d}{d}\\": Deployment.apps \\"{res_name}\\" is invalid: spec.template.spec.containers[0].image: Required value',
                "one or more synchronization tasks completed unsuccessfully",
            ),
            "go_dur": (
                "{nz}{d}.{d}{d}{d}{d}{d}{d}ms",
                "{nz}{d}{d}.{d}{d}{d}{d}{d}{d}ms",
                "{nz}.{d}{d}{d}{d}{d}{d}{d}{d}{d}s",
            ),
        },
    },
    # rclone 1.6x sync/copy jobs run from cron with -v (some with -vv), to a log file: the
    # message after "2026/12/07 15:30:01 " and the level ("INFO  : ", "DEBUG : ",
    # "NOTICE: ", "ERROR : "). Nightly backups of a file server to B2, S3 and an SFTP NAS.
    # Stats printed with --stats-one-line. Checked against stored source and pasted logs:
    # "Size and modification time the same (differ by %s, within tolerance %s)",
    # "Modification times differ by %s: %v, %v", "Skipped copy as --dry-run is set (size
    # %s)", "Unchanged skipping". From memory, well known: Copied (new), Copied (replaced
    # existing), Deleted, Need to transfer - File not found at Destination, Sizes differ,
    # the hash OK line, Updated modification time in destination, Failed to copy, Excluded,
    # Waiting for checks/transfers/deletions, There was nothing to transfer, the version
    # and backend lines, Attempt %d/%d failed. Reconstructed, less sure: the exact one-line
    # stats text, "error reading source root directory", "Moved (server-side)".
    "rclone": {
        "lines": 2000,
        "families": (
            (
                "copied_new",
                260,
                "{file}: Copied (new)",
            ),
            (
                "copied_replaced",
                70,
                "{file}: Copied (replaced existing)",
            ),
            (
                "deleted",
                55,
                "{file}: Deleted",
            ),
            (
                "need_transfer_not_found",
                180,
                "{file}: Need to transfer - File not found at Destination",
            ),
            (
                "size_modtime_same",
                240,
                "{file}: Size and modification time the same (differ by {differ}, within tolerance {tolerance})",
            ),
            (
                "unchanged_skipping",
                240,
                "{file}: Unchanged skipping",
            ),
            (
                "modtimes_differ",
                55,
                "{file}: Modification times differ by {moddiff}: {gotime}, {gotime}",
            ),
            (
                "sizes_differ",
                40,
                "{file}: Sizes differ (src {fsize} vs dst {fsize})",
            ),
            (
                "hash_ok",
                110,
                "{file}: {hash_kv} OK",
            ),
            (
                "updated_modtime",
                35,
                "{file}: Updated modification time in destination",
            ),
            (
                "failed_to_copy",
                22,
                "{file}: Failed to copy: {copy_err}",
            ),
            (
                "stats_one_line",
                60,
                "{xfer} / {xfer}, {=0|3|12|27|48|63|81|97|100}%, {rate}, ETA {eta}",
            ),
            (
                "nothing_to_transfer",
                8,
                "There was nothing to transfer",
            ),
            (
                "waiting_checks",
                18,
                "Waiting for checks to finish",
            ),
            (
                "waiting_transfers",
                18,
                "Waiting for transfers to finish",
            ),
            (
                "waiting_deletions",
                8,
                "Waiting for deletions to finish",
            ),
            (
                "version_starting",
                6,
                'rclone: Version "{version}" starting with parameters {params}',
            ),
            (
                "creating_backend",
                12,
                'Creating backend with remote "{remote}"',
            ),
            (
                "using_config_file",
                6,
                'Using config file from "{=/root/.config/rclone/rclone.conf|/root/.config/rclone/rclone.conf|/home/backup/.config/rclone/rclone.conf|/etc/rclone/rclone.conf}"',
            ),
            (
                "attempt_failed",
                4,
                "Attempt {=1|1|2}/3 failed with {=1|2|3|7|14} errors and: {copy_err}",
            ),
            (
                "not_deleting_io_errors",
                5,
                "{fs_name}: not deleting files as there were IO errors",
            ),
            (
                "duplicate_object",
                6,
                "{file}: Duplicate object found in source - ignoring",
            ),
            (
                "moved_server_side",
                14,
                "{file}: Moved (server-side)",
            ),
            (
                "skipped_copy_dry_run",
                20,
                "{file}: Skipped copy as --dry-run is set (size {hsize})",
            ),
            (
                "excluded",
                40,
                "{file}: Excluded",
            ),
            (
                "error_reading_source_root",
                5,
                "{fs_name}: error reading source root directory: {read_err}",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "file": (
                "Photos/20{=19|21|23|24|25}/{=01|03|06|07|08|11|12}/IMG_{nz}{d}{d}{d}.{=JPG|JPG|HEIC|jpg}",
                "Photos/20{=23|24|25}/{=Urlaub Kroatien|Hochzeit Lena|Misc}/DSC0{nz}{d}{d}{d}.{=JPG|ARW}",
                "Documents/Invoices/202{=4|5|6}/RE-{nz}{d}{d}{d}{d}.pdf",
                "Documents/Contracts/{=Mietvertrag 2021|NDA Acme Corp|Arbeitsvertrag}.pdf",
                "Documents/taxes/202{=3|4|5}/receipt-{d}{d}{d}{nz}.pdf",
                "projects/webshop/src/{=components|pages|api}/{=Cart|Checkout|Header|index|orders}.{=tsx|ts|js}",
                "projects/webshop/.git/objects/{hex2}/{hex16}{hex16}{hex4}{hex2}{hex2}",
                "projects/infra/terraform/{=main|variables|outputs}.tf",
                "shares/accounting/{=Jahresabschluss|Buchhaltung}/{=2024|2025}/{=Q1|Q2|Q3|Q4}.xlsx",
                "shares/scans/scan_2026-1{=1|2}-{=01|07|14|22|30}_{=08|10|14|16}{d}{d}{d}{d}.pdf",
                "postgres/base/{=16384|16385|1}/{nz}{d}{d}{d}{d}",
                "postgres/pg_wal/00000001000000{=0A|0B|1F}000000{=3|7|A|C}{d}",
                "mail/{=anna|tom|office}/cur/17{d}{d}{d}{d}{d}{d}{d}{d}.M{d}{d}{d}{d}{d}{d}P{d}{d}{d}{d}.mx1,S={nz}{d}{d}{d}{d}:2,{=S|RS|}",
                "Music/{=Radiohead|Nils Frahm|Bonobo}/{=OK Computer|All Melody|Migration}/{=01|02|05|09} - {=Airbag|Sunson|Kerala|Track}.flac",
                "vm-images/{=win11-dev|debian12-base|ubuntu-2404}.qcow2",
                ".DS_Store",
                "Thumbs.db",
                "node_modules/.cache/{hex8}.json",
            ),
            "differ": (
                "0s",
                "0s",
                "-{nz}{d}{d}.{d}{d}{d}µs",
                "{nz}{d}.{d}{d}{d}{d}{d}{d}ms",
                "-{nz}{d}.{d}{d}{d}{d}{d}{d}ms",
                "{nz}{d}{d}ns",
                "{nz}{d}{d}.{d}{d}{d}{d}{d}ms",
            ),
            "tolerance": ("1ns", "1ms", "1s", "1s", "100ns"),
            "moddiff": (
                "{nz}h{nz}{d}m{nz}{d}.{d}{d}{d}{d}{d}{d}{d}{d}{d}s",
                "-{nz}{d}m{d}{d}.{d}{d}{d}s",
                "{nz}.{d}{d}{d}{d}{d}{d}{d}{d}{d}s",
                "{nz}{d}{d}{d}h{nz}{d}m{nz}s",
            ),
            "gotime": (
                "202{=4|5|6}-{month}-{day} {=0|1}{d}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d}.{d}{d}{d}{d}{d}{d}{d}{d}{d} {=+0100 CET|+0000 UTC}",
                "202{=4|5|6}-{month}-{day} 2{=0|1|2|3}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d} +0000 UTC",
                "202{=4|5|6}-{month}-{day} {=0|1}{d}:{=0|1|2|3|4|5}{d}:{=0|1|2|3|4|5}{d}.{d}{d}{d} +0100 CET",
            ),
            "month": ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"),
            "day": ("0{nz}", "1{d}", "2{=0|1|2|3|4|5|6|7|8}"),
            "fsize": (
                "{nz}{d}{d}",
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}{d}{d}",
            ),
            "hsize": (
                "{nz}{d}{d}",
                "{nz}.{d}{d}{d}Ki",
                "{nz}{d}{d}.{d}{d}{d}Ki",
                "{nz}.{d}{d}{d}Mi",
                "{nz}{d}.{d}{d}{d}Mi",
                "{nz}.{d}{d}{d}Gi",
            ),
            "hash_kv": ("md5 = {hex32}", "md5 = {hex32}", "sha1 = {hex40}", "sha1 = {hex40}"),
            "xfer": (
                "{nz}{d}{d}.{d}{d}{d} KiB",
                "{nz}.{d}{d}{d} MiB",
                "{nz}{d}{d}.{d}{d}{d} MiB",
                "{nz}.{d}{d}{d} GiB",
                "{nz}{d}.{d}{d}{d} GiB",
                "0 B",
            ),
            "rate": (
                "{nz}.{d}{d}{d} MiB/s",
                "{nz}{d}.{d}{d}{d} MiB/s",
                "{nz}{d}{d}.{d}{d}{d} KiB/s",
                "0 B/s",
            ),
            "eta": (
                "0s",
                "-",
                "{nz}s",
                "{nz}{d}s",
                "{nz}m{d}s",
                "{nz}m{=1|2|3|4|5}{d}s",
                "{nz}h{=1|2|3|4|5}{d}m{=1|2|3|4|5}{d}s",
            ),
            "version": ("v1.64.2", "v1.65.0", "v1.66.0", "v1.68.1"),
            "params": (
                '["rclone" "sync" "/srv/data" "b2:company-backup/srv" "--transfers" "8" "--fast-list" "--log-file" "/var/log/rclone/sync.log" "-v"]',
                '["rclone" "copy" "/var/backups/postgres" "s3:prod-archive/postgres" "--s3-storage-class" "STANDARD_IA" "-v"]',
                '["rclone" "sync" "/home/anna" "nas:/volume1/backup/anna" "--exclude-from" "/etc/rclone/excludes.txt" "--backup-dir" "nas:/volume1/backup/.trash/2026-12-07" "-vv"]',
                '["rclone" "sync" "/srv/shares" "crypt-b2:" "--bwlimit" "08:00,2M 19:00,off" "--dry-run" "-v"]',
            ),
            "remote": (
                "/srv/data",
                "b2:company-backup/srv",
                "/var/backups/postgres",
                "s3:prod-archive/postgres",
                "/home/anna",
                "nas:/volume1/backup/anna",
                "crypt-b2:",
                "b2:company-backup/crypt",
            ),
            "fs_name": (
                "Local file system at /srv/data",
                "Local file system at /home/anna",
                "B2 bucket company-backup path srv",
                "S3 bucket prod-archive path postgres",
                "sftp://backup@nas01.lan:22//volume1/backup/anna",
            ),
            "copy_err": (
                'Post "https://pod-000-{=1042|1187|1163|1301}-{=03|12|17|20}.backblaze.com/b2api/v1/b2_upload_file/{hex16}/c00{d}_v000{d}{d}{d}_t00{d}{d}": dial tcp: lookup pod-000-{=1042|1187|1163|1301}-{=03|12|17|20}.backblaze.com: i/o timeout',
                'Post "https://api00{=1|2|4}.backblazeb2.com/b2api/v1/b2_get_upload_url": net/http: TLS handshake timeout',
                "failed to open source object: open /srv/data/{file}: permission denied",
                'corrupted on transfer: md5 hash differ "{hex32}" vs "{hex32}"',
                "can't copy - source file is being updated (size changed from {fsize} to {fsize})",
                "multipart upload failed to upload part: SlowDown: Please reduce your request rate.",
                "incident id {hex8} (500 internal_error)",
                "couldn't connect SSH: dial tcp 192.168.1.20:22: connect: no route to host",
            ),
            "read_err": (
                "directory not found",
                "open /srv/data: permission denied",
                "couldn't list files: ssh: handshake failed: EOF",
            ),
        },
    },
    # Apache SpamAssassin spamd 3.4/4.0 on a Postfix relay (called by spamc from a pipe
    # transport), syslog: the message after "spamd[1234]: ", the "spamd: " or "prefork: "
    # component tag kept as spamd writes it. Checked against stored source and pasted logs:
    # the scan verdict line, one statement whose first words are a value ("clean message"
    # or "identified spam", $was_it_spam), the result line (its score printed "%2d", hence
    # ".  0" and ". -1"), connection/setuid/processing, child states, server started/pid/
    # spawned child, async: aborting after. "processing message" and "checking message" are
    # one statement (the method picks the word). From memory, well known: adjust idle
    # children, handled cleanup of child pid, still running as root, zoom, logger: removing
    # stderr method, server killed/child killed, pyzor no response, plugin: eval failed.
    # Reconstructed, less sure: the timeout and bad-protocol texts.
    "spamd": {
        "lines": 2000,
        "families": (
            (
                "connection_from",
                220,
                "spamd: connection from {rhost_raddr}:{eport} to port 783, fd {=5|5|5|6|7}",
            ),
            (
                "setuid_succeeded",
                215,
                "spamd: setuid to {sa_user} succeeded",
            ),
            (
                "processing_message",
                220,
                "spamd: {=processing|processing|checking} message {msgid} for {sa_user_uid}",
            ),
            (
                "scan_verdict",
                215,
                "spamd: {verdict} for {sa_user_uid} in {scantime} seconds, {bytes} bytes.",
            ),
            (
                "scan_result",
                215,
                "spamd: result: {result_core} scantime={scantime},size={bytes},{user_uid},required_score=5.0,{rhost_raddr_kv},rport={eport},mid={msgid},{bayes}autolearn={autolearn}",
            ),
            (
                "child_states",
                260,
                "prefork: child states: {child_states}",
            ),
            (
                "spawned_child",
                20,
                "spamd: server successfully spawned child process, pid {pid}",
            ),
            (
                "adjust_killed_idle",
                15,
                "prefork: adjust: {=2|3|4} idle children more than {=1|2} maximum idle children. Decreasing spamd children: {pid} killed.",
            ),
            (
                "handled_cleanup",
                30,
                "spamd: handled cleanup of child pid [{pid}] due to SIGCHLD: exit 0",
            ),
            (
                "still_running_as_root",
                4,
                "spamd: still running as root: user not specified with -u, not found, or set to root, falling back to nobody",
            ),
            (
                "server_started",
                3,
                "spamd: server started on {listen} (running version {=3.4.6|4.0.0|4.0.1})",
            ),
            (
                "server_pid",
                4,
                "spamd: server pid: {pid}",
            ),
            (
                "zoom_compiled_rules",
                3,
                "zoom: able to use {=1572/1572|2101/2101|1988/1988|0/0} 'body_0' compiled rules (100%)",
            ),
            (
                "logger_removing_stderr",
                3,
                "logger: removing stderr method",
            ),
            (
                "server_killed",
                3,
                "spamd: server killed by SIG{=TERM|TERM|INT}, shutting down",
            ),
            (
                "child_killed",
                4,
                "spamd: child [{pid}] killed successfully: interrupted, signal {=2 (0002)|15 (000f)}",
            ),
            (
                "server_sighup",
                3,
                "spamd: server hit by SIGHUP, restarting",
            ),
            (
                "plugin_eval_failed",
                10,
                "plugin: eval failed: {eval_err}",
            ),
            (
                "pyzor_no_response",
                8,
                "Did not receive a response from the pyzor server public.pyzor.org:24441 for {=3.5|5|5} seconds!",
            ),
            (
                "async_aborting",
                8,
                "async: aborting after {=0|1|2|3|4|7|9}.{d}{d}{d} s, {=deadline shrunk|deadline shrunk|past original deadline}: {async_key}",
            ),
            (
                "timeout_reading",
                4,
                "spamd: timeout: (30 second socket timeout reading input from client)",
            ),
            (
                "bad_protocol",
                4,
                "spamd: bad protocol: header error: (Content-Length mismatch: Expected {bytes} bytes, got {bytes} bytes)",
            ),
            (
                "select_returned_error",
                3,
                "prefork: select returned -1! recovering: Interrupted system call",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "eport": ("{=32|33|35|38|41|44|47|49|51|53|55|57|58|60}{d}{d}{d}",),
            "rhost_raddr": (
                "ip6-localhost [::1]",
                "ip6-localhost [::1]",
                "localhost [127.0.0.1]",
                "localhost [127.0.0.1]",
                "mx2.mail.example.net [10.0.3.12]",
                "mx3.mail.example.net [10.0.3.13]",
            ),
            "sa_user_uid": tuple(f"{u}:{i}" for u, i in _SPAMD_USERS),
            "user_uid": tuple(f"user={u},uid={i}" for u, i in _SPAMD_USERS),
            "sa_user": tuple(u for u, _ in _SPAMD_USERS),
            "rhost_raddr_kv": (
                "rhost=ip6-localhost,raddr=::1",
                "rhost=ip6-localhost,raddr=::1",
                "rhost=localhost,raddr=127.0.0.1",
                "rhost=::1,raddr=::1",
                "rhost=mx2.mail.example.net,raddr=10.0.3.12",
            ),
            "msgid": (
                "<{hex16}{hex8}@{mdomain}>",
                "<CA+{=k|Z|x|5}{hex8}{hex16}=Ce2Ln9J_fQ@mail.gmail.com>",
                "<2026120{=6|7}1{=4|5}{d}{d}{d}{d}.{=4F2A|9C31|E07D|1B8E}{d}{d}{d}{hex2}@mx1.example.org>",
                "<{hex8}-{hex4}-{hex4}-{hex4}-{hex12}@{=email.amazonses.com|mailchimpapp.net|sendgrid.net}>",
                "<{=VI1PR|AM6PR|DB9PR}0{d}MB{d}{d}{d}{d}{=A|B|C}{hex8}@{=VI1PR|AM6PR}0{d}MB{d}{d}{d}{d}.eurprd0{nz}.prod.outlook.com>",
                "(unknown)",
            ),
            "mdomain": (
                "example.org",
                "shop.example.com",
                "newsletter.example.de",
                "lists.debian.org",
                "github.com",
            ),
            "verdict": (
                "clean message (-{d}.{d}/5.0)",
                "clean message (-{d}.{d}/5.0)",
                "clean message ({=0|1|2|3|4}.{d}/5.0)",
                "clean message ({=0|1|2|3|4}.{d}/5.0)",
                "clean message ({=0|1|2|3|4}.{d}/5.0)",
                "identified spam ({=5|6|7|8|9|11|14|18|23|31}.{d}/5.0)",
                "identified spam ({=5|6|7|8|9|11|14|18|23|31}.{d}/5.0)",
            ),
            "scantime": ("0.{d}", "0.{d}", "0.{d}", "{nz}.{d}", "{nz}{d}.{d}"),
            "bytes": (
                "{nz}{d}{d}",
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}",
            ),
            "result_core": (
                ". -{=1|1|2|3|5} - {ham_tests}",
                ".  {=0|0|1|2|3|4} - {ham_tests}",
                ".  {=0|0|1|2|3|4} - {ham_tests}",
                "Y {=5|6|7|8|9} - {spam_tests}",
                "Y {=11|14|18|23|31} - {spam_tests}",
            ),
            "ham_tests": (
                "DKIM_SIGNED,DKIM_VALID,DKIM_VALID_AU,HTML_MESSAGE,RCVD_IN_DNSWL_NONE,SPF_HELO_NONE,SPF_PASS",
                "BAYES_00,DKIM_SIGNED,DKIM_VALID,DKIM_VALID_AU,DKIM_VALID_EF,FREEMAIL_FROM,HTML_MESSAGE,RCVD_IN_MSPIKE_H2,SPF_PASS",
                "ALL_TRUSTED,DKIM_ADSP_NXDOMAIN",
                "NO_RELAYS,TO_MALFORMED",
                "BAYES_00,DKIM_SIGNED,DKIM_VALID,HEADER_FROM_DIFFERENT_DOMAINS,MAILING_LIST_MULTI,RCVD_IN_DNSWL_MED,SPF_HELO_PASS,SPF_PASS",
                "BAYES_50,DKIM_INVALID,DKIM_SIGNED,HTML_MESSAGE,MIME_HTML_ONLY,SPF_SOFTFAIL,T_KAM_HTML_FONT_INVALID",
                "BAYES_20,HTML_IMAGE_RATIO_04,HTML_MESSAGE,RDNS_NONE,SPF_HELO_NONE,SPF_NONE",
            ),
            "spam_tests": (
                "BAYES_99,BAYES_999,DKIM_ADSP_NXDOMAIN,HTML_MESSAGE,RCVD_IN_SBL_CSS,RDNS_NONE,URIBL_ABUSE_SURBL,URIBL_BLACK",
                "BAYES_95,FREEMAIL_FORGED_REPLYTO,FREEMAIL_FROM,HTML_MESSAGE,LOTS_OF_MONEY,MONEY_FREEMAIL_REPTO,SPF_HELO_NONE,SPF_SOFTFAIL,UNDISC_MONEY",
                "BAYES_80,DATE_IN_FUTURE_06_12,HTML_MESSAGE,MIME_HTML_ONLY,PYZOR_CHECK,RAZOR2_CF_RANGE_51_100,RAZOR2_CHECK,RCVD_IN_PBL",
                "BAYES_99,BAYES_999,DKIM_INVALID,DKIM_SIGNED,FROM_SUSPICIOUS_NTLD,HTML_MESSAGE,PDS_OTHER_BAD_TLD,SPF_FAIL,URIBL_DBL_SPAM",
            ),
            "bayes": (
                "",
                "bayes=0.{d}{d}{d}{d}{d}{d},",
                "bayes=0.000000,",
                "bayes=1.000000,",
                "bayes=0.{d}{d}{d}{d}{d}{d},",
            ),
            "autolearn": (
                "no autolearn_force=no",
                "no autolearn_force=no",
                "ham autolearn_force=no",
                "spam autolearn_force=no",
                "disabled",
                "unavailable",
            ),
            "child_states": (
                "I",
                "II",
                "II",
                "II",
                "BI",
                "IB",
                "BB",
                "III",
                "BII",
                "IBI",
                "BBI",
                "BBB",
                "IIII",
                "S",
                "KI",
            ),
            "listen": (
                "IO::Socket::IP [::1]:783, IO::Socket::IP [127.0.0.1]:783",
                "IO::Socket::IP [127.0.0.1]:783",
                "port 783/tcp",
                "IO::Socket::IP [0.0.0.0]:783",
            ),
            "eval_err": (
                "bayes: (in learn) locker: safe_lock: cannot create tmp lockfile /var/lib/spamassassin/.spamassassin/bayes.lock.mx1.example.org.{pid} for /var/lib/spamassassin/.spamassassin/bayes.lock: Permission denied",
                'Can\'t locate object method "check_rbl_from_domain" via package "Mail::SpamAssassin::PerMsgStatus"',
                "bayes: cannot open bayes databases /var/lib/spamassassin/.spamassassin/bayes_* R/W: lock failed: File exists",
            ),
            "async_key": (
                "URI-DNSBL, A:{=bit.ly|t.co|example-shop.top|cdn-mail.xyz}.multi.uribl.com",
                "URIBL",
                "DNSBL-A, {=4|17|203|45}.{=2|113|0|51}.{=0|51|100}.{=192|198|203}.zen.spamhaus.org",
                "DKIM",
                "SPF",
            ),
        },
    },
    # HTCondor 10.x/23.x pool: the execute nodes' StartLog and the access point's SchedLog,
    # collected together: the message after "12/07/26 15:30:01 " (and the "(pid:1234) "
    # some builds add). Partitionable slots, so jobs run in dynamic slots slot1_N. Checked
    # against stored source and pasted logs: "Changing state: %s -> %s", "Changing activity:
    # %s -> %s", "Changing state and activity: %s/%s -> %s/%s" (one statement each), the
    # "State change: ..." lines (each a literal string of its own dprintf, so one event
    # each), the claim/activation lines, "Started shadow for job", TransferQueueManager
    # stats, DC_AUTHENTICATE, condor_write(), Buf::write(). From memory, well known: Shadow
    # pid ... exited with status, negotiation lines, Match record ... deleted, Completed
    # RELEASE_CLAIM, PERMISSION DENIED. Reconstructed, less sure: the exact wording of the
    # newer "Started shadow" peer and the PERMISSION DENIED reason.
    "htcondor": {
        "lines": 2000,
        "families": (
            (
                "changing_state",
                170,
                "{slot}: Changing state: {state_change}",
            ),
            (
                "changing_activity",
                90,
                "{slot}: Changing activity: {=Idle -> Busy|Busy -> Idle|Idle -> Busy|Busy -> Idle|Busy -> Suspended|Suspended -> Busy}",
            ),
            (
                "changing_state_and_activity",
                80,
                "{slot}: Changing state and activity: {sa_change}",
            ),
            (
                "sc_claiming_successful",
                45,
                "{slot}: State change: claiming protocol successful",
            ),
            (
                "sc_activation_successful",
                45,
                "{slot}: State change: claim-activation protocol successful",
            ),
            (
                "sc_starter_exited",
                45,
                "{slot}: State change: starter exited",
            ),
            (
                "sc_release_claim",
                40,
                "{slot}: State change: received RELEASE_CLAIM command",
            ),
            (
                "sc_no_preempting_claim",
                40,
                "{slot}: State change: No preempting claim, returning to owner",
            ),
            (
                "sc_is_owner_false",
                40,
                "{slot}: State change: IS_OWNER is false",
            ),
            (
                "request_accepted",
                45,
                "{slot}: Request accepted.",
            ),
            (
                "remote_owner",
                45,
                "{slot}: Remote owner is {owner}",
            ),
            (
                "got_activate_claim",
                45,
                "{slot}: Got activate_claim request from shadow ({ap_ip})",
            ),
            (
                "remote_job_id",
                45,
                "{slot}: Remote job ID is {jobid}",
            ),
            (
                "got_universe",
                45,
                "{slot}: Got universe {universe} from request classad",
            ),
            (
                "called_deactivate_forcibly",
                25,
                "{slot}: Called deactivate_claim_forcibly()",
            ),
            (
                "starter_exited_status",
                45,
                "Starter pid {pid} exited with status {=0|0|0|0|0|1|4|137}",
            ),
            (
                "resource_deleted",
                40,
                "{slot}: Resource no longer needed, deleting",
            ),
            (
                "permission_denied",
                4,
                "PERMISSION DENIED to {=unauthenticated@unmapped|unauthenticated@unmapped|condor@hpc.example.edu} from host {perm_denied}",
            ),
            (
                "started_shadow",
                42,
                "Started shadow for job {jobid} on {slot}@{node_addr} for {owner}, (shadow pid = {pid})",
            ),
            (
                "shadow_exited",
                42,
                "Shadow pid {pid} for job {jobid} exited with status {=100|100|100|100|100|107|108|112|115|4|44}",
            ),
            (
                "negotiating_for_owner",
                15,
                "Negotiating for owner: {owner}",
            ),
            (
                "finished_negotiating",
                15,
                "Finished negotiating for {cuser} in local pool: {=0|0|1|2|3|5|8|12|40} matched, {=0|0|0|1|2|17} rejected",
            ),
            (
                "activity_on_stashed_socket",
                15,
                "Activity on stashed negotiator socket: <10.20.0.2:9618?addrs=10.20.0.2-9618&alias=cm.hpc.example.edu&noUDP&sock=negotiator_{pid}_{hex4}>",
            ),
            (
                "using_negotiation_protocol",
                15,
                "Using negotiation protocol: NEGOTIATE",
            ),
            (
                "match_record_deleted",
                32,
                "Match record ({slot}@{node_addr} for {cuser}, {jobid}) deleted",
            ),
            (
                "completed_release_claim",
                32,
                "Completed RELEASE_CLAIM to startd {slot}@{node_addr} for {cuser}",
            ),
            (
                "transfer_queue_stats",
                12,
                "TransferQueueManager stats: active up={=0|0|1|2|4}/100 down={=0|0|1|3|9}/100; waiting up=0 down={=0|0|0|2}; wait time up=0s down={=0|0|0|14}s",
            ),
            (
                "dc_authenticate_failed",
                12,
                "DC_AUTHENTICATE: required authentication of {ext_ip} failed: AUTHENTICATE:1003:Failed to authenticate with any method|AUTHENTICATE:1004:Failed to authenticate using IDTOKENS|AUTHENTICATE:1004:Failed to authenticate using FS|FS:1004:Unable to lstat(/tmp/FS_XXX{an6})",
            ),
            (
                "condor_write_socket_closed",
                6,
                "condor_write(): Socket closed when trying to write {=376|4112|4112|8224|1543} bytes to {write_peer}, fd is {=8|12|15|16|17|19}",
            ),
            (
                "buf_write_failed",
                6,
                "Buf::write(): condor_write() failed",
            ),
        ),
        "values": {
            "d": ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "nz": ("1", "2", "3", "4", "5", "6", "7", "8", "9"),
            "an": tuple("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
            "an6": ("{an}{an}{an}{an}{an}{an}",),
            "slot": ("slot1_{nz}", "slot1_{nz}", "slot1_{nz}{d}", "slot1_1{d}", "slot2_{nz}"),
            "state_change": (
                "Owner -> Unclaimed",
                "Owner -> Unclaimed",
                "Owner -> Claimed",
                "Unclaimed -> Claimed",
                "Unclaimed -> Claimed",
                "Unclaimed -> Delete",
                "Unclaimed -> Delete",
                "Unclaimed -> Matched",
                "Matched -> Claimed",
                "Claimed -> Preempting",
            ),
            "sa_change": (
                "Claimed/Idle -> Preempting/Vacating",
                "Claimed/Idle -> Preempting/Vacating",
                "Preempting/Vacating -> Owner/Idle",
                "Preempting/Vacating -> Owner/Idle",
                "Claimed/Busy -> Preempting/Vacating",
                "Preempting/Vacating -> Preempting/Killing",
                "Preempting/Killing -> Owner/Idle",
                "Claimed/Busy -> Preempting/Killing",
            ),
            "cuser": (
                "alice",
                "bchen",
                "jdoe",
                "mkhan",
                "cms001",
                "atlasprd",
                "ligo",
                "rgupta",
                "grad_lab7",
            ),
            "owner": ("{cuser}@hpc.example.edu",),
            "jobid": (
                "{nz}{d}{d}{d}{d}{d}.0",
                "{nz}{d}{d}{d}{d}{d}.{d}",
                "{nz}{d}{d}{d}{d}{d}.{nz}{d}",
                "{nz}{d}{d}{d}{d}{d}{d}.{d}",
            ),
            "ap_ip": ("10.20.0.5", "10.20.0.5", "10.20.0.6"),
            "ext_ip": (
                "10.20.{=1|2|9}.{nz}{d}",
                "128.105.{=82|244}.{nz}{d}",
                "192.168.{=1|10}.{nz}{d}",
            ),
            "universe": (
                '"VANILLA" (5)',
                '"VANILLA" (5)',
                '"VANILLA" (5)',
                '"VANILLA" (5)',
                '"DOCKER" (13)',
                '"CONTAINER" (14)',
                '"PARALLEL" (11)',
            ),
            "node_addr": tuple(
                f"{n} <{ip}:9618?addrs={ip}-9618&alias={n}&noUDP&sock=startd_{{pid}}_{{hex4}}>"
                for n, ip in _CONDOR_NODES
            ),
            "perm_denied": tuple(
                f"{ip} for command {cmd}, access level {lvl}: reason: {lvl} authorization policy contains no matching ALLOW entry for this request; identifiers used for this host: {ip}, hostname size = 0, original ip address = {ip}"
                for ip in ("192.168.1.94", "128.105.244.7", "10.20.9.31", "172.16.5.40")
                for cmd, lvl in (
                    ("442 (REQUEST_CLAIM)", "DAEMON"),
                    ("444 (ACTIVATE_CLAIM)", "DAEMON"),
                    ("60008 (DC_CHILDALIVE)", "DAEMON"),
                    ("1112 (QUERY_STARTD_ADS)", "READ"),
                    ("0 (UPDATE_STARTD_AD)", "ADVERTISE_STARTD"),
                )
            ),
            "write_peer": (
                "collector cm.hpc.example.edu",
                "collector cm-{=1|2}.ospool.osg-htc.org",
                "<10.20.{=1|2}.{nz}{d}:{=4|5|6}{d}{d}{d}{d}>",
                "<128.105.244.7:4{d}{d}{d}{d}>",
            ),
        },
    },
}
