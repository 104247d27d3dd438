"""Gogent settings: one line per setting, read from the environment.

Every variable is documented in .env.example. Defaults run on a laptop: SQLite
under data/, an embedded nats-server, a broker that needs no server process.
"""

import ipaddress
import os
import secrets
import warnings
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from dotenv import load_dotenv

from gogent.numbers import ascii_digits

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env", override=False)


def env_str(name: str, default: str = "") -> str:
    """The variable's value; set but empty (as in a copied .env.example) means the default.
    For a setting whose empty value turns something off, use env_str_or_off."""
    return os.environ.get(name, "").strip() or default


def env_str_or_off(name: str, default: str) -> str:
    """The variable's value; unset means the default, set but empty means "" (off)."""
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME_FILE (a mounted secret) or NAME."""
    path = env_str(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return env_str(name, default)


def env_header(name: str) -> tuple[str, str] | None:
    """A header as "Name: value", the way Django wants it: ("HTTP_NAME", "value")."""
    header, _, value = env_str(name).partition(":")
    if not header:
        return None
    if not value.strip():
        raise ValueError(f'{name} must be "Header-Name: value", not {env_str(name)!r}')
    return "HTTP_" + header.strip().upper().replace("-", "_"), value.strip()


def generated_secret_key(path: Path) -> str:
    """A key made once and kept under the data dir, so sessions survive restarts."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as key_file:
            key_file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


DATA_DIR = Path(env_str("GOGENT_DATA_DIR") or BASE_DIR / "data").resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
# It holds secrets (secret_key, encryption.key, the SQLite database): the owner's only.
try:
    DATA_DIR.chmod(0o700)
except OSError as _error:
    warnings.warn(
        f"GOGENT_DATA_DIR {DATA_DIR} holds secrets but cannot be made mode 0700 "
        f"({_error.strerror}): restrict it to the user Gogent runs as.",
        RuntimeWarning,
        stacklevel=1,
    )

SECRET_KEY = env_secret("SECRET_KEY") or generated_secret_key(DATA_DIR / "secret_key")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "gogent",
    "logs",
    "analysis",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page,
    # which then passes every other middleware on its way out (see "Login throttling").
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gogent.urls"
WSGI_APPLICATION = "gogent.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gogent.navigation.navigation",
                "integrations.maintenance.context.maintenance_banner",
            ],
        },
    },
]

# SQLite: WAL lets the web and workers read while the consumer writes;
# IMMEDIATE transactions take the write lock up front, so concurrent writers
# wait for it (busy timeout) instead of failing with "database is locked".
SQLITE_SYNCHRONOUS = env_str("SQLITE_SYNCHRONOUS", "FULL").upper()
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'gogent.db'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            f"PRAGMA synchronous={SQLITE_SYNCHRONOUS};"
            "PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30),
    }
    # A file, not memory: end-to-end tests run the consumer as a separate process.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-gogent.db")}
# The Go seed's database name: with the embedded default (SQLite at DATA_DIR/gogent.db),
# migrate makes DATA_DIR/<this> a symbolic link to gogent.db, so `sqlite3 data/agent.db
# "SELECT ... FROM agent_logs ..."` works as written (logs.seed). Empty: no link.
SEED_DB_LINK = env_str_or_off("SEED_DB_LINK", "agent.db")
if SEED_DB_LINK and Path(SEED_DB_LINK).name != SEED_DB_LINK:
    raise ValueError(f"SEED_DB_LINK must be a file name in GOGENT_DATA_DIR, not {SEED_DB_LINK!r}")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS and browser security -----------------------------------------------
# Gogent speaks plain HTTP; TLS ends at a reverse proxy (deploy/caddy, deploy/nginx, and
# "TLS" in docs/deployment.md), which tells Django the request came over HTTPS in a header:
# SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https". Only set it behind such a proxy, which
# must overwrite the header: a client could otherwise claim HTTPS itself.
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Probes and scrapers call the web process directly over HTTP, not through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Once set, browsers refuse plain HTTP to this host for that long: 31536000 (a year) once
# HTTPS works; try 3600 first.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Secure cookies are sent over HTTPS only. Browsers make an exception for http://localhost
# and http://127.0.0.1 (make run), none for http://<LAN address>: a plain-HTTP deployment
# reached by address or name sets COOKIE_SECURE=false, or no one can sign in.
# SESSION_COOKIE_SECURE is the older name, still read.
COOKIE_SECURE = env_bool("COOKIE_SECURE", env_bool("SESSION_COOKIE_SECURE", not DEBUG))
SESSION_COOKIE_SECURE = COOKIE_SECURE
CSRF_COOKIE_SECURE = COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content Security Policy ----------------------------------------------------
# Pages run and style only files served from here: no inline <script>, style="" or <style>,
# no eval (htmx's own indicator style is off, see base.html). Django admin needs no more.
# Violations are reported to CSP_REPORT_URI when set (any collector of CSP reports); it is
# not kept under that name, which django-csp 4 takes for a settings format of 3.x.
_csp_report_uri = env_str("CSP_REPORT_URI")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        **({"report-uri": [_csp_report_uri]} if _csp_report_uri else {}),
    },
}

