from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from analysis.providers import DEFAULT_BASE_URLS
from analysis.providers.messages import LLMError, ProviderConfig
from gogent.encryption import EncryptedTextField, SecretUndecryptable, secret_readable
from gogent.leases import LeasedWork
from gogent.secrets_env import SecretEnvRefused, secret_env_problem, secret_env_read
from logs.models import LogPattern


class Provider(models.Model):
    """An LLM endpoint and its limits. Secrets are write-only: stored, never shown."""

    class Kind(models.TextChoices):
        OLLAMA = "ollama", "Ollama"
        OPENAI = "openai", "OpenAI"
        AZURE_OPENAI = "azure_openai", "Azure OpenAI (API key)"
        AZURE_AD = "azure_ad", "Azure OpenAI (Entra ID)"
        CLOUDFLARE = "cloudflare", "Cloudflare Workers AI"
        GEMINI = "gemini", "Google Gemini"
        ANTHROPIC = "anthropic", "Anthropic"
        DEEPSEEK = "deepseek", "DeepSeek"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OLLAMA)
    base_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Blank: the kind's public endpoint. Azure: the deployment URL "
        "(https://<resource>.openai.azure.com/openai/deployments/<deployment>).",
    )
    model = models.CharField(max_length=200, default="deepseek-r1:1.5b")
    # Stored encrypted (gogent.encryption).
    api_key = EncryptedTextField(
        blank=True,
        help_text="API key, or the client secret for Entra ID. Write-only: never shown again.",
    )
    api_key_env = models.CharField(
        "API key environment variable",
        max_length=100,
        blank=True,
        help_text="Read the key from this environment variable of the worker instead.",
    )
    api_version = models.CharField(max_length=40, blank=True, help_text="Azure api-version.")
    tenant_id = models.CharField("Entra tenant id", max_length=100, blank=True)
    client_id = models.CharField("Entra client id", max_length=100, blank=True)
    account_id = models.CharField("Cloudflare account id", max_length=100, blank=True)
    timeout_seconds = models.FloatField(
        default=30.0, validators=[MinValueValidator(1.0), MaxValueValidator(600.0)]
    )
    requests_per_minute = models.PositiveIntegerField(
        null=True, blank=True, default=60, help_text="Blank: no limit."
    )
    tokens_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="Prompt and reply tokens together. Blank: no limit."
    )
    max_concurrent = models.PositiveSmallIntegerField(
        "concurrent calls", null=True, blank=True, default=2, help_text="Blank: no limit."
    )
    max_tokens = models.PositiveIntegerField("reply token budget", default=1024)
    cost_per_million_input = models.DecimalField(
        max_digits=10, decimal_places=4, default=Decimal(0), help_text="For the cost estimate."
    )
    cost_per_million_output = models.DecimalField(
        max_digits=10, decimal_places=4, default=Decimal(0)
    )
    # Hard budgets (analysis.budgets): past one, work moves down the fallback chain until
    # the period renews. Days and months are the calendar's in settings.TIME_ZONE.
    budget_tokens_per_day = models.PositiveBigIntegerField(
        "tokens per day", null=True, blank=True, help_text="Blank: no budget."
    )
    budget_tokens_per_month = models.PositiveBigIntegerField(
        "tokens per month", null=True, blank=True, help_text="Blank: no budget."
    )
    budget_cost_per_day = models.DecimalField(
        "cost per day", max_digits=12, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="In the currency of the prices above. Blank: no budget.",
    )  # fmt: skip
    budget_cost_per_month = models.DecimalField(
        "cost per month", max_digits=12, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))], help_text="Blank: no budget.",
    )  # fmt: skip
    # The investigation (analysis.investigation): tool calls where the API supports them.
    tools_enabled = models.BooleanField(
        "investigate with tools",
        default=True,
        help_text="Let the model call Gogent's read-only tools where its API supports them; "
        "off: one prompt, one answer.",
    )
    # The model its API said cannot take tools: it gets the single prompt until the model
    # changes (analysis.investigation).
    tools_refused_model = models.CharField(max_length=200, blank=True, editable=False)
    investigation_max_steps = models.PositiveSmallIntegerField(
        "steps per investigation", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Model calls per investigation. Blank: ANALYSIS_INVESTIGATION_MAX_STEPS.",
    )  # fmt: skip
    investigation_max_tokens = models.PositiveIntegerField(
        "tokens per investigation", null=True, blank=True,
        validators=[MinValueValidator(1000)],
        help_text="Prompt and reply tokens of all its calls. "
        "Blank: ANALYSIS_INVESTIGATION_MAX_TOKENS.",
    )  # fmt: skip
    enabled = models.BooleanField(default=True)
    is_default = models.BooleanField("default", default=False)
    fallback_order = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Position in the fallback chain after the default provider. "
        "Blank: not used as a fallback.",
    )
    # Shared limiter state (analysis.ratelimit): the next free request slot, and a
    # pause every worker honours after a 429/503 Retry-After or a refused connection.
    next_slot_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_until = models.DateTimeField(null=True, blank=True, editable=False)
    pause_reason = models.CharField(max_length=300, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="provider_one_default",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()}, {self.model})"

    def clean(self) -> None:
        problem = secret_env_problem(self.api_key_env)
        if problem:
            raise ValidationError({"api_key_env": problem})

    @property
    def is_failing(self) -> bool:
        """Its latest call failed."""
        return self.last_error_at is not None and (
            self.last_success_at is None or self.last_error_at > self.last_success_at
        )

    @property
    def has_secret(self) -> bool:
        return bool(self.api_key or self.api_key_env)

    def resolved_base_url(self) -> str:
        return (self.base_url or DEFAULT_BASE_URLS.get(self.kind, "")).rstrip("/")

    def config(self) -> ProviderConfig:
        """What the wire protocols need, with the secret read at call time. A secret that
        cannot be read (a variable the rule refuses, a key no encryption key decrypts) is
        an LLMError that retrying does not mend."""
        try:
            if self.api_key_env:
                secret = secret_env_read(self.api_key_env, field="api_key_env")
            else:
                secret = secret_readable(self.api_key)
        except (SecretEnvRefused, SecretUndecryptable) as error:
            raise LLMError(
                f"{self.name} ({self.kind}): {error}", retryable=False, kind="auth"
            ) from None
        return ProviderConfig(
            kind=self.kind,
            base_url=self.resolved_base_url(),
            model=self.model,
            secret=secret,
            timeout=self.timeout_seconds,
            api_version=self.api_version,
            tenant_id=self.tenant_id,
            client_id=self.client_id,
            authority_url=settings.AZURE_AUTHORITY_URL,
            account_id=self.account_id,
            name=self.name,
        )

    def cost_estimate(self, tokens_in: int | None, tokens_out: int | None) -> Decimal:
        million = Decimal(1_000_000)
        return (
            Decimal(tokens_in or 0) * self.cost_per_million_input
            + Decimal(tokens_out or 0) * self.cost_per_million_output
        ) / million


