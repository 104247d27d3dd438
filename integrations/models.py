from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from analysis.models import Analysis
from gogent.encryption import EncryptedTextField, SecretUndecryptable, secret_readable
from gogent.leases import LeasedWork
from gogent.secrets_env import SecretEnvRefused, secret_env_problem, secret_env_read
from integrations.remote import TicketError
from integrations.scope import scope_words
from logs.models import LogPattern, Severity
from logs.plant import plant_scope_validator

# Analysis results' ticket_priority values, lowest first.
PRIORITIES = ("low", "medium", "high", "critical")
DEFAULT_JIRA_PRIORITIES = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Highest"}
# ServiceNow's urgency and impact: 1 high, 2 medium, 3 low; the priority follows from both.
DEFAULT_SERVICENOW_PRIORITIES = {
    "low": {"urgency": 3, "impact": 3},
    "medium": {"urgency": 2, "impact": 2},
    "high": {"urgency": 1, "impact": 2},
    "critical": {"urgency": 1, "impact": 1},
}


def places_field() -> models.CharField:
    """A scope's places (integrations.scope): ticket rules, notification rules, windows."""
    return models.CharField(
        max_length=500,
        blank=True,
        validators=[plant_scope_validator],
        help_text="Where on the shop floor, as key = value pairs (site, area, line, cell, "
        "asset), * and ? allowed: site = plant-a, line = 3, asset = press-*. Blank: anywhere.",
    )


def services_field() -> models.CharField:
    """A scope's services (integrations.scope), as places_field() is its places."""
    return models.CharField(
        max_length=500,
        blank=True,
        help_text="Comma-separated service names, * and ? allowed (line-*). Blank: any.",
    )


def hosts_field() -> models.CharField:
    return models.CharField(
        max_length=500, blank=True, help_text="Comma-separated host names, * and ? allowed."
    )


def template_words_field() -> models.CharField:
    return models.CharField(
        "words in the template",
        max_length=500,
        blank=True,
        help_text="Comma-separated words or phrases; the pattern's template must contain one "
        "(case does not matter): modbus, connection refused. Blank: any.",
    )


