from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gogent.adminbase import AuditedAdmin, ReadOnlyAdmin
from gogent.errors import StateRefused
from integrations.forms import (
    ChannelForm,
    IntegrationForm,
    NotificationRuleForm,
    RemediationActionForm,
    TicketRuleForm,
)
from integrations.models import (
    ActionProposal,
    Channel,
    Integration,
    Notification,
    NotificationRule,
    RemediationAction,
    Runbook,
    Ticket,
    TicketRule,
)
from integrations.notifications import channel_save, channel_test, notification_retry
from integrations.notifications.channels import mask_url
from integrations.remediation.render import NAMES as BODY_NAMES
from integrations.runbooks import runbook_html
from integrations.services import (
    integration_save,
    integration_test,
    ticket_approve,
    ticket_discard,
    ticket_retry,
)


@admin.register(Integration)
class IntegrationAdmin(AuditedAdmin):
    form = IntegrationForm
    list_display = [
        "name", "kind", "enabled", "target", "on_recurrence", "health", "secret_stored",
    ]  # fmt: skip
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "project_key", "table"]
    readonly_fields = [
        "last_success_at", "last_error_at", "last_error", "auth_failed_at", "paused_until",
        "created_at", "updated_at",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["name", "kind", "enabled", "base_url", "instance",
                           "timeout_seconds"]}),
        ("Credentials", {"fields": ["auth", "username", "secret", "clear_secret", "secret_env",
                                    "client_id", "client_secret", "clear_client_secret",
                                    "client_secret_env"]}),
        ("Jira", {"fields": ["project_key", "issue_type", "labels", "reopen_transition"]}),
        ("ServiceNow", {"fields": ["table", "assignment_group", "category"]}),
        ("Tickets", {"fields": ["priority_map", "plant_fields", "on_recurrence",
                                "resolve_pattern_on_close"]}),
        ("Health", {"fields": readonly_fields}),
    ]  # fmt: skip
    actions = ["test_connection"]

    def get_fieldsets(self, request: HttpRequest, obj: Integration | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # A view-only page shows stored values as text; secrets must not be among them.
        hidden = {"clear_secret", "clear_client_secret"}
        shown = {"secret": "secret_stored", "client_secret": "client_secret_stored"}
        return [
            (name, {**options, "fields": [
                shown.get(field, field) for field in options["fields"] if field not in hidden
            ]})
            for name, options in fieldsets
        ]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Integration | None = None) -> list:
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields += ["secret_stored", "client_secret_stored"]
        return fields

    @admin.display(description="project / table")
    def target(self, integration: Integration) -> str:
        if integration.kind == Integration.Kind.JIRA:
            return integration.project_key
        return integration.table

    @admin.display(description="health")
    def health(self, integration: Integration) -> str:
        if integration.auth_failed_at:
            state = "credentials refused"
        elif integration.last_error_at and (
            not integration.last_success_at
            or integration.last_error_at > integration.last_success_at
        ):
            state = "error"
        elif integration.last_success_at:
            state = "ok"
        else:
            state = "-"
        return format_html('<span title="{}">{}</span>', integration.last_error, state)

    @admin.display(description="secret stored", boolean=True)
    def secret_stored(self, integration: Integration) -> bool:
        return bool(integration.secret)

    @admin.display(description="client secret stored", boolean=True)
    def client_secret_stored(self, integration: Integration) -> bool:
        return bool(integration.client_secret)

    def save_model(self, request: HttpRequest, obj: Integration, form, change: bool) -> None:
        integration_save(integration=obj)

    # Change permission: the test sends the stored secret to the configured address.
    @admin.action(description="Test connection", permissions=["change"])
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Integration]) -> None:
        # Plain strings: Django escapes messages, and the detail may be remote text.
        for integration in queryset:
            check = integration_test(integration=integration)
            if check.ok:
                messages.success(
                    request, f"✓ {integration.name}: {check.latency_ms} ms — {check.detail}"
                )
            else:
                messages.error(request, f"✗ {integration.name}: {check.detail}")