class ProviderCall(models.Model):
    """One request slot taken from a provider's limits: the shared sliding-window ledger.

    A slot is taken before the HTTP request and released after its reply or error, so
    the provider's arrival time lies between started_at and finished_at; the call counts
    against the per-minute limits until a window after finished_at. A worker that dies
    mid-call leaves a slot whose lease runs out, so concurrency heals by itself.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="calls")
    analysis = models.ForeignKey(
        "Analysis", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    started_at = models.DateTimeField()
    lease_until = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Estimated when the slot is taken, corrected to what the provider reported.
    tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal(0))
    outcome = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [
            # The limiter's pacing: a provider's latest call (and admin's list, newest first).
            models.Index(fields=["provider", "started_at"], name="providercall_window"),
            # The limiter: a provider's calls that ended in the last window or are in flight.
            models.Index(fields=["provider", "finished_at"], name="providercall_in_flight"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} at {self.started_at:%H:%M:%S} {self.outcome or 'in flight'}"


class ProviderSpend(models.Model):
    """What a provider's calls used on one day (settings.TIME_ZONE): the budgets' ledger
    and the dashboard's spend, kept for a year (ProviderCall rows last a day)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="spend")
    day = models.DateField()
    calls = models.PositiveIntegerField(default=0)
    tokens_in = models.PositiveBigIntegerField(default=0)
    tokens_out = models.PositiveBigIntegerField(default=0)
    # Prompt and reply together; a call whose provider reported no usage counts its estimate.
    tokens = models.PositiveBigIntegerField(default=0)
    cost = models.DecimalField(max_digits=14, decimal_places=6, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "day"], name="providerspend_day")
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} on {self.day}: {self.tokens} tokens, {self.cost}"


