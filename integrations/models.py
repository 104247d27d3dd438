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
from logs.models import LogPattern, Severity

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
    services = models.CharField(
        max_length=500,
        blank=True,
        help_text="Comma-separated service names, * and ? allowed (line-*). Blank: any.",
    )
    hosts = models.CharField(
        max_length=500, blank=True, help_text="Comma-separated host names, * and ? allowed."
    )
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