@admin.register(TicketRule)
class TicketRuleAdmin(AuditedAdmin):
    form = TicketRuleForm
    list_display = [
        "name", "integration", "enabled", "min_severity", "min_occurrences", "window_minutes",
        "require_recommendation", "min_confidence", "accept_offline", "act_on_model_judgement",
        "cooldown_minutes",
    ]  # fmt: skip
    list_filter = ["enabled", "integration", "accept_offline", "act_on_model_judgement"]
    list_select_related = ["integration"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "integration", "enabled"]}),
        ("When", {"fields": ["min_severity", "min_occurrences", "window_minutes",
                             "require_recommendation", "min_confidence", "accept_offline",
                             "act_on_model_judgement", "services", "hosts", "places"]}),
        ("How often", {"fields": ["cooldown_minutes"]}),
    ]  # fmt: skip


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "key_link", "integration", "pattern_link", "status", "action", "origin",
        "created_at", "short_error",
    ]  # fmt: skip
    list_filter = ["status", "integration"]
    list_select_related = ["integration", "pattern", "rule", "created_by"]
    search_fields = ["external_key", "title", "pattern__template"]
    ordering = ["-created_at"]
    show_full_result_count = False
    readonly_fields = [
        "key_link", "integration", "pattern_link", "analysis", "status", "action", "origin",
        "reason", "draft_reason", "title", "remote_status", "error", "attempts",
        "next_attempt_at", "ambiguous_create_at", "comments", "reopened", "correlation_id",
        "duplicate_of",
        "created_at", "opened_at", "last_action_at", "closed_at", "synced_at",
    ]  # fmt: skip
    fields = readonly_fields
    actions = ["approve", "discard", "retry"]

    def has_review_permission(self, request: HttpRequest) -> bool:
        # The operator role's permissions (gogent.roles), the same the console checks.
        return request.user.has_perm("integrations.review_draft")

    def has_open_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("integrations.open_ticket")

    @admin.display(description="ticket", ordering="external_key")
    def key_link(self, ticket: Ticket) -> str:
        if not ticket.url:
            return ticket.external_key or "-"
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>', ticket.url, ticket.external_key
        )

    @admin.display(description="pattern", ordering="pattern__template")
    def pattern_link(self, ticket: Ticket) -> str:
        url = reverse("admin:logs_logpattern_change", args=[ticket.pattern_id])
        return format_html('<a href="{}">{}</a>', url, ticket.pattern.template[:80])

    @admin.display(description="by")
    def origin(self, ticket: Ticket) -> str:
        if ticket.rule_id:
            return f"rule: {ticket.rule.name}"
        return ticket.created_by.get_username() if ticket.created_by_id else "-"

    @admin.display(description="error")
    def short_error(self, ticket: Ticket) -> str:
        return ticket.error[:120]

    @admin.action(description="Approve draft", permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._each(request, queryset, lambda t: ticket_approve(ticket=t, user=request.user),
                   "Approved")  # fmt: skip

    @admin.action(description="Discard draft", permissions=["review"])
    def discard(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._each(
            request, queryset,
            lambda t: ticket_discard(ticket=t, user=request.user, reason="discarded in admin"),
            "Discarded",
        )  # fmt: skip

    @admin.action(description="Retry failed ticket", permissions=["open"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._each(request, queryset, lambda t: ticket_retry(ticket=t, user=request.user),
                   "Queued again")  # fmt: skip

    def _each(self, request: HttpRequest, queryset: QuerySet[Ticket], act, done: str) -> None:
        count = 0
        for ticket in queryset:
            try:
                act(ticket)
            except StateRefused as error:
                messages.error(request, str(error))
            else:
                count += 1
        if count:
            messages.success(request, f"{done}: {count} ticket{'s' if count != 1 else ''}.")


@admin.register(Channel)
class ChannelAdmin(AuditedAdmin):
    """Secrets (the webhook URL, signing secret, SMTP password) are write-only: the list and
    view-only pages show whether one is stored and, for a URL, its host only."""

    form = ChannelForm
    change_form_template = "admin/integrations/channel/change_form.html"
    list_display = ["name", "kind", "enabled", "target", "health", "secret_stored"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "smtp_host", "email_to"]
    readonly_fields = [
        "last_success_at", "last_error_at", "last_error", "paused_until", "created_at",
        "updated_at",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["name", "kind", "enabled", "timeout_seconds"]}),
        ("Slack, Teams and webhooks", {"fields": ["url", "clear_url", "url_env",
                                                  "signing_secret", "clear_signing_secret",
                                                  "signing_secret_env"]}),
        ("E-mail", {"fields": ["smtp_host", "smtp_port", "smtp_security", "smtp_username",
                               "smtp_password", "clear_smtp_password", "smtp_password_env",
                               "email_from", "email_to"]}),
        ("Health", {"fields": readonly_fields}),
    ]  # fmt: skip
    actions = ["send_test"]
    SECRETS = ("url", "signing_secret", "smtp_password")

    def get_fieldsets(self, request: HttpRequest, obj: Channel | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # A view-only page shows stored values as text; secrets must not be among them.
        hidden = {f"clear_{name}" for name in self.SECRETS}
        shown = {name: f"{name}_stored" for name in self.SECRETS}
        return [
            (name, {**options, "fields": [
                shown.get(field, field) for field in options["fields"] if field not in hidden
            ]})
            for name, options in fieldsets
        ]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Channel | None = None) -> list:
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields += [f"{name}_stored" for name in self.SECRETS]
        return fields

    @admin.display(description="target")
    def target(self, channel: Channel) -> str:
        if channel.kind == Channel.Kind.EMAIL:
            return f"{channel.smtp_host}:{channel.smtp_port} → {channel.email_to}"
        if channel.url_env:
            return f"${channel.url_env}"
        if isinstance(channel.url, str) and channel.url:
            return mask_url(channel.url)
        return "-"

    @admin.display(description="health")
    def health(self, channel: Channel) -> str:
        if channel.last_error_at and (
            not channel.last_success_at or channel.last_error_at > channel.last_success_at
        ):
            state = "error"
        elif channel.last_success_at:
            state = "ok"
        else:
            state = "-"
        return format_html('<span title="{}">{}</span>', channel.last_error, state)

    @admin.display(description="secret stored", boolean=True)
    def secret_stored(self, channel: Channel) -> bool:
        return bool(channel.url or channel.smtp_password or channel.signing_secret)

    @admin.display(description="webhook URL stored", boolean=True)
    def url_stored(self, channel: Channel) -> bool:
        return bool(channel.url)

    @admin.display(description="signing secret stored", boolean=True)
    def signing_secret_stored(self, channel: Channel) -> bool:
        return bool(channel.signing_secret)

    @admin.display(description="SMTP password stored", boolean=True)
    def smtp_password_stored(self, channel: Channel) -> bool:
        return bool(channel.smtp_password)

    def save_model(self, request: HttpRequest, obj: Channel, form, change: bool) -> None:
        channel_save(channel=obj)

    # Change permission: the test sends the stored secret to the configured address.
    # The channel page's button posts this action for its channel, and comes back there.
    @admin.action(description="Send test message", permissions=["change"])
    def send_test(
        self, request: HttpRequest, queryset: QuerySet[Channel]
    ) -> HttpResponseRedirect | None:
        channels = list(queryset)
        for channel in channels:
            self._report_test(request, channel)
        if request.POST.get("_from_change_page") and len(channels) == 1:
            return HttpResponseRedirect(
                reverse("admin:integrations_channel_change", args=[channels[0].pk])
            )
        return None

    def _report_test(self, request: HttpRequest, channel: Channel) -> None:
        # Plain strings: Django escapes messages, and the detail may be remote text.
        check = channel_test(channel=channel)
        if check.ok:
            messages.success(
                request, f"✓ {channel.name}: test message sent in {check.latency_ms} ms — "
                f"{check.detail}",
            )  # fmt: skip
        else:
            messages.error(request, f"✗ {channel.name}: test message not sent — {check.detail}")


@admin.register(NotificationRule)
class NotificationRuleAdmin(AuditedAdmin):
    form = NotificationRuleForm
    list_display = [
        "name", "channel", "enabled", "event_list", "min_severity", "group_seconds",
        "cooldown_minutes",
    ]  # fmt: skip
    list_filter = ["enabled", "channel"]
    list_select_related = ["channel"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "channel", "enabled", "events"]}),
        ("Which patterns", {"fields": ["min_severity", "services", "hosts", "places"]}),
        ("Threshold event", {"fields": ["threshold_count", "threshold_minutes"]}),
        ("How often", {"fields": ["group_seconds", "cooldown_minutes"]}),
    ]  # fmt: skip

    @admin.display(description="events")
    def event_list(self, rule: NotificationRule) -> str:
        labels = dict(NotificationRule.Event.choices)
        return ", ".join(labels.get(e, e).split(" (")[0] for e in rule.events or [])


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "title_or_collecting", "channel", "rule", "status", "event_count", "attempts",
        "created_at", "sent_at", "short_error",
    ]  # fmt: skip
    list_filter = ["status", "channel"]
    list_select_related = ["channel", "rule"]
    search_fields = ["title"]
    ordering = ["-created_at"]
    show_full_result_count = False
    readonly_fields = [
        "title", "channel", "rule", "status", "event_count", "attempts", "error",
        "idempotency_key", "next_attempt_at", "created_at", "sent_at", "updated_at",
    ]  # fmt: skip
    fields = readonly_fields
    actions = ["retry"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("integrations.change_channel")

    @admin.display(description="message")
    def title_or_collecting(self, notification: Notification) -> str:
        return notification.title or f"(collecting {notification.event_count} events)"

    @admin.display(description="error")
    def short_error(self, notification: Notification) -> str:
        return notification.error[:120]

    @admin.action(description="Send failed notification again", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = 0
        for notification in queryset:
            try:
                notification_retry(notification=notification, user=request.user)
            except StateRefused as error:
                messages.error(request, str(error))
            else:
                count += 1
        if count:
            messages.success(request, f"Queued again: {count} notification{'s' * (count != 1)}.")


# Maintenance windows register their own admin pages.
@admin.register(Runbook)
class RunbookAdmin(AuditedAdmin):
    list_display = ["title", "enabled", "services", "hosts", "places", "template_words",
                    "updated_at"]  # fmt: skip
    list_filter = ["enabled"]
    search_fields = ["title", "body"]
    readonly_fields = ["preview", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "enabled", "body"]}),
        ("Matches patterns with", {
            "fields": ["services", "hosts", "places", "template_words"],
            "description": "Every field set must fit the pattern; the investigation and "
            "the pattern page show the most specific runbooks first.",
        }),
        ("Preview", {"fields": ["preview", "created_at", "updated_at"]}),
    ]  # fmt: skip

    @admin.display(description="as shown")
    def preview(self, runbook: Runbook) -> str:
        # Sanitized (integrations.runbooks.runbook_html): formatting tags and plain links.
        return format_html('<div class="runbook">{}</div>', mark_safe(runbook_html(runbook.body)))  # noqa: S308


