from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html

from gogent.adminbase import ReadOnlyAdmin
from gogent.apikeys import api_key_create, api_key_revoke
from gogent.audit import Actor, audit_record
from gogent.models import ApiKey, AuditEvent

NEW_KEY_ATTRIBUTE = "_gogent_new_api_key"


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made here or by `manage.py create_api_key`; the key is shown once, on creation."""

    list_display = [
        "name", "display_prefix", "role", "state", "created_at", "expires_at", "last_used_at",
    ]  # fmt: skip
    list_filter = ["role"]
    search_fields = ["name", "prefix"]
    ordering = ["-created_at"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return ["name", "role", "expires_at"]
        return [
            "name", "display_prefix", "role", "state", "expires_at", "created_by", "created_at",
            "last_used_at", "revoked_at",
        ]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return []
        return [
            "display_prefix", "state", "created_by", "created_at", "last_used_at", "revoked_at",
        ]  # fmt: skip

    @admin.display(description="key")
    def display_prefix(self, key: ApiKey) -> str:
        return key.display_prefix

    @admin.display(description="state")
    def state(self, key: ApiKey) -> str:
        if key.is_revoked:
            return "revoked"
        if key.is_expired(timezone.now()):
            return "expired"
        return "active"

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            if form.changed_data:
                details = {"fields": list(form.changed_data)}
                if "role" in form.changed_data:
                    details["role"] = {"from": form.initial.get("role"), "to": obj.role}
                audit_record(
                    AuditEvent.Action.CONFIG_CHANGED, Actor.of_user(request.user), obj=obj,
                    details=details,
                )  # fmt: skip
            return
        key, raw_key = api_key_create(
            name=obj.name,
            role=obj.role,
            expires_at=obj.expires_at,
            created_by=Actor.of_user(request.user),
        )
        obj.__dict__.update(key.__dict__)
        # Kept on this request only, to show once; never in the session, messages or logs.
        setattr(request, NEW_KEY_ATTRIBUTE, raw_key)

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue=None):
        raw_key = getattr(request, NEW_KEY_ATTRIBUTE, None)
        if raw_key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API key created",
            "key": obj,
            "raw_key": raw_key,
        }
        return TemplateResponse(request, "admin/gogent/apikey_created.html", context)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        objects = list(queryset)
        actor = Actor.of_user(request.user)
        for key in objects:
            audit_record(AuditEvent.Action.CONFIG_DELETED, actor, obj=key)
        return super().log_deletions(request, objects)

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> HttpResponse | None:
        count = 0
        actor = Actor.of_user(request.user)
        for key in queryset:
            api_key_revoke(key=key, actor=actor)
            count += 1
        messages.success(request, f"Revoked {count} key{'s' if count != 1 else ''}.")
        return None


# Labels of actions Gogent takes itself (gogent.audit's SYSTEM, WORKER, SYNC).
GOGENT_LABELS = ["system", "worker", "ticket sync"]


class ActorKindFilter(admin.SimpleListFilter):
    """A person, an API key, a ticket rule or Gogent itself. Usernames hold no spaces, so
    a label with one (apply_config's, manage.py's) is Gogent's even with no row left."""

    title = "actor kind"
    parameter_name = "actor_kind"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("user", "user"), ("key", "API key"), ("rule", "ticket rule"), ("gogent", "Gogent")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        key = Q(api_key__isnull=False) | Q(actor_label__startswith="key ")
        rule = Q(actor_label__startswith="rule: ")
        user = (Q(actor__isnull=False) | ~Q(actor_label__contains=" ")) & ~Q(
            actor_label__in=GOGENT_LABELS
        )
        kinds = {"key": key, "rule": rule, "user": user & ~key, "gogent": ~(key | rule | user)}
        return queryset.filter(kinds[self.value()]) if self.value() in kinds else queryset


class ActorFilter(admin.SimpleListFilter):
    """Each actor the log names (`?actor_label=`), as it names them."""

    title = "actor"
    parameter_name = "actor_label"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        labels = AuditEvent.objects.order_by("actor_label").values_list("actor_label", flat=True)
        return [(label, label) for label in labels.distinct()[:200]]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(actor_label=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log: written by Gogent, read by admins, changed by nobody.

    Filtered by actor, object and time: the filters at the side, and in the query string
    any field (`?pattern_id=`, `?ticket_id=`, `?api_key=`, `?object_type=&object_id=`).
    """

    list_display = [
        "created_at", "actor_link", "action", "target", "pattern_link", "ticket_link",
        "short_reason",
    ]  # fmt: skip
    list_filter = ["action", ActorKindFilter, ActorFilter, "object_type", "created_at"]
    search_fields = ["actor_label", "object_repr", "object_id", "reason"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    show_full_result_count = False
    readonly_fields = [
        "created_at", "action", "actor", "api_key", "actor_link", "pattern_link", "ticket_link",
        "object_type", "object_id", "object_repr", "object_history", "reason", "details",
    ]  # fmt: skip
    fields = readonly_fields

    @admin.display(description="what")
    def target(self, event: AuditEvent) -> str:
        return event.object_repr or (f"ticket {event.ticket_id}" if event.ticket_id else "-")

    @admin.display(description="why")
    def short_reason(self, event: AuditEvent) -> str:
        return event.reason[:160]

    def _filtered(self, **query: object) -> str:
        return f"{reverse('admin:gogent_auditevent_changelist')}?{urlencode(query)}"

    @admin.display(description="who", ordering="actor_label")
    def actor_link(self, event: AuditEvent) -> str:
        return format_html(
            '<a href="{}" title="everything {} did">{}</a>',
            self._filtered(actor_label=event.actor_label),
            event.actor_label,
            event.actor_label,
        )

    @admin.display(description="pattern")
    def pattern_link(self, event: AuditEvent) -> str:
        if event.pattern_id is None:
            return "-"
        # The console's pattern page, named by URL: gogent imports no app.
        return format_html(
            '<a href="{}">{}</a>',
            reverse("logs:pattern", args=[event.pattern_id]),
            event.pattern_id,
        )

    @admin.display(description="ticket")
    def ticket_link(self, event: AuditEvent) -> str:
        if event.ticket_id is None:
            return "-"
        try:
            url = reverse("admin:integrations_ticket_change", args=[event.ticket_id])
        except NoReverseMatch:
            return str(event.ticket_id)
        return format_html('<a href="{}">{}</a>', url, event.ticket_id)

    @admin.display(description="history")
    def object_history(self, event: AuditEvent) -> str:
        if not event.object_type:
            return "-"
        return format_html(
            '<a href="{}">everything done to {}</a>',
            self._filtered(object_type=event.object_type, object_id=event.object_id),
            event.object_repr or f"{event.object_type} {event.object_id}",
        )


# Users and roles (useradmin: who may grant what, every change audited) and sign-in
# attempts (loginadmin: django-axes with a clean-up action that declares its permission).
from gogent import loginadmin, useradmin  # noqa: E402, F401