class Integration(models.Model):
    """A Jira project or a ServiceNow table tickets go to. Secrets are write-only."""

    class Kind(models.TextChoices):
        JIRA = "jira", "Jira"
        SERVICENOW = "servicenow", "ServiceNow"

    class Auth(models.TextChoices):
        BASIC = "basic", "User and password (Jira Cloud: e-mail and API token)"
        TOKEN = "token", "Personal access token (Jira Server / Data Center)"
        OAUTH = "oauth", "OAuth (ServiceNow: client id and secret, user and password)"

    class Recurrence(models.TextChoices):
        REOPEN = "reopen", "Reopen the closed ticket"
        NEW = "new", "Open a new ticket"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    base_url = models.URLField(
        "base URL",
        max_length=500,
        blank=True,
        help_text="Jira: the site, e.g. https://acme.atlassian.net. ServiceNow: the instance "
        "URL when it is not <instance>.service-now.com.",
    )
    instance = models.CharField(
        "ServiceNow instance",
        max_length=100,
        blank=True,
        help_text="The name in https://<instance>.service-now.com; or give the base URL.",
    )
    auth = models.CharField(
        "authentication", max_length=16, choices=Auth.choices, default=Auth.BASIC
    )
    username = models.CharField(
        max_length=200, blank=True, help_text="Jira Cloud: the account's e-mail address."
    )
    # Stored encrypted (gogent.encryption), as client_secret.
    secret = EncryptedTextField(
        blank=True,
        help_text="Password, API token or personal access token. Write-only: never shown again.",
    )
    secret_env = models.CharField(
        "secret environment variable",
        max_length=100,
        blank=True,
        help_text="Read the secret from this environment variable of the worker instead.",
    )
    client_id = models.CharField("OAuth client id", max_length=200, blank=True)
    client_secret = EncryptedTextField("OAuth client secret", blank=True)
    client_secret_env = models.CharField(
        "OAuth client secret environment variable", max_length=100, blank=True
    )
    timeout_seconds = models.FloatField(
        default=20.0, validators=[MinValueValidator(1.0), MaxValueValidator(300.0)]
    )
    # Jira
    project_key = models.CharField("Jira project key", max_length=50, blank=True)
    issue_type = models.CharField("Jira issue type", max_length=100, blank=True, default="Task")
    labels = models.JSONField(
        default=list, blank=True, help_text='Jira labels on every issue, e.g. ["gogent", "ops"].'
    )
    reopen_transition = models.CharField(
        "Jira reopen transition",
        max_length=100,
        blank=True,
        help_text="Name of the transition that reopens an issue. Blank: the first transition "
        "to a status that is not done.",
    )
    # ServiceNow
    table = models.CharField("ServiceNow table", max_length=80, blank=True, default="incident")
    assignment_group = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=100, blank=True)
    priority_map = models.JSONField(
        default=dict,
        blank=True,
        help_text="Analysis priority (low, medium, high, critical) to the ticket's: Jira "
        'priority names {"high": "High"}, ServiceNow {"high": {"urgency": 1, "impact": 2}}. '
        'Empty: the kind\'s usual mapping. A Jira priority of "" sends none.',
    )
    plant_fields = models.JSONField(
        "plant context on tickets",
        default=dict,
        blank=True,
        help_text="Where the pattern occurs, on the ticket (its most frequent site, line… from "
        'the context rules). Jira: {"labels": ["site", "line"], "components": ["asset"]} '
        "(labels like line-3; a component must exist in the project). ServiceNow: field "
        'name to key, {"location": "site", "cmdb_ci": "asset", "u_line": "line"} (reference '
        "fields take the record's display value).",
    )
    on_recurrence = models.CharField(
        "when a closed ticket's pattern recurs",
        max_length=16,
        choices=Recurrence.choices,
        default=Recurrence.REOPEN,
    )
    resolve_pattern_on_close = models.BooleanField(
        default=False, help_text="A ticket resolved in Jira/ServiceNow resolves its pattern."
    )
    # Health, written by the workers.
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set on 401/403: rules stop sending work here until the integration is saved again.
    auth_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A 429's Retry-After, honoured by every worker.
    paused_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        problems = {
            name: secret_env_problem(getattr(self, name))
            for name in ("secret_env", "client_secret_env")
        }
        problems = {name: problem for name, problem in problems.items() if problem}
        if problems:
            raise ValidationError(problems)

    @property
    def has_secret(self) -> bool:
        return bool(self.secret or self.secret_env)

    @property
    def ticket_noun(self) -> str:
        return "issue" if self.kind == self.Kind.JIRA else "incident"

    def resolved_secret(self) -> str:
        """The secret, read at call time; never stored anywhere else."""
        return self._credential("secret_env", self.secret_env, self.secret)

    def resolved_client_secret(self) -> str:
        return self._credential("client_secret_env", self.client_secret_env, self.client_secret)

    def _credential(self, env_field: str, env_name: str, stored: str) -> str:
        """A secret that cannot be read (a variable the rule refuses, a stored secret no
        encryption key decrypts) is a TicketError for an admin, as refused credentials are."""
        try:
            if env_name:
                return secret_env_read(env_name, field=env_field)
            return secret_readable(stored)
        except (SecretEnvRefused, SecretUndecryptable) as error:
            raise TicketError(str(error), retryable=False, auth=True) from None

    def priorities(self) -> dict:
        if self.priority_map:
            return self.priority_map
        if self.kind == self.Kind.JIRA:
            return DEFAULT_JIRA_PRIORITIES
        return DEFAULT_SERVICENOW_PRIORITIES


