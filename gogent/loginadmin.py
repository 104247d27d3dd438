"""django-axes' sign-in attempts in admin, with a clean-up action that declares its
permission and works: axes' own needs a request it saw at sign-in (axes_attempt_time)."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone


class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    actions = ["cleanup_expired_attempts"]

    @admin.action(description="Delete attempts older than the lockout time", permissions=["delete"])
    def cleanup_expired_attempts(
        self, request: HttpRequest, queryset: QuerySet[AccessAttempt]
    ) -> None:
        # axes measures "expired" from the time of the request it is handling.
        request.axes_attempt_time = timezone.now()
        count = AxesDatabaseHandler().clean_expired_user_attempts(request=request)
        messages.success(
            request, f"Deleted {count} expired sign-in attempt{'s' if count != 1 else ''}."
        )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
