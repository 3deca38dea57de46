from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shop.money import money_format

from .models import Order, OrderEvent, OrderLine, OrderStatus
from .services import order_status_set


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("product_name", "unit_price", "quantity", "total")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("status", "note", "created_at", "created_by", "emailed_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OrderAdminForm(forms.ModelForm):
    """Staff move an order along by choosing its next status; the rules live in the service."""

    note = forms.CharField(label=_("Note for the timeline"), required=False, max_length=300)

    class Meta:
        model = Order
        fields = ("status", "tracking_number")

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status")
        if self.instance.pk and status and status != self.initial.get("status"):
            if not self.instance.__class__(status=self.initial["status"]).can_move_to(status):
                raise ValidationError(
                    _("An order that is %(current)s cannot become %(new)s.")
                    % {
                        "current": OrderStatus(self.initial["status"]).label,
                        "new": OrderStatus(status).label,
                    }
                )
            if status == OrderStatus.SHIPPED and not (data.get("tracking_number") or "").strip():
                self.add_error("tracking_number", _("A shipped order needs a tracking number."))
        return data


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    form = OrderAdminForm
    list_display = ("number", "created_at", "name", "email", "status", "total_display", "region")
    list_filter = ("status", "country", "shipping_method", "created_at")
    search_fields = ("number", "email", "name", "tracking_number")
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    fieldsets = (
        (None, {"fields": ("number", "created_at", "status", "tracking_number", "note")}),
        (
            _("Customer"),
            {
                "fields": (
                    "user",
                    "email",
                    "name",
                    "phone",
                    "country",
                    "region",
                    "postal_code",
                    "city",
                    "address",
                    "language",
                )
            },
        ),
        (
            _("Payment"),
            {
                "fields": (
                    "shipping_method",
                    "shipping_price",
                    "subtotal",
                    "total",
                    "currency",
                    "payment_reference",
                )
            },
        ),
    )

    # What the customer ordered and paid is a record: staff change only the status.
    readonly_fields = tuple(
        name
        for _title, options in fieldsets
        for name in options["fields"]
        if name not in {"status", "tracking_number", "note"}
    )

    def has_add_permission(self, request) -> bool:
        return False  # orders come from checkout only

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, order: Order) -> str:
        return money_format(order.total, order.currency)

    def save_model(self, request, obj, form, change) -> None:
        if "status" in form.changed_data:
            order_status_set(
                order=obj,
                status=form.cleaned_data["status"],
                tracking_number=form.cleaned_data.get("tracking_number", ""),
                note=form.cleaned_data.get("note", ""),
                by=request.user,
            )
        elif "tracking_number" in form.changed_data:
            Order.objects.filter(pk=obj.pk).update(tracking_number=obj.tracking_number)