class Analysis(LeasedWork):
    """One request to explain a pattern, and its outcome. The row is the idempotency key."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Trigger(models.TextChoices):
        NEW_PATTERN = "new_pattern", "New pattern"
        REGRESSION = "regression", "Regression"
        ESCALATION = "escalation", "Reached the severity threshold"
        OPERATOR = "operator", "Operator request"
        REPLY = "reply", "Producer asked for a reply"
        OFFLINE_REDO = "offline_redo", "Replacing an offline analysis"

    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="analyses")
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # The provider being tried (or that answered); null with is_offline for the built-in one.
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.SET_NULL, related_name="analyses"
    )
    provider_name = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=200, blank=True)
    is_offline = models.BooleanField("offline analyzer", default=False)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="LLM calls made.")
    # Failures in a row on the current provider: drives backoff and the move to a fallback.
    provider_failures = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    text = models.TextField(blank=True, help_text="The result as plain text.")
    raw_reply = models.TextField(blank=True)
    thinking = models.TextField(blank=True)
    prompt_version = models.CharField(max_length=16, blank=True)
    tokens_in = models.PositiveIntegerField(null=True, blank=True)
    tokens_out = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    cost_estimate = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The next call repairs raw_reply (not valid JSON) instead of asking afresh.
    repair_pending = models.BooleanField(default=False)
    # A turn reserved with the provider's limiter (analysis.ratelimit): its slot time.
    turn_at = models.DateTimeField(null=True, blank=True)
    # The outbox: completed while ANALYSIS_RESULTS_SUBJECT was set, not yet on NATS.
    publish_pending = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # The rung of the fallback ladder that answered (1: the default provider, then the
    # fallbacks, the offline analyzer last) and why work came down to it.
    rung = models.PositiveSmallIntegerField(null=True, blank=True)
    rung_reason = models.CharField(max_length=500, blank=True)
    # An investigation's checkpoint (analysis.investigation.Conversation): its turns so
    # far, so a step that waits or fails resumes there. Cleared when it completes.
    conversation = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "analyses"
        permissions = [("request_analysis", "Can request, retry and cancel analyses")]
        indexes = [
            # A pattern's current analysis (latest done) and its active one.
            models.Index(
                fields=["pattern", "status", "finished_at"], name="analysis_pattern_status"
            ),
            # The queue page and the sweeper: by status, what is due.
            models.Index(fields=["status", "next_attempt_at"], name="analysis_status_due"),
            # The analyses page: one status, newest first.
            models.Index(fields=["status", "created_at"], name="analysis_status_created"),
            # The results publisher: the outbox, in the order analyses completed.
            models.Index(
                fields=["finished_at", "id"],
                condition=models.Q(publish_pending=True),
                name="analysis_outbox",
            ),
        ]

    def __str__(self) -> str:
        return f"analysis {self.pk} of pattern {self.pattern_id}: {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def source_label(self) -> str:
        if self.is_offline:
            return "offline analyzer"
        return f"{self.provider_name} · {self.model}" if self.provider_name else ""


class InvestigationStep(models.Model):
    """One step of an investigation's trace: a model call, or a tool it asked for.

    Arguments and summaries come from the model and from logs: untrusted, bounded here,
    escaped wherever shown."""

    class Kind(models.TextChoices):
        MODEL = "model", "Model call"
        TOOL = "tool", "Tool call"

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="steps")
    # Which try of the analysis (Analysis.attempts when the step began): a retry starts over.
    attempt = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    tool = models.CharField(max_length=64, blank=True)
    arguments = models.JSONField(null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    is_error = models.BooleanField(default=False)
    tokens_in = models.PositiveIntegerField(null=True, blank=True)
    tokens_out = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["analysis", "attempt", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "attempt", "number"], name="investigationstep_order"
            )
        ]

    def __str__(self) -> str:
        what = self.tool or self.get_kind_display()
        return f"analysis {self.analysis_id} step {self.attempt}.{self.number}: {what}"

    @property
    def arguments_text(self) -> str:
        return json.dumps(self.arguments, ensure_ascii=False, sort_keys=True)


class ReplyWaiter(models.Model):
    """A log that arrived with a Gogent-Reply-To header and waits for its pattern's analysis."""

    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="reply_waiters")
    reply_to = models.CharField(max_length=255)
    stream_seq = models.PositiveBigIntegerField()
    expires_at = models.DateTimeField()
    # The outbox: the analysis this log is answered with, once there is one; the
    # publisher sends it and deletes the row.
    answer = models.ForeignKey(
        "Analysis", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [
            # Replying when a pattern's analysis completes; dropping the expired.
            models.Index(fields=["pattern", "expires_at"], name="replywaiter_pattern"),
            models.Index(fields=["expires_at"], name="replywaiter_expires"),
        ]

    def __str__(self) -> str:
        return f"reply to {self.reply_to} (seq {self.stream_seq})"


class ResultsPublisher(models.Model):
    """The one row that says how publishing results and replies to NATS goes: whether NATS
    took the last attempt, and when the publisher tries again after failures (its pause).
    Shared by every worker, shown on the operations page and /metrics."""

    reachable = models.BooleanField(null=True, help_text="Unknown until the first attempt.")
    failures = models.PositiveIntegerField(default=0, help_text="Failed attempts in a row.")
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    # The first failure of the current run of failures.
    unreachable_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    published_total = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return {True: "NATS reachable", False: "NATS unreachable"}.get(
            self.reachable, "NATS not tried yet"
        )

    def paused(self, now: datetime) -> bool:
        return self.retry_at is not None and self.retry_at > now
