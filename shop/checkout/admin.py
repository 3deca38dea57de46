from __future__ import annotations

from django.contrib import admin

from .models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments are a record of what the provider was asked and answered: read only."""

    list_display = ("order", "status", "amount", "currency", "provider", "intent_id", "created_at")
    list_filter = ("status", "provider", "created_at")
    search_fields = ("order__number", "intent_id")
    readonly_fields = (
        "order", "provider", "intent_id", "idempotency_key", "basket_id", "amount", "currency",
        "status", "last_error", "created_at", "updated_at",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
