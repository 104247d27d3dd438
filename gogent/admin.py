from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from gogent.apikeys import api_key_create, api_key_revoke
from gogent.models import ApiKey

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
            return
        key, raw_key = api_key_create(
            name=obj.name, role=obj.role, expires_at=obj.expires_at, created_by=request.user
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

    @admin.action(description="Revoke the selected keys", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> HttpResponse | None:
        count = 0
        for key in queryset:
            api_key_revoke(key=key)
            count += 1
        messages.success(request, f"Revoked {count} key{'s' if count != 1 else ''}.")
        return None
