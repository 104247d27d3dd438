"""django-axes' sign-in attempts in admin, with a clean-up action that declares its
permission and works (axes' own needs a request it saw at sign-in: axes_attempt_time).
Deleting an attempt unlocks a sign-in, so each deletion is audited."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from gogent.audit import Actor, audit_record
from gogent.models import AuditEvent


class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    actions = ["cleanup_expired_attempts"]

    @admin.action(description="Delete attempts older than the lockout time", permissions=["delete"])
    def cleanup_expired_attempts(
        self, request: HttpRequest, queryset: QuerySet[AccessAttempt]
    ) -> None:
        # axes measures "expired" from the time of the request it is handling.
        request.axes_attempt_time = timezone.now()
        count = AxesDatabaseHandler().clean_expired_user_attempts(request=request)
        if count:
            audit_record(
                AuditEvent.Action.CONFIG_DELETED, Actor.of_user(request.user),
                object_type=AccessAttempt._meta.label_lower,
                object_repr=f"{count} expired sign-in attempts", details={"count": count},
            )  # fmt: skip
        messages.success(
            request, f"Deleted {count} expired sign-in attempt{'s' if count != 1 else ''}."
        )

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        attempts = list(queryset)
        actor = Actor.of_user(request.user)
        for attempt in attempts:
            audit_record(
                AuditEvent.Action.CONFIG_DELETED, actor, obj=attempt,
                object_repr=f"sign-in attempts of {attempt.username} from {attempt.ip_address}",
                reason="unlocked",
            )  # fmt: skip
        return super().log_deletions(request, attempts)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
