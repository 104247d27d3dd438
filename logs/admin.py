from django.contrib import admin

from logs.models import LogEntry, RejectedMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ingested data is written by the consumer only; admins read it."""

    show_full_result_count = False  # a COUNT(*) per page is slow on millions of rows

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["timestamp", "severity", "hostname", "service", "short_message"]
    list_filter = ["severity"]
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
