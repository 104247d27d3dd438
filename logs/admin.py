from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from gogent.adminbase import AuditedAdmin
from gogent.audit import Actor
from gogent.errors import StateRefused
from logs.models import (
    ContextRule,
    GroupingRule,
    LogEntry,
    LogPattern,
    LogPatternStat,
    RejectedMessage,
)
from logs.plant import plant_rules_try
from logs.services import pattern_set_status
from logs.services.corrections import grouping_rule_undo


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ingested data is written by the consumer only; admins read it."""

    show_full_result_count = False  # a COUNT(*) per page is slow on millions of rows

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj: LogPattern, form, change: bool) -> None:
        pattern_set_status(pattern=obj, status=obj.status, actor=Actor.of_user(request.user))

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["timestamp", "severity", "hostname", "service", "short_message", "pattern"]
    list_filter = ["severity"]
    list_select_related = ["pattern"]
    raw_id_fields = ["pattern"]
    search_fields = ["message", "hostname", "service"]
    date_hierarchy = "timestamp"
    ordering = ["-timestamp"]

    @admin.display(description="message")
    def short_message(self, entry: LogEntry) -> str:
        return entry.message[:200]


@admin.register(RejectedMessage)
class RejectedMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "reason", "detail", "size", "stream_seq"]
    list_filter = ["reason"]
    ordering = ["-received_at"]
    exclude = ["raw"]
    readonly_fields = ["raw_preview"]

    @admin.display(description="raw payload (first 2,000 bytes, as text)")
    def raw_preview(self, rejected: RejectedMessage) -> str:
        return rejected.raw_preview()


class LogPatternStatInline(admin.TabularInline):
    model = LogPatternStat
    fields = ["dimension", "value", "count", "last_seen"]
    readonly_fields = fields
    ordering = ["dimension", "-count"]
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(LogPattern)
class LogPatternAdmin(admin.ModelAdmin):
    """Patterns are made by ingest; admins may change only their status."""

    list_display = ["template", "count", "max_severity", "status", "first_seen", "last_seen"]
    list_filter = ["status", "max_severity"]
    search_fields = ["template", "key"]
    ordering = ["-last_seen"]
    show_full_result_count = False
    fields = [
        "key", "template", "sample_message", "status", "count", "max_severity",
        "first_seen", "last_seen", "regressed_at", "status_changed_at", "merged_into",
    ]  # fmt: skip
    readonly_fields = [f for f in fields if f != "status"]
    inlines = [LogPatternStatInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(merged_into__isnull=True)

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj: LogPattern, form, change: bool) -> None:
        pattern_set_status(pattern=obj, status=obj.status, actor=Actor.of_user(request.user))


@admin.register(ContextRule)
class ContextRuleAdmin(AuditedAdmin):
    """Where logs come from on the shop floor; "Try the rules" shows what they make of
    sample logs or the latest stored ones before a consumer applies them."""

    list_display = [
        "position", "name", "enabled", "source", "context_field", "pattern", "assign_to",
        "static_summary", "updated_at",
    ]  # fmt: skip
    list_display_links = ["name"]
    list_editable = ["position", "enabled"]
    list_filter = ["enabled", "source"]
    search_fields = ["name", "pattern", "context_field"]
    change_list_template = "admin/logs/contextrule/change_list.html"
    fieldsets = [
        (None, {"fields": ["name", "position", "enabled"]}),
        ("Read", {"fields": ["source", "context_field", "pattern", "assign_to"]}),
        (
            "Static values (given whenever the rule matches)",
            {"fields": ["site", "area", "line", "cell", "asset"]},
        ),
    ]

    @admin.display(description="static values")
    def static_summary(self, rule: ContextRule) -> str:
        return ", ".join(f"{key} = {value}" for key, value in rule.static_values().items())

    def get_urls(self):
        return [
            path(
                "try/",
                self.admin_site.admin_view(self.try_view),
                name="logs_contextrule_try",
            ),
            *super().get_urls(),
        ]

    def try_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        samples = request.POST.get("samples", "") if request.method == "POST" else ""
        return TemplateResponse(
            request,
            "admin/logs/contextrule/try.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Try the context rules",
                "samples": samples,
                "trial": plant_rules_try(samples),
            },
        )


@admin.register(GroupingRule)
class GroupingRuleAdmin(ReadOnlyAdmin):
    """Operators' merges and splits (made on the pattern pages and the API), who made
    them, and whether their stored logs have moved; "Undo" stops one and moves them back."""

    list_display = [
        "id", "kind", "pattern", "source", "place_shown", "value", "created_at",
        "created_by_label", "undone_at", "undone_by_label", "logs_state",
    ]  # fmt: skip
    list_filter = ["kind", ("undone_at", admin.EmptyFieldListFilter)]
    list_select_related = ["pattern", "source"]
    search_fields = ["template", "value", "created_by_label"]
    ordering = ["-pk"]
    exclude = ["created_by"]
    actions = ["undo"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # undo keeps the record; deleting would forget who did what

    def has_correct_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("logs.correct_grouping")

    @admin.display(description="<*>")
    def place_shown(self, rule: GroupingRule) -> str:
        return "" if rule.place is None else str(rule.place + 1)

    @admin.display(description="stored logs")
    def logs_state(self, rule: GroupingRule) -> str:
        if rule.logs_move_error:
            return f"failed: {rule.logs_move_error[:200]}"
        if rule.logs_pending:
            return "moving…"
        return f"{rule.logs_moved} moved"

    @admin.action(description="Undo", permissions=["correct"])
    def undo(self, request: HttpRequest, queryset: QuerySet[GroupingRule]) -> None:
        done = 0
        for rule in queryset.order_by("-pk"):
            try:
                grouping_rule_undo(rule_id=rule.pk, actor=Actor.of_user(request.user))
            except StateRefused as error:
                messages.error(request, str(error))
            else:
                done += 1
        if done:
            messages.success(request, f"Undid {done} rule(s); their stored logs move back now.")