@admin.register(RemediationAction)
class RemediationActionAdmin(AuditedAdmin):
    form = RemediationActionForm
    list_display = ["name", "enabled", "dry_run", "method", "url", "cooldown_minutes",
                    "max_concurrent_runs", "updated_at"]  # fmt: skip
    list_filter = ["enabled", "dry_run"]
    search_fields = ["name", "description"]
    fieldsets = [
        (None, {"fields": ["name", "description", "enabled", "dry_run"]}),
        ("Request", {
            "fields": ["method", "url", "headers", "secret_header", "secret_env", "body",
                       "timeout_seconds"],
            "description": "Body placeholders (inside JSON strings): "
            + ", ".join("{{ %s }}" % name for name in BODY_NAMES),  # noqa: UP031
        }),
        ("Scope", {"fields": ["services", "hosts", "places", "template_words"]}),
        ("Limits", {"fields": ["cooldown_minutes", "max_concurrent_runs"]}),
    ]  # fmt: skip


@admin.register(ActionProposal)
class ActionProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "action", "pattern", "status", "decided_by_label", "created_at",
                    "response_status"]  # fmt: skip
    list_filter = ["status", "action"]
    list_select_related = ["action", "pattern"]
    raw_id_fields = ["pattern", "analysis"]
    ordering = ["-created_at"]


import integrations.maintenance.admin  # noqa: E402, F401