# --- Secrets at rest ------------------------------------------------------------
# Provider and integration secrets are stored encrypted (Fernet, gogent/encryption.py).
# GOGENT_ENCRYPTION_KEYS: comma-separated Fernet keys, the first encrypts and every one
# decrypts (rotation: docs/deployment.md, "Secrets at rest"). Unset: one key generated on
# first use into ENCRYPTION_KEY_FILE (0600), which is then backed up with the database;
# hosts or containers that do not share the data directory need GOGENT_ENCRYPTION_KEYS.
ENCRYPTION_KEYS = [
    key.strip() for key in env_secret("GOGENT_ENCRYPTION_KEYS").split(",") if key.strip()
]
ENCRYPTION_KEY_FILE = DATA_DIR / "encryption.key"
# Environment variables a provider or integration may name as its secret (api_key_env,
# secret_env, client_secret_env): names starting with the prefix, and those listed. Any
# other (DATABASE_URL, SECRET_KEY) is refused when saved and when read (gogent.secrets_env).
SECRET_ENV_PREFIX = env_str("SECRET_ENV_PREFIX", "GOGENT_SECRET_")
SECRET_ENV_ALLOW = env_list("SECRET_ENV_ALLOW", [])

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # axes: failed and locked-out sign-ins are warnings; its per-attempt chatter is not.
    "loggers": {"nats": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- NATS -------------------------------------------------------------------
# NATS_URL empty: Gogent runs its own nats-server (manage.py nats_server).
NATS_URL = env_str("NATS_URL")
# Off loopback (0.0.0.0, a LAN address) the embedded server requires NATS_USER/NATS_PASSWORD
# or NATS_TOKEN, else a token generated once into NATS_EMBEDDED_TOKEN_FILE (gogent/nats.py).
NATS_EMBEDDED_HOST = env_str("NATS_EMBEDDED_HOST", "127.0.0.1")
NATS_EMBEDDED_PORT = env_int("NATS_EMBEDDED_PORT", 4222)
# Always on 127.0.0.1, whatever NATS_EMBEDDED_HOST is.
NATS_EMBEDDED_MONITOR_PORT = env_int("NATS_EMBEDDED_MONITOR_PORT", 8222)
NATS_EMBEDDED_STORE_DIR = Path(env_str("NATS_EMBEDDED_STORE_DIR") or DATA_DIR / "nats")
NATS_EMBEDDED_TOKEN_FILE = DATA_DIR / "nats-token"
# Gogent's own processes reach a server listening on every address through loopback.
NATS_EMBEDDED_CLIENT_HOST = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "::1": "[::1]"}.get(  # noqa: S104
    NATS_EMBEDDED_HOST, NATS_EMBEDDED_HOST
)
NATS_SERVERS = env_list("NATS_URL", [f"nats://{NATS_EMBEDDED_CLIENT_HOST}:{NATS_EMBEDDED_PORT}"])
# Connecting to an existing server or cluster: what nats-py's connect() takes, from files
# an operator mounts (a .creds file, an NKey seed, TLS certificates) or the environment.
NATS_CREDS_FILE = env_str("NATS_CREDS_FILE")
NATS_NKEY_SEED_FILE = env_str("NATS_NKEY_SEED_FILE")
NATS_USER = env_str("NATS_USER")
NATS_PASSWORD = env_secret("NATS_PASSWORD")
NATS_TOKEN = env_secret("NATS_TOKEN")
NATS_TLS_CA_FILE = env_str("NATS_TLS_CA_FILE")
NATS_TLS_CERT_FILE = env_str("NATS_TLS_CERT_FILE")
NATS_TLS_KEY_FILE = env_str("NATS_TLS_KEY_FILE")
NATS_TLS_HOSTNAME = env_str("NATS_TLS_HOSTNAME")
NATS_TLS_HANDSHAKE_FIRST = env_bool("NATS_TLS_HANDSHAKE_FIRST", False)
NATS_SUBJECT = env_str("NATS_SUBJECT", "agent.technical.support")
NATS_STREAM = env_str("NATS_STREAM", "AGENT_STREAM")
NATS_CONSUMER = env_str("NATS_CONSUMER", "AGENT_CONSUMER")
NATS_STREAM_MAX_AGE = env_int("NATS_STREAM_MAX_AGE", 7 * 24 * 3600)
NATS_STREAM_MAX_BYTES = env_int("NATS_STREAM_MAX_BYTES", 10 * 1024**3)
# Copies of the stream a cluster keeps (1, 3 or 5). Unset: a new stream gets 1 and an
# existing one keeps what it has; set: the stream is created with, or scaled to, this many.
NATS_STREAM_REPLICAS = env_int("NATS_STREAM_REPLICAS", 0)
NATS_MAX_ACK_PENDING = env_int("NATS_MAX_ACK_PENDING", 20_000)
NATS_ACK_WAIT = env_int("NATS_ACK_WAIT", 60)
# Deliveries of one message before JetStream gives up on it; the consumer then quarantines
# it (reason max_deliveries) with its payload read back from the stream. Waiting out a
# database outage does not count: the batch is kept in progress, not redelivered.
NATS_MAX_DELIVER = env_int("NATS_MAX_DELIVER", 20)

