from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from analysis.forms import EDITABLE_FIELDS, ProviderForm
from analysis.models import Analysis, Provider, ProviderCall
from analysis.provider_config import provider_save
from analysis.selectors import active_analysis
from analysis.services import analysis_cancel, analysis_request, analysis_retry, provider_test
from gogent.adminbase import AuditedAdmin, ReadOnlyAdmin
from gogent.errors import StateRefused


@admin.register(Provider)
class ProviderAdmin(AuditedAdmin):
    form = ProviderForm
    list_display = [
        "name", "kind", "model", "enabled", "is_default", "fallback_order", "limits", "health",
        "key_stored",
    ]  # fmt: skip
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "model"]
    readonly_fields = [
        "last_success_at", "last_error_at", "last_error", "paused_until", "pause_reason",
        "next_slot_at", "tools_refused_model", "created_at", "updated_at",
    ]  # fmt: skip
    fieldsets = [
        ("Endpoint", {"fields": ["name", "kind", "base_url", "model", "api_version",
                                 "account_id"]}),
        ("Credentials", {"fields": ["api_key", "clear_api_key", "api_key_env", "tenant_id",
                                    "client_id"]}),
        ("Limits", {"fields": ["timeout_seconds", "requests_per_minute", "tokens_per_minute",
                               "max_concurrent", "max_tokens", "cost_per_million_input",
                               "cost_per_million_output"]}),
        ("Budgets", {"fields": ["budget_tokens_per_day", "budget_tokens_per_month",
                                "budget_cost_per_day", "budget_cost_per_month"],
                     "description": "Past a budget, analyses move down the chain (then to the "
                     "offline analyzer) until the day or month renews."}),
        ("Investigation", {"fields": ["tools_enabled", "investigation_max_steps",
                                      "investigation_max_tokens"]}),
        ("Chain", {"fields": ["enabled", "is_default", "fallback_order"]}),
        ("Health", {"fields": readonly_fields}),
    ]  # fmt: skip
    actions = ["test_connection"]

    def get_fieldsets(self, request: HttpRequest, obj: Provider | None = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        # A view-only page shows every field's stored value as text; the key must not be one.
        return [
            (name, {**options, "fields": [
                "key_stored" if field == "api_key" else field
                for field in options["fields"] if field != "clear_api_key"
            ]})
            for name, options in fieldsets
        ]  # fmt: skip

    @admin.display(description="limits (rpm / tpm / concurrent)")
    def limits(self, provider: Provider) -> str:
        values = (provider.requests_per_minute, provider.tokens_per_minute, provider.max_concurrent)
        return " / ".join(str(value) if value else "-" for value in values)

    @admin.display(description="health")
    def health(self, provider: Provider) -> str:
        now = timezone.now()
        parts = []
        if provider.last_success_at:
            parts.append(f"ok {timesince(provider.last_success_at, now)} ago")
        if provider.last_error_at:
            parts.append(f"error {timesince(provider.last_error_at, now)} ago")
        if provider.paused_until and provider.paused_until > now:
            parts.append(f"paused until {timezone.localtime(provider.paused_until):%H:%M:%S}")
        return format_html(
            '<span title="{}">{}</span>', provider.last_error, " · ".join(parts) or "-"
        )

    @admin.display(description="key stored", boolean=True)
    def key_stored(self, provider: Provider) -> bool:
        return bool(provider.api_key)

    def save_model(self, request: HttpRequest, obj: Provider, form, change: bool) -> None:
        # Only the form's columns: a worker may have written limiter state meanwhile.
        provider_save(provider=obj, fields=EDITABLE_FIELDS if change else None)

    # Change permission: the test sends the stored secret to the configured address.
    @admin.action(description="Test connection", permissions=["change"])
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        # Plain strings: Django escapes messages, and the detail may be remote text.
        for provider in queryset:
            check = provider_test(provider=provider)
            if check.ok:
                messages.success(
                    request, f"✓ {provider.name}: {check.latency_ms} ms — {check.detail}"
                )
            else:
                messages.error(request, f"✗ {provider.name}: {check.detail}")


@admin.register(Analysis)
class AnalysisAdmin(ReadOnlyAdmin):
    list_display = [
        "id", "pattern_link", "status", "trigger", "source", "attempts", "latency",
        "tokens", "created_at", "finished_at", "short_error",
    ]  # fmt: skip
    list_filter = ["status", "trigger", "is_offline", "provider_name"]
    list_select_related = ["pattern"]
    search_fields = ["pattern__template"]
    ordering = ["-created_at"]
    show_full_result_count = False
    readonly_fields = [
        "pattern_link", "status", "trigger", "requested_by", "source", "attempts", "error",
        "summary", "probable_cause", "impact", "recommended_actions", "severity",
        "ticket_recommendation", "confidence", "raw_reply_text", "thinking_text",
        "prompt_version", "tokens_in", "tokens_out", "latency", "cost_estimate",
        "created_at", "started_at", "finished_at", "next_attempt_at", "published_at",
        "publish_pending", "rung", "rung_reason",
    ]  # fmt: skip
    fieldsets = [
        ("Request", {"fields": ["pattern_link", "status", "trigger", "requested_by", "attempts",
                                "error"]}),
        ("Result", {"fields": ["summary", "probable_cause", "impact", "recommended_actions",
                               "severity", "ticket_recommendation", "confidence"]}),
        ("Source", {"fields": ["source", "rung", "rung_reason", "prompt_version", "tokens_in",
                               "tokens_out", "latency", "cost_estimate"]}),
        ("Reply", {"fields": ["raw_reply_text", "thinking_text"]}),
        ("Times", {"fields": ["created_at", "started_at", "finished_at", "next_attempt_at",
                              "publish_pending", "published_at"]}),
    ]  # fmt: skip
    actions = ["retry", "cancel", "analyze_again"]

    def has_operate_permission(self, request: HttpRequest) -> bool:
        # The operator role's permission (gogent.roles), the same the console checks.
        return request.user.has_perm("analysis.request_analysis")

    @admin.display(description="pattern", ordering="pattern__template")
    def pattern_link(self, analysis: Analysis) -> str:
        url = reverse("admin:logs_logpattern_change", args=[analysis.pattern_id])
        return format_html('<a href="{}">{}</a>', url, analysis.pattern.template[:80])

    @admin.display(description="source")
    def source(self, analysis: Analysis) -> str | None:
        return analysis.source_label or None

    @admin.display(description="latency", ordering="latency_ms")
    def latency(self, analysis: Analysis) -> str | None:
        return f"{analysis.latency_ms} ms" if analysis.latency_ms is not None else None

    @admin.display(description="tokens (in + out)")
    def tokens(self, analysis: Analysis) -> str | None:
        if analysis.tokens_in is None and analysis.tokens_out is None:
            return None
        return f"{analysis.tokens_in or 0} + {analysis.tokens_out or 0}"

    @admin.display(description="error")
    def short_error(self, analysis: Analysis) -> str:
        return analysis.error[:120]

    def _result(self, analysis: Analysis, key: str) -> Any:
        result = analysis.result
        return result.get(key) if isinstance(result, dict) else None

    @admin.display(description="summary")
    def summary(self, analysis: Analysis) -> str | None:
        return self._result(analysis, "summary")

    @admin.display(description="probable cause")
    def probable_cause(self, analysis: Analysis) -> str | None:
        return self._result(analysis, "probable_cause")

    @admin.display(description="impact")
    def impact(self, analysis: Analysis) -> str | None:
        return self._result(analysis, "impact")

    @admin.display(description="recommended actions")
    def recommended_actions(self, analysis: Analysis) -> str | None:
        actions = self._result(analysis, "recommended_actions")
        if not isinstance(actions, list) or not actions:
            return None
        items = format_html_join("", "<li>{}</li>", ((action,) for action in actions))
        return format_html("<ol>{}</ol>", items)

    @admin.display(description="severity")
    def severity(self, analysis: Analysis) -> str | None:
        return self._result(analysis, "severity")

    @admin.display(description="ticket")
    def ticket_recommendation(self, analysis: Analysis) -> str | None:
        recommended = self._result(analysis, "ticket_recommended")
        if recommended is None:
            return None
        if not recommended:
            return "not recommended"
        priority = self._result(analysis, "ticket_priority")
        return f"recommended, priority {priority}" if priority else "recommended"

    @admin.display(description="confidence")
    def confidence(self, analysis: Analysis) -> str | None:
        confidence = self._result(analysis, "confidence")
        return f"{confidence:.0%}" if isinstance(confidence, int | float) else None

    @admin.display(description="raw reply")
    def raw_reply_text(self, analysis: Analysis) -> str | None:
        return _pre(analysis.raw_reply)

    @admin.display(description="thinking")
    def thinking_text(self, analysis: Analysis) -> str | None:
        return _pre(analysis.thinking)

    @admin.action(description="Retry", permissions=["operate"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Analysis]) -> None:
        done = 0
        for analysis in queryset:
            try:
                analysis_retry(analysis=analysis, user=request.user)
            except StateRefused as error:
                messages.error(request, str(error))
            else:
                done += 1
        if done:
            messages.success(request, f"Queued {_analyses(done)} again.")

    @admin.action(description="Cancel", permissions=["operate"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Analysis]) -> None:
        done = 0
        for analysis in queryset:
            try:
                analysis_cancel(analysis=analysis, user=request.user)
            except StateRefused as error:
                messages.error(request, str(error))
            else:
                done += 1
        if done:
            messages.success(request, f"Cancelled {_analyses(done)}.")

    @admin.action(description="Analyze the pattern again", permissions=["operate"])
    def analyze_again(self, request: HttpRequest, queryset: QuerySet[Analysis]) -> None:
        queued = 0
        patterns = {analysis.pattern_id: analysis.pattern for analysis in queryset}
        for pattern in patterns.values():
            busy = active_analysis(pattern.pk)
            if busy is not None:
                messages.warning(
                    request, f"Pattern {pattern.pk} has analysis {busy.pk} {busy.status} already."
                )
                continue
            analysis_request(pattern=pattern, trigger=Analysis.Trigger.OPERATOR, user=request.user)
            queued += 1
        if queued:
            messages.success(request, f"Queued {_analyses(queued, 'new ')}.")


def _analyses(count: int, adjective: str = "") -> str:
    return f"{count} {adjective}{'analysis' if count == 1 else 'analyses'}"


def _pre(text: str) -> str | None:
    if not text:
        return None
    return format_html('<pre class="text">{}</pre>', text)  # gogent/static/gogent/admin.css


@admin.register(ProviderCall)
class ProviderCallAdmin(ReadOnlyAdmin):
    list_display = ["provider", "started_at", "finished_at", "tokens", "outcome", "analysis"]
    list_filter = ["provider", "outcome"]
    list_select_related = ["provider"]
    raw_id_fields = ["analysis"]
    ordering = ["-started_at"]
    show_full_result_count = False
