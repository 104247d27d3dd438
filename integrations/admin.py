from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from gogent.adminbase import AuditedAdmin, ReadOnlyAdmin
from gogent.errors import StateRefused
from integrations.forms import IntegrationForm, TicketRuleForm
from integrations.models import Integration, Ticket, TicketRule
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
        ("Tickets", {"fields": ["priority_map", "on_recurrence", "resolve_pattern_on_close"]}),
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
                             "act_on_model_judgement", "services", "hosts"]}),
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