# --- Supervisor (make run) ------------------------------------------------------
# gogent/supervisor/ keeps supervisord's config, log and control socket here, and the
# processes' state (restarts, last exit) that the operations page shows.
SUPERVISOR_DIR = DATA_DIR / "supervisor"

# --- Ingest -------------------------------------------------------------------
# Per-batch costs (the commit's fsync, pattern counters) fall per message as batches grow:
# 2000 drains ~25% faster than 1000 (bench/ingest.py). Below full load, batches are
# whatever arrives within the linger, so latency does not grow with it.
INGEST_BATCH_SIZE = env_int("INGEST_BATCH_SIZE", 2000)
# The pattern inspector's counts of each <*>'s values, kept at ingest (logs.place_values);
# off, the inspector reads a pattern's newest stored logs instead.
PATTERN_VALUE_SKETCHES = env_bool("PATTERN_VALUE_SKETCHES", True)
INGEST_FETCH_TIMEOUT = env_int("INGEST_FETCH_TIMEOUT_MS", 1000) / 1000
LOG_MAX_PAYLOAD_BYTES = env_int("LOG_MAX_PAYLOAD_BYTES", 1024 * 1024)
LOG_MAX_MESSAGE_BYTES = env_int("LOG_MAX_MESSAGE_BYTES", 64 * 1024)
LOG_MAX_CONTEXT_DEPTH = env_int("LOG_MAX_CONTEXT_DEPTH", 32)
REJECTED_RAW_MAX_BYTES = env_int("REJECTED_RAW_MAX_BYTES", 64 * 1024)
# Raw logs received more than this many days ago are deleted hourly, in batches of
# LOG_RETENTION_BATCH (0: keep every log). Patterns keep their counts and first/last seen.
LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 0)
LOG_RETENTION_BATCH = env_int("LOG_RETENTION_BATCH", 2000)
# Quarantined messages received more than this many days ago are deleted by the same
# hourly job, in batches of LOG_RETENTION_BATCH (0: keep them until replayed or deleted).
QUARANTINE_RETENTION_DAYS = env_int("QUARANTINE_RETENTION_DAYS", 30)

# --- Syslog intake ------------------------------------------------------------
# `manage.py receive_syslog` (docs/syslog.md) takes RFC 5424 and RFC 3164 over UDP and TCP
# on SYSLOG_BIND (host:port, [::]:5514 for IPv6; 0.0.0.0 for devices on other machines:
# syslog has no authentication, so let a firewall choose who may send) and publishes each
# line to NATS_SUBJECT as a log. SYSLOG_UDP / SYSLOG_TCP turn either listener off.
SYSLOG_BIND = env_str("SYSLOG_BIND", "127.0.0.1:5514")
SYSLOG_UDP = env_bool("SYSLOG_UDP", True)
SYSLOG_TCP = env_bool("SYSLOG_TCP", True)
# A frame (datagram, octet-counted frame or line) longer than this is published in pieces; a
# TCP octet count over it closes that connection. At most LOG_MAX_MESSAGE_BYTES.
SYSLOG_MAX_FRAME_BYTES = env_int("SYSLOG_MAX_FRAME_BYTES", LOG_MAX_MESSAGE_BYTES)
SYSLOG_TCP_MAX_CONNECTIONS = env_int("SYSLOG_TCP_MAX_CONNECTIONS", 256)
# Seconds a TCP connection may send nothing before it is closed (its sender reconnects).
SYSLOG_TCP_IDLE_TIMEOUT = env_int("SYSLOG_TCP_IDLE_TIMEOUT", 600)
# The zone of RFC 3164 timestamps, which carry none (an IANA name, e.g. Europe/Berlin).
SYSLOG_TIME_ZONE = env_str("SYSLOG_TIME_ZONE", "UTC")
# UDP datagrams wait here until JetStream has them; past SYSLOG_SPOOL_MAX_BYTES new ones are
# dropped and counted (gogent_syslog_dropped), the one case syslog intake loses anything.
SYSLOG_SPOOL_DIR = Path(env_str("SYSLOG_SPOOL_DIR") or DATA_DIR / "syslog-spool")
SYSLOG_SPOOL_MAX_BYTES = env_int("SYSLOG_SPOOL_MAX_BYTES", 1024**3)
# Logs queued or awaiting JetStream's ack at once; when full, TCP senders are held.
SYSLOG_MAX_PENDING = env_int("SYSLOG_MAX_PENDING", 1000)
# On SIGTERM, seconds to wait for acks before what is left goes to the spool for next time.
SYSLOG_SHUTDOWN_TIMEOUT = env_int("SYSLOG_SHUTDOWN_TIMEOUT", 10)
# Seconds between the receiver's log lines of counts.
SYSLOG_STATUS_INTERVAL = env_int("SYSLOG_STATUS_INTERVAL", 60)
_syslog_host, _, _syslog_port = SYSLOG_BIND.rpartition(":")
if not _syslog_host or not ascii_digits(_syslog_port) or not 0 < int(_syslog_port) < 65536:
    raise ValueError(
        f"SYSLOG_BIND must be host:port (127.0.0.1:5514, [::]:5514), not {SYSLOG_BIND!r}"
    )