class TicketRule(models.Model):
    """When to open a ticket without an operator. A rule never opens a second ticket for a
    pattern: at most one is open per pattern and integration, and it gets comments instead."""

    name = models.CharField(max_length=100, unique=True)
    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="rules")
    enabled = models.BooleanField(default=True)
    min_severity = models.PositiveSmallIntegerField(
        "minimum severity", choices=Severity.choices, default=Severity.ERROR
    )
    min_occurrences = models.PositiveIntegerField("minimum occurrences", default=1)
    window_minutes = models.PositiveIntegerField(
        default=60, help_text="Occurrences counted over this many minutes. 0: since first seen."
    )
    require_recommendation = models.BooleanField(
        default=True, help_text="Only when the analysis recommends a ticket."
    )
    min_confidence = models.FloatField(
        "minimum confidence",
        default=0.7,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="0 to 1. Below it, the rule makes a draft an operator approves or discards.",
    )
    accept_offline = models.BooleanField(
        "accept offline analyses",
        default=False,
        help_text="Act on analyses of the built-in offline analyzer (rule-based guesses). "
        "Off: the rule sees none until an LLM has analyzed the pattern.",
    )
    act_on_model_judgement = models.BooleanField(
        "open tickets on the model's judgement",
        default=False,
        help_text="Off: when the rule depends on the analysis (its recommendation or "
        "confidence), a match makes a draft an operator approves, since log text can steer "
        "a model. On: a confident recommendation opens the ticket by itself.",
    )
    services = services_field()
    hosts = hosts_field()
    places = places_field()
    cooldown_minutes = models.PositiveIntegerField(
        default=60,
        help_text="At most one action (ticket, comment, reopen) per pattern in this time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_analysis(self) -> bool:
        return self.require_recommendation or self.min_confidence > 0


class Ticket(LeasedWork):
    """A ticket in Jira or ServiceNow for a pattern, from its request to its closing.

    `action` is the remote work still to do (create, comment, reopen): the open_ticket
    task performs it under a lease, so a duplicated or retried task does it once.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Being opened"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"
        DUPLICATE = "duplicate", "Duplicate"

    class Action(models.TextChoices):
        NONE = "", "None"
        CREATE = "create", "Create"
        COMMENT = "comment", "Comment"
        REOPEN = "reopen", "Reopen"

    # At most one of these per pattern and integration, held by the database.
    ACTIVE = (Status.DRAFT, Status.PENDING, Status.OPEN)

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="tickets")
    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="tickets")
    analysis = models.ForeignKey(
        Analysis, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    rule = models.ForeignKey(
        TicketRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    action = models.CharField(max_length=16, choices=Action.choices, blank=True, default="")
    reason = models.TextField(blank=True, help_text="Why it was opened: who or which rule.")
    draft_reason = models.TextField(blank=True)
    # Who asked for the current (or last) action, and why.
    action_by = models.CharField(max_length=200, blank=True)
    action_reason = models.TextField(blank=True)
    # Written on the remote ticket (Jira label, ServiceNow correlation_id) and searched for
    # before creating, so a retry after a lost reply finds the ticket instead of adding one.
    correlation_id = models.CharField(max_length=100, unique=True)
    # A create sent then got no clear answer (a lost reply, a 5xx): it may have created the
    # remote ticket, which the remote's search can show only later. No worker creates
    # again until that search has come back empty TICKETS_INDEX_LAG after it.
    ambiguous_create_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=255, blank=True)
    external_key = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500, blank=True)
    remote_status = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    # The last remote action (created, commented, reopened): rules' cooldowns count from it.
    last_action_at = models.DateTimeField(null=True, blank=True)
    # The pattern's count then (or when the ticket closed): "occurs again" means more than it.
    count_at_action = models.PositiveBigIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [
            ("open_ticket", "Can open tickets in Jira or ServiceNow"),
            ("review_draft", "Can approve or discard draft tickets"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "integration"],
                condition=models.Q(status__in=["draft", "pending", "open"]),
                name="ticket_one_active_per_pattern",
            )
        ]
        indexes = [
            # A pattern's tickets, newest first (pattern page, rules).
            models.Index(fields=["pattern", "integration", "created_at"], name="ticket_pattern"),
            # The sweeper and the sync: work due, open tickets per integration.
            models.Index(fields=["action", "next_attempt_at"], name="ticket_action_due"),
            models.Index(fields=["status", "integration"], name="ticket_status"),
        ]

    def __str__(self) -> str:
        label = self.external_key or f"ticket {self.pk}"
        return f"{label} ({self.get_status_display()}) for pattern {self.pattern_id}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class RuleSweep(models.Model):
    """One row: how far the rule sweeper has read the logs (LogEntry ids are increasing)."""

    last_entry_id = models.PositiveBigIntegerField(default=0)
    swept_at = models.DateTimeField(null=True, blank=True)
    # Patterns a sweep had no time left for (SWEEP_TIME_LIMIT): the next one takes them.
    carried_pattern_ids = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"rules swept up to log {self.last_entry_id}"


class MaintenanceWindow(models.Model):
    """Planned work: while an occurrence is on, logs of the patterns in its scope are still
    stored, counted and grouped, but their analyses, ticket rules and notifications are held
    (integrations.maintenance) and summarized when it ends."""

    name = models.CharField(max_length=100, unique=True)
    enabled = models.BooleanField(default=True)
    reason = models.CharField(max_length=500, blank=True)
    starts_at = models.DateTimeField(
        help_text="The start of the first (or only) occurrence, in the server's TIME_ZONE."
    )
    ends_at = models.DateTimeField(help_text="Its end; each recurrence lasts as long.")
    recurrence = models.CharField(
        max_length=200,
        blank=True,
        help_text="An iCalendar RRULE: FREQ=WEEKLY;BYDAY=SU is every Sunday, "
        "FREQ=DAILY;COUNT=5 five days. Blank: once.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="The recurrence's clock (Europe/Berlin): 02:00 stays 02:00 across DST.",
    )
    services = services_field()
    hosts = hosts_field()
    places = places_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "name"]

    def __str__(self) -> str:
        return self.name


class MaintenanceOccurrence(models.Model):
    """One occurrence of a window in which something was held, and what, for its summary."""

    window = models.ForeignKey(
        MaintenanceWindow, on_delete=models.CASCADE, related_name="occurrences"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # Set when it ended and what it held was released and summarized.
    released_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["window", "starts_at"], name="maintenance_once")
        ]
        indexes = [models.Index(fields=["released_at", "ends_at"], name="maintenance_due")]

    def __str__(self) -> str:
        return f"{self.window} from {self.starts_at:%Y-%m-%d %H:%M}"


class MaintenanceHold(models.Model):
    """A pattern whose analysis, ticket rules or notifications an occurrence held."""

    occurrence = models.ForeignKey(
        MaintenanceOccurrence, on_delete=models.CASCADE, related_name="holds"
    )
    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="+")
    # The analysis trigger held (new pattern, regression, ...); blank: none.
    analysis_trigger = models.CharField(max_length=20, blank=True)
    tickets = models.BooleanField(default=False)
    notifications = models.PositiveIntegerField(default=0)
    held_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "pattern"], name="maintenance_hold_once")
        ]

    def __str__(self) -> str:
        return f"pattern {self.pattern_id} held by {self.occurrence}"


# --- Notifications (integrations.notifications) ---------------------------------------


class Channel(models.Model):
    """Where notifications go: a Slack or Teams incoming webhook, a JSON webhook, or e-mail
    over SMTP. The webhook URL (it holds the token), the signing key and the SMTP password
    are secrets: stored encrypted, write-only, never shown again."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack (incoming webhook)"
        TEAMS = "teams", "Microsoft Teams (incoming webhook / workflow)"
        WEBHOOK = "webhook", "Webhook (JSON)"
        EMAIL = "email", "E-mail (SMTP)"

    class Security(models.TextChoices):
        STARTTLS = "starttls", "STARTTLS (usually port 587)"
        TLS = "tls", "TLS from the start (usually port 465)"
        NONE = "none", "None (only to a relay on this host)"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    # Stored encrypted: a Slack or Teams webhook URL is its own credential.
    url = EncryptedTextField(
        "webhook URL", blank=True, help_text="Slack, Teams, webhook. Write-only: never shown."
    )
    url_env = models.CharField(
        "webhook URL environment variable",
        max_length=100,
        blank=True,
        help_text="Read the URL from this environment variable of the worker instead.",
    )
    signing_secret = EncryptedTextField(
        blank=True,
        help_text="Webhook: sign each request with HMAC-SHA256 of this key (X-Gogent-Signature).",
    )
    signing_secret_env = models.CharField(
        "signing secret environment variable", max_length=100, blank=True
    )
    smtp_host = models.CharField("SMTP host", max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(
        "SMTP port", default=587, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    smtp_security = models.CharField(
        "SMTP security", max_length=16, choices=Security.choices, default=Security.STARTTLS
    )
    smtp_username = models.CharField("SMTP user", max_length=200, blank=True)
    smtp_password = EncryptedTextField("SMTP password", blank=True)
    smtp_password_env = models.CharField(
        "SMTP password environment variable", max_length=100, blank=True
    )
    email_from = models.CharField("From", max_length=254, blank=True)
    email_to = models.CharField(
        "To", max_length=1000, blank=True, help_text="Comma-separated e-mail addresses."
    )
    timeout_seconds = models.FloatField(
        default=10.0, validators=[MinValueValidator(1.0), MaxValueValidator(120.0)]
    )
    # Health, written by the workers and Send test.
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A 429's Retry-After, honoured by every worker.
    paused_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        problems = {
            name: secret_env_problem(getattr(self, name))
            for name in ("url_env", "signing_secret_env", "smtp_password_env")
        }
        problems = {name: problem for name, problem in problems.items() if problem}
        if problems:
            raise ValidationError(problems)

    @property
    def is_email(self) -> bool:
        return self.kind == self.Kind.EMAIL

    def recipients(self) -> list[str]:
        return [address.strip() for address in self.email_to.split(",") if address.strip()]


class NotificationRule(models.Model):
    """Which events go to which channel, filtered, grouped and spaced: events within
    `group_seconds` make one message, and a rule sends at most one message per cooldown
    (what happens meanwhile goes into the next)."""

    class Event(models.TextChoices):
        NEW_PATTERN = "new_pattern", "New pattern"
        REGRESSION = "regression", "Regression (a resolved pattern occurs again)"
        THRESHOLD = "threshold", "Pattern crosses N occurrences in a window"
        ANALYSIS_DONE = "analysis_done", "Analysis done"
        TICKET_OPENED = "ticket_opened", "Ticket opened"
        TICKET_FAILED = "ticket_failed", "Ticket failed"
        INGEST_STALLED = "ingest_stalled", "Ingest stalled (and recovered)"
        PROVIDER_DOWN = "provider_down", "LLM provider down (and recovered)"
        MAINTENANCE_ENDED = "maintenance_ended", "Maintenance window ended (summary)"

    # Events about one pattern: filtered by severity, services and hosts, held by
    # maintenance windows. The others concern the whole site.
    PATTERN_EVENTS = (
        Event.NEW_PATTERN,
        Event.REGRESSION,
        Event.THRESHOLD,
        Event.ANALYSIS_DONE,
        Event.TICKET_OPENED,
        Event.TICKET_FAILED,
    )

    name = models.CharField(max_length=100, unique=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="rules")
    enabled = models.BooleanField(default=True)
    events = models.JSONField(default=list, blank=True)
    min_severity = models.PositiveSmallIntegerField(
        "minimum severity", choices=Severity.choices, default=Severity.ERROR
    )
    services = services_field()
    hosts = hosts_field()
    places = places_field()
    threshold_count = models.PositiveIntegerField(
        "occurrences", default=100, help_text="Threshold event: at least this many logs..."
    )
    threshold_minutes = models.PositiveIntegerField(
        "in minutes", default=10, help_text="...within this many minutes."
    )
    group_seconds = models.PositiveIntegerField(
        "group for seconds",
        default=60,
        validators=[MaxValueValidator(3600)],
        help_text="The first event waits this long for others: together they make one message.",
    )
    cooldown_minutes = models.PositiveIntegerField(
        default=15,
        help_text="At most one message per this many minutes; events meanwhile go into the "
        "next. A pattern crossing the threshold is told again after its window at the soonest.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return isinstance(self.events, list) and event in self.events


class Notification(LeasedWork):
    """One message of a rule (or its events, while it collects them), sent once under a
    lease by the send_notification task, retried on 429/5xx/timeouts, failed visibly.

    Until it is first claimed (`closed`), events of its rule join it; the claim closes it,
    and what it says is written into `content` then, so that retries send the same message
    with the same `idempotency_key`."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded (rule or channel disabled)"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="notifications")
    rule = models.ForeignKey(
        NotificationRule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # Sent with every attempt (Idempotency-Key header, e-mail Message-ID): a receiver can
    # drop a repeat after a reply that was lost.
    idempotency_key = models.CharField(max_length=64, unique=True)
    # Set by the first claim: no event joins it after.
    closed = models.BooleanField(default=False)
    title = models.CharField(max_length=255, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    content = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Events join the one open notification of their rule.
            models.UniqueConstraint(
                fields=["rule"],
                condition=models.Q(status="pending", closed=False),
                name="notification_one_collecting_per_rule",
            )
        ]
        indexes = [
            # The sweep's stale work; the pages' lists by status.
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            # A rule's last message (its cooldown).
            models.Index(fields=["rule", "sent_at"], name="notification_rule_sent"),
        ]

    def __str__(self) -> str:
        return f"notification {self.pk}: {self.title or 'collecting'} ({self.get_status_display()})"


class NotificationEvent(models.Model):
    """Something a rule tells of, in the notification that carries it."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="events")
    rule = models.ForeignKey(NotificationRule, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=NotificationRule.Event.choices)
    pattern = models.ForeignKey(
        LogPattern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the event says beyond the pattern: ticket key and error, the stall, the summary.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # Whether a rule told of a pattern's crossing within its window already.
            models.Index(fields=["rule", "pattern", "kind", "created_at"], name="notif_event_seen"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for pattern {self.pattern_id}"


class WatchedCondition(models.Model):
    """A site-wide condition the notification sweep watches (ingest stalled, a provider
    down): told when it starts and when it ends, not at every check."""

    key = models.CharField(max_length=200, unique=True)
    active = models.BooleanField(default=False)
    since = models.DateTimeField(null=True, blank=True)
    detail = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {'active' if self.active else 'clear'}"


class Runbook(models.Model):
    """An admin's how-to for a kind of problem, in markdown, matched to patterns by service,
    host, place (integrations.scope) and words of the template; an investigating model
    reads the matching ones (integrations.tools.FIND_RUNBOOKS), operators see them on the
    pattern page."""

    title = models.CharField(max_length=200)
    body = models.TextField(
        max_length=20_000, help_text="Markdown. Raw HTML is not rendered; links are."
    )
    services = services_field()
    hosts = hosts_field()
    places = places_field()
    template_words = template_words_field()
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.services.strip() or self.hosts.strip() or self.places.strip()
                or self.template_words.strip()):  # fmt: skip
            raise ValidationError(
                "Name at least one service, host, place or template word: a runbook for "
                "every pattern helps none."
            )

    def words(self) -> list[str]:
        return scope_words(self.template_words)


class RemediationAction(models.Model):
    """An HTTP request an admin allows an investigation to propose and an operator to run:
    an AWX/Ansible Tower job template launch, a Rundeck job, a Node-RED flow, a PLC
    gateway's API. Its body is JSON whose string values may hold placeholders
    (integrations.remediation.render); the URL takes none."""

    class Method(models.TextChoices):
        POST = "POST", "POST"
        PUT = "PUT", "PUT"
        PATCH = "PATCH", "PATCH"

    name = models.SlugField(
        max_length=100, unique=True, help_text="What the model proposes it by: restart_line_3."
    )
    description = models.CharField(
        max_length=500, help_text="What it does and when it helps; the model reads this."
    )
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.POST)
    url = models.URLField(max_length=500, help_text="http(s); no placeholders.")
    headers = models.JSONField(
        default=dict, blank=True, help_text='Header names to values, no secrets: {"X-Site": "a"}.'
    )
    secret_header = models.CharField(
        max_length=100, blank=True, default="Authorization",
        help_text="The header the secret goes in.",
    )  # fmt: skip
    secret_env = models.CharField(
        "secret environment variable", max_length=100, blank=True,
        help_text="The worker's environment variable holding the header's value "
        "(Bearer …); never stored here.",
    )  # fmt: skip
    body = models.TextField(
        max_length=10_000, blank=True,
        help_text='JSON; placeholders in string values: {"extra_vars": {"host": '
        '"{{ pattern.host }}"}}. See README for the names.',
    )  # fmt: skip
    services = services_field()
    hosts = hosts_field()
    places = places_field()
    template_words = template_words_field()
    cooldown_minutes = models.PositiveIntegerField(
        default=60, help_text="After a run for a pattern, no other run for it this long."
    )
    max_concurrent_runs = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)]
    )
    timeout_seconds = models.FloatField(
        default=15.0, validators=[MinValueValidator(1.0), MaxValueValidator(120.0)]
    )
    dry_run = models.BooleanField(
        default=True,
        help_text="Approved runs record the request they would send and send nothing. "
        "Turn off once the rendered request looks right.",
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from integrations.remediation.render import body_problem

        problems: dict[str, str] = {}
        if self.secret_env and (problem := secret_env_problem(self.secret_env)):
            problems["secret_env"] = problem
        if "{{" in self.url or "{%" in self.url:
            problems["url"] = "The URL takes no placeholders; put values in the body."
        if not isinstance(self.headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.headers.items()
        ):
            problems["headers"] = "A JSON object of header names to text values."
        if self.body and (problem := body_problem(self.body)):
            problems["body"] = problem
        if problems:
            raise ValidationError(problems)

    def resolved_secret(self) -> str:
        return secret_env_read(self.secret_env, field="secret_env") if self.secret_env else ""


class ActionProposal(models.Model):
    """An investigation's proposal to run an action for a pattern, the operator's decision,
    and the run: what was sent (secret masked), what came back, how it ended."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved, about to run"
        REJECTED = "rejected", "Rejected"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        DRY_RUN = "dry_run", "Dry run recorded"

    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="+")
    analysis = models.ForeignKey(
        Analysis, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.ForeignKey(
        RemediationAction, on_delete=models.PROTECT, related_name="proposals"
    )
    reason = models.TextField(max_length=1000, help_text="The model's reason, as it gave it.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_by_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    request = models.JSONField(null=True, blank=True, help_text="Sent, or in a dry run would be.")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("approve_action", "Can approve and reject remediation actions")]
        indexes = [
            # The pattern page's proposals, newest first; cooldown: an action's recent runs.
            models.Index(fields=["pattern", "created_at"], name="actionproposal_pattern"),
            models.Index(fields=["action", "status"], name="actionproposal_action"),
        ]

    def __str__(self) -> str:
        return f"{self.action_id} for pattern {self.pattern_id}: {self.status}"