for _name, _value, _low, _high in [
    # RFC 5424 (section 6.1): receivers take frames of at least 480 octets, unless the
    # consumer takes no message that long (a LOG_MAX_MESSAGE_BYTES set lower than that).
    (
        "SYSLOG_MAX_FRAME_BYTES",
        SYSLOG_MAX_FRAME_BYTES,
        min(480, LOG_MAX_MESSAGE_BYTES),
        LOG_MAX_MESSAGE_BYTES,
    ),
    ("SYSLOG_TCP_MAX_CONNECTIONS", SYSLOG_TCP_MAX_CONNECTIONS, 1, 100_000),
    ("SYSLOG_TCP_IDLE_TIMEOUT", SYSLOG_TCP_IDLE_TIMEOUT, 1, None),
    ("SYSLOG_SPOOL_MAX_BYTES", SYSLOG_SPOOL_MAX_BYTES, 1024 * 1024, None),
    ("SYSLOG_MAX_PENDING", SYSLOG_MAX_PENDING, 1, 100_000),
    ("SYSLOG_SHUTDOWN_TIMEOUT", SYSLOG_SHUTDOWN_TIMEOUT, 0, None),
    ("SYSLOG_STATUS_INTERVAL", SYSLOG_STATUS_INTERVAL, 1, None),
]:
    if _value < _low or (_high is not None and _value > _high):
        _range = f"between {_low} and {_high}" if _high is not None else f"at least {_low}"
        raise ValueError(f"{_name} must be {_range}, not {_value}")
try:
    zoneinfo.ZoneInfo(SYSLOG_TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ValueError(
        f"SYSLOG_TIME_ZONE must be an IANA time zone (UTC, Europe/Berlin), not {SYSLOG_TIME_ZONE!r}"
    ) from None

# --- Alarm health -------------------------------------------------------------
# The alarm-health page, API and /metrics (ISA-18.2 / EEMUA 191 KPIs, logs.alarms) count
# logs at or above ALARM_SEVERITY as alarms: ERROR by default, as ISA-18.2 keeps the name
# for conditions an operator must act on (WARNINGs are its "alerts"). Alarms at or above
# ALARM_PRIORITY_URGENT are urgent, at or above ALARM_PRIORITY_HIGH high, the rest low, for
# the priority mix (80/15/5 low/high/urgent). Counted as logs arrive: after changing
# ALARM_SEVERITY, `manage.py rebuild_alarm_health` recounts the logs still stored.
ALARM_SEVERITY = env_str("ALARM_SEVERITY", "ERROR").upper()
ALARM_PRIORITY_HIGH = env_str("ALARM_PRIORITY_HIGH", "CRITICAL").upper()
ALARM_PRIORITY_URGENT = env_str("ALARM_PRIORITY_URGENT", "ALERT").upper()
_SEVERITY_SCALE = ["DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"]
for _name, _value in [
    ("ALARM_SEVERITY", ALARM_SEVERITY),
    ("ALARM_PRIORITY_HIGH", ALARM_PRIORITY_HIGH),
    ("ALARM_PRIORITY_URGENT", ALARM_PRIORITY_URGENT),
]:
    if _value not in _SEVERITY_SCALE:
        raise ValueError(f"{_name} must be one of {', '.join(_SEVERITY_SCALE)}, not {_value!r}")
if not (
    _SEVERITY_SCALE.index(ALARM_SEVERITY)
    <= _SEVERITY_SCALE.index(ALARM_PRIORITY_HIGH)
    <= _SEVERITY_SCALE.index(ALARM_PRIORITY_URGENT)
):
    raise ValueError(
        "ALARM_SEVERITY, ALARM_PRIORITY_HIGH and ALARM_PRIORITY_URGENT must rise (or stay) in "
        f"that order, not {ALARM_SEVERITY}, {ALARM_PRIORITY_HIGH}, {ALARM_PRIORITY_URGENT}"
    )

# --- Bounded reads ------------------------------------------------------------
# No console or API request reads the whole log table: a search reads the full-text index
# of every log (logs.search), the Logs list and its live update alike.
# The CSV export writes at most this many logs of the filter and search, newest first; a
# cut export ends with a "# truncated" line.
LOGS_EXPORT_MAX_ROWS = env_int("LOGS_EXPORT_MAX_ROWS", 100_000)

# --- Analysis -----------------------------------------------------------------
# Patterns that reach this severity are analyzed once; regressions and operator
# requests always are. Names as in logs.models.Severity.
ANALYSIS_MIN_SEVERITY = env_str("ANALYSIS_MIN_SEVERITY", "WARNING").upper()
# Results of completed analyses go here (set but empty: not published). AGENT_STREAM
# captures it too, so the consumer skips it instead of storing it as a log.
ANALYSIS_RESULTS_SUBJECT = env_str_or_off("ANALYSIS_RESULTS_SUBJECT", f"{NATS_SUBJECT}.analysis")
# Results and replies wait in an outbox that one publisher at a time drains. Connecting
# and each publish are given this long; when NATS does not answer, the publisher pauses
# (2 s, doubling up to ANALYSIS_PUBLISH_PAUSE_MAX seconds) instead of holding a worker.
ANALYSIS_PUBLISH_TIMEOUT = env_int("ANALYSIS_PUBLISH_TIMEOUT_MS", 2000) / 1000
ANALYSIS_PUBLISH_PAUSE_MAX = env_int("ANALYSIS_PUBLISH_PAUSE_MAX", 60)
for _name, _value in [
    ("ANALYSIS_PUBLISH_TIMEOUT_MS", ANALYSIS_PUBLISH_TIMEOUT * 1000),
    ("ANALYSIS_PUBLISH_PAUSE_MAX", ANALYSIS_PUBLISH_PAUSE_MAX),
]:
    if _value < 1:
        raise ValueError(f"{_name} must be at least 1, not {_value:g}")
# How long a log sent with Gogent-Reply-To waits for its pattern's analysis.
ANALYSIS_REPLY_TIMEOUT = env_int("ANALYSIS_REPLY_TIMEOUT", 30)
# The analysis service (logs/analyze_service.py, run by every consume_logs): a NATS request
# on this subject carrying a log stores it through the stream and is answered with its
# pattern's analysis, or "pending" after ANALYZE_REPLY_TIMEOUT seconds. Set but empty: off.
# It must be a subject no stream captures (checked when consume_logs starts).
ANALYZE_SUBJECT = env_str_or_off("ANALYZE_SUBJECT", "gogent.analyze")
ANALYZE_REPLY_TIMEOUT = env_int("ANALYZE_REPLY_TIMEOUT", ANALYSIS_REPLY_TIMEOUT)
# Requests one consume_logs serves at a time; more are answered "busy" at once.
ANALYZE_MAX_IN_FLIGHT = env_int("ANALYZE_MAX_IN_FLIGHT", 100)
# Failed calls to one provider before moving on (fallback, offline analyzer, or failed).
ANALYSIS_MAX_RETRIES = env_int("ANALYSIS_MAX_RETRIES", 4)
ANALYSIS_BACKOFF_BASE = env_int("ANALYSIS_BACKOFF_BASE_MS", 2000) / 1000
ANALYSIS_BACKOFF_MAX = env_int("ANALYSIS_BACKOFF_MAX_MS", 120_000) / 1000
# A refused connection pauses that provider for every worker this long.
ANALYSIS_UNREACHABLE_PAUSE = env_int("ANALYSIS_UNREACHABLE_PAUSE", 30)
# When no provider is reachable, the built-in offline analyzer answers (labelled).
ANALYSIS_OFFLINE_FALLBACK = env_bool("ANALYSIS_OFFLINE_FALLBACK", True)
# Once a provider answers, patterns whose latest analysis is the offline analyzer's are
# analyzed again: at most this many such requests waiting at a time (0: never).
ANALYSIS_OFFLINE_REDO_BATCH = env_int("ANALYSIS_OFFLINE_REDO_BATCH", 10)
# Seconds between those passes; a provider that has not answered since it failed is sent a
# tiny prompt at most this often to find out whether it answers now.
ANALYSIS_OFFLINE_REDO_INTERVAL = env_int("ANALYSIS_OFFLINE_REDO_INTERVAL", 60)
# Added to the 60 s rate window so a provider's clock never sees one request too many.
ANALYSIS_RATE_MARGIN = env_int("ANALYSIS_RATE_MARGIN_MS", 500) / 1000
# The sweeper re-sends analyses whose task is this late (lost by a dead worker).
ANALYSIS_STALE_AFTER = env_int("ANALYSIS_STALE_AFTER", 60)
# Caps of an investigation with tools (a provider may set its own): model calls, and prompt
# and reply tokens of all of them; past one, the model is asked for its answer.
ANALYSIS_INVESTIGATION_MAX_STEPS = env_int("ANALYSIS_INVESTIGATION_MAX_STEPS", 8)
ANALYSIS_INVESTIGATION_MAX_TOKENS = env_int("ANALYSIS_INVESTIGATION_MAX_TOKENS", 40_000)
if ANALYSIS_INVESTIGATION_MAX_STEPS < 1 or ANALYSIS_INVESTIGATION_MAX_TOKENS < 1000:
    raise ValueError(
        "ANALYSIS_INVESTIGATION_MAX_STEPS must be at least 1 and "
        "ANALYSIS_INVESTIGATION_MAX_TOKENS at least 1000"
    )
AZURE_AUTHORITY_URL = env_str("AZURE_AUTHORITY_URL", "https://login.microsoftonline.com")

# --- Console ------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# What apps above logs add to the pattern pages and the dashboard (see logs.console).
CONSOLE_PATTERN_COLUMNS = ["analysis.console.ANALYSIS_COLUMN", "integrations.console.TICKET_COLUMN"]
CONSOLE_PATTERN_PANELS = [
    "analysis.console.ANALYSIS_PANEL",
    "integrations.console.ACTIONS_PANEL",
    "integrations.console.RUNBOOK_PANEL",
    "integrations.console.TICKET_PANEL",
]
CONSOLE_PATTERN_FLAGS = ["integrations.console.HAS_TICKET"]
CONSOLE_DASHBOARD_PANELS = [
    "analysis.console.ANALYSIS_DASHBOARD",
    "integrations.console.TICKET_DASHBOARD",
]
# Seconds between the Patterns and Logs lists' polls for what changed (live.js); 0 turns
# live updates off.
CONSOLE_LIVE_INTERVAL = env_int("CONSOLE_LIVE_INTERVAL", 5)

# --- Login throttling ---------------------------------------------------------
# django-axes (in INSTALLED_APPS and last in MIDDLEWARE above) counts failed sign-ins at
# /accounts/login/ and /admin/login/ per username and client address together, in the
# database. LOGIN_FAILURE_LIMIT failures lock that pair out for LOGIN_LOCKOUT_MINUTES, counted
# from the latest try: 429 with registration/locked_out.html, the same for any username,
# existing or not. Admins see attempts in Django admin; deleting one unlocks it.
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out pair before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# No start-up banner (management commands' output stays theirs), no user agents in logs.
AXES_VERBOSE = False
# The client address is REMOTE_ADDR, never X-Forwarded-For, which any client can write,
# unless the request comes from one of TRUSTED_PROXIES (addresses or networks of our
# reverse proxies): then it is the first address from the right of X-Forwarded-For that is
# not one of them (gogent.proxies). Without it behind a proxy every client has the proxy's
# address, and a lockout holds a username for everyone.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ValueError(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or network (10.0.0.5, 10.0.0.0/24)"
        ) from None
AXES_CLIENT_IP_CALLABLE = "gogent.proxies.client_address"

# Called inside each ingest transaction with what the batch changed (see logs.services).
LOGS_INGEST_HOOKS = [
    "analysis.services.analyses_after_ingest",
    "integrations.services.rules_after_ingest",
    "integrations.notifications.notifications_after_ingest",
]
# Called inside the transaction that completes an analysis (see analysis.services).
ANALYSIS_DONE_HOOKS: list[str] = [
    "integrations.services.rules_after_analysis",
    "integrations.remediation.services.proposals_after_analysis",
    "integrations.notifications.notifications_after_analysis",
]
# Read-only tools an investigating model may call (analysis.tools.base.Tool instances).
ANALYSIS_TOOLS: list[str] = [
    "analysis.tools.logs.SEARCH_LOGS",
    "analysis.tools.logs.PATTERN_TIMELINE",
    "analysis.tools.logs.PATTERN_BREAKDOWN",
    "analysis.tools.logs.PATTERNS_NEARBY",
    "analysis.tools.logs.SIMILAR_PATTERNS",
    "analysis.tools.logs.PATTERN_HISTORY",
    "integrations.tools.PATTERN_TICKETS",
    "integrations.tools.SEARCH_TICKETS",
    "integrations.tools.FIND_RUNBOOKS",
]
# Called with pattern_id=: (name, description) of the remediation actions an investigation
# of that pattern may propose (admin-defined, enabled, in scope).
ANALYSIS_ACTION_OFFERS: list[str] = ["integrations.remediation.services.actions_offered"]
# Called by ingest with the analyses it would queue; returns those it holds (maintenance).
ANALYSIS_HOLD_HOOKS = ["integrations.maintenance.holds.maintenance_hold_analyses"]
# Called inside a pattern merge's transaction before rows move (logs.patterns.pattern_merge).
PATTERN_MERGE_HOOKS = [
    "analysis.services.analyses_fold_for_merge",
    "integrations.services.tickets_fold_for_merge",
]

# --- API and monitoring -------------------------------------------------------
# Swagger UI at /api/docs from ninja's bundled static files, never a CDN.
INSTALLED_APPS += ["ninja"]
# Errors under /api/ that no endpoint answered (unknown path, wrong method) come back as JSON.
MIDDLEWARE.insert(0, "gogent.access.api_json_errors")
# Requests per minute per API key, counted in the database so every web process
# shares it (0: no limit). Over it: 429 with Retry-After.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)
# A key's last-used time is written at most this often (seconds), not on every request.
API_KEY_LAST_USED_INTERVAL = env_int("API_KEY_LAST_USED_INTERVAL", 60)
# Most logs one POST /api/v1/logs may carry; each is checked with the NATS input rules.
API_LOGS_MAX_BATCH = env_int("API_LOGS_MAX_BATCH", 1000)
# Seconds the API waits for NATS to take posted logs (connect and stream acks).
API_PUBLISH_TIMEOUT = env_int("API_PUBLISH_TIMEOUT_MS", 10_000) / 1000
# Seconds each /readyz check (database, NATS, Celery broker) and NATS look-up may take.
MONITORING_TIMEOUT = env_int("MONITORING_TIMEOUT_MS", 2000) / 1000
# /readyz answers from one check of the three per process this many seconds (0: every call).
READYZ_CACHE_SECONDS = env_int("READYZ_CACHE_SECONDS", 5)
# Who may read /metrics: "key" (an API key of any role), "localhost" (requests from
# 127.0.0.1/::1 without a key; behind a proxy on the same host that means everyone unless
# TRUSTED_PROXIES names it), or both.
METRICS_ACCESS = env_list("METRICS_ACCESS", ["key"])
# /metrics reads counts from the database; each process reuses them this many seconds.
METRICS_CACHE_SECONDS = env_int("METRICS_CACHE_SECONDS", 10)
# Each returns Prometheus metric families (gogent.metrics); apps above add theirs.
METRICS_COLLECTORS = [
    "gogent.metrics.infrastructure_collect",
    "logs.metrics.collect",
    "logs.syslog.status.syslog_metrics",
    "logs.alarms.metrics.alarm_metrics",
    "analysis.metrics.collect",
    "integrations.metrics.collect",
]
# Each is a gogent.operations.OperationsSection: an app's part of /admin/operations/,
# shown in this order after gogent's own (components, processes, backlog, workers, queues).
OPERATIONS_SECTIONS = [
    "logs.operations.INGEST_SECTION",
    "analysis.operations.ANALYSIS_SECTION",
    "integrations.operations.TICKETS_SECTION",
    "integrations.operations.NOTIFICATIONS_SECTION",
]
# `manage.py status`: each app's part of the report, by its key in --json, shown in this
# order after gogent's own (components, processes, celery); each path names a function
# that returns a gogent.status.StatusSection.
STATUS_SECTIONS = {
    "ingest": "logs.status.ingest_status",
    "syslog": "logs.syslog.status.syslog_status",
    "analysis": "analysis.status.analysis_status",
    "tickets": "integrations.status.tickets_status",
}
# `manage.py status` calls ingest stalled (down) when messages wait in JetStream and no log
# or quarantined message was stored for this many seconds.
STATUS_INGEST_STALLED_AFTER = env_int("STATUS_INGEST_STALLED_AFTER", 300)
# Celery queues whose depth /metrics, /api/v1/stats and the operations page show.
MONITORED_QUEUES = env_list("MONITORED_QUEUES", ["celery", "analysis", "tickets"])

# --- Tickets ------------------------------------------------------------------
# Integrations (Jira, ServiceNow) and ticket rules are configured in Django admin or
# with `manage.py apply_config FILE`. Links in tickets point to the console at this URL.
TICKETS_BASE_URL = env_str("TICKETS_BASE_URL", "http://127.0.0.1:8000")
# Calls per ticket action (timeouts, 429, 5xx) before it fails for good.
TICKETS_MAX_ATTEMPTS = env_int("TICKETS_MAX_ATTEMPTS", 6)
# Exponential backoff between them: first delay and cap (milliseconds), with jitter.
TICKETS_BACKOFF_BASE = env_int("TICKETS_BACKOFF_BASE_MS", 5000) / 1000
TICKETS_BACKOFF_MAX = env_int("TICKETS_BACKOFF_MAX_MS", 300_000) / 1000
# Seconds between rule sweeps (patterns whose counts crossed a rule's threshold) and
# between status syncs (tickets closed in Jira/ServiceNow).
TICKETS_RULES_INTERVAL = env_int("TICKETS_RULES_INTERVAL", 30)
TICKETS_SYNC_INTERVAL = env_int("TICKETS_SYNC_INTERVAL", 300)
# After a create whose outcome is unknown (its reply timed out or was lost, or a 5xx),
# seconds its correlation search must stay empty before a second create: Jira Cloud's
# search shows a new issue only after a delay that can reach tens of seconds.
TICKETS_INDEX_LAG = env_int("TICKETS_INDEX_LAG", 60)
# Seconds past due after which the sweeper re-sends ticket work (lost by a dead worker).
TICKETS_STALE_AFTER = env_int("TICKETS_STALE_AFTER", 120)
# Log ids each sweep reads again, for ids committed out of order by parallel consumers.
TICKETS_SWEEP_OVERLAP = env_int("TICKETS_SWEEP_OVERLAP", 10_000)
# Each periodic job (sweeps, ticket sync, retention) runs alone across workers and stops
# after this many seconds, leaving the rest to its next run.
SWEEP_TIME_LIMIT = env_int("SWEEP_TIME_LIMIT", 60)
if SWEEP_TIME_LIMIT < 1:
    raise ValueError(f"SWEEP_TIME_LIMIT must be at least 1 (seconds), not {SWEEP_TIME_LIMIT}")

# --- Maintenance windows ------------------------------------------------------
# While a window (Django admin, or [[maintenance_windows]] in apply_config) is on, logs of
# the patterns in its scope are stored, counted and grouped, but analyses, ticket rules and
# notifications for them are held; every MAINTENANCE_RELEASE_INTERVAL seconds the ones
# that ended MAINTENANCE_RELEASE_GRACE seconds ago or more are summarized and released.
MAINTENANCE_RELEASE_INTERVAL = env_int("MAINTENANCE_RELEASE_INTERVAL", 30)
MAINTENANCE_RELEASE_GRACE = env_int("MAINTENANCE_RELEASE_GRACE", 30)
# Told of each ended occurrence, inside the transaction that releases it (notifications).
MAINTENANCE_ENDED_HOOKS = ["integrations.notifications.notifications_after_maintenance"]

# --- Notifications ------------------------------------------------------------
# Channels (Slack, Teams, e-mail, JSON webhook) and notification rules are configured in
# Django admin or with [[channels]] and [[notification_rules]] in `manage.py apply_config`.
# Messages link to the console at TICKETS_BASE_URL. Sends per message (timeouts, 429, 5xx)
# before it fails for good, and the backoff between them (milliseconds, with jitter).
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 6)
NOTIFICATIONS_BACKOFF_BASE = env_int("NOTIFICATIONS_BACKOFF_BASE_MS", 5000) / 1000
NOTIFICATIONS_BACKOFF_MAX = env_int("NOTIFICATIONS_BACKOFF_MAX_MS", 300_000) / 1000
# Patterns listed in one message; the rest are counted ("and 180 more").
NOTIFICATIONS_MAX_ITEMS = env_int("NOTIFICATIONS_MAX_ITEMS", 20)
# Seconds between notification sweeps: thresholds crossed, ingest stalled, providers down,
# and sends a dead worker lost (re-sent NOTIFICATIONS_STALE_AFTER seconds past due).
NOTIFICATIONS_CHECK_INTERVAL = env_int("NOTIFICATIONS_CHECK_INTERVAL", 30)
NOTIFICATIONS_STALE_AFTER = env_int("NOTIFICATIONS_STALE_AFTER", 120)

# `manage.py apply_config`: each top-level array of the file and the function that
# applies it, in order (rules name integrations); then hooks hear what changed (audit).
CONFIG_SECTIONS = {
    "context_rules": "logs.config.config_apply_context_rules",
    "providers": "analysis.provider_config.config_apply_providers",
    "integrations": "integrations.config.config_apply_integrations",
    "rules": "integrations.config.config_apply_rules",
    "maintenance_windows": "integrations.maintenance.config.config_apply_maintenance_windows",
    "channels": "integrations.config.config_apply_channels",
    "notification_rules": "integrations.config.config_apply_notification_rules",
    "actions": "integrations.config.config_apply_actions",
}
CONFIG_APPLIED_HOOKS = ["gogent.audit.audit_config_applied"]

# --- Celery -------------------------------------------------------------------
# The default broker is gogentfs:// (gogent.broker): files under data/, no server process
# to run. kombu's own filesystem:// is unsafe with several processes (gogent.broker says
# why); before gogentfs:// had its own name, filesystem:// meant it, so it still does.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "gogentfs://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_URL = "gogentfs://" + CELERY_BROKER_URL.removeprefix("filesystem://")
CELERY_BROKER_DIR = DATA_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("gogentfs://"):
    (CELERY_BROKER_DIR / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        # Seconds between looks at the folder when idle (kombu's default is 1): an analysis
        # task waits at most this long to be picked up, and Ctrl-C is quicker.
        "polling_interval": 0.2,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://", "sentinel://")):
    # A task a worker took but never acknowledged (the worker died) goes back to the
    # queue after this many seconds; the sweepers re-send lost work sooner anyway.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_TASK_ROUTES = {
    "analysis.tasks.*": {"queue": "analysis"},
    "integrations.tasks.*": {"queue": "tickets"},
}
CELERY_BEAT_SCHEDULE = {
    "logs-retention": {"task": "logs.tasks.purge_old_logs", "schedule": 3600.0},
    "logs-wake-snoozed": {"task": "logs.tasks.wake_snoozed_patterns", "schedule": 30.0},
    "logs-grouping-rules": {"task": "logs.tasks.move_logs_for_grouping_rules", "schedule": 60.0},
    "analysis-sweep": {"task": "analysis.tasks.sweep_analyses", "schedule": 15.0},
    "analysis-offline-redo": {
        "task": "analysis.tasks.redo_offline_analyses",
        "schedule": float(ANALYSIS_OFFLINE_REDO_INTERVAL),
    },
    "tickets-sweep": {
        "task": "integrations.tasks.sweep_tickets",
        "schedule": float(TICKETS_RULES_INTERVAL),
    },
    "tickets-sync": {
        "task": "integrations.tasks.sync_tickets",
        "schedule": float(TICKETS_SYNC_INTERVAL),
    },
    "maintenance-release": {
        "task": "integrations.tasks.release_maintenance",
        "schedule": float(MAINTENANCE_RELEASE_INTERVAL),
    },
    "notifications-sweep": {
        "task": "integrations.tasks.sweep_notifications",
        "schedule": float(NOTIFICATIONS_CHECK_INTERVAL),
    },
}
