from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kernel.money import money_format

from .models import Order, OrderEvent, OrderLine, OrderStatus
from .services import order_emails_retry, order_status_set


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
    fields = (
        "status",
        "note",
        "created_at",
        "created_by",
        "emailed_at",
        "email_attempts",
        "email_next_attempt_at",
        "email_failed_at",
        "email_error",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EmailFailedFilter(admin.SimpleListFilter):
    title = _("e-mail failed")
    parameter_name = "email_failed"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(email_failed=True)
        if self.value() == "no":
            return queryset.filter(email_failed=False)
        return queryset


class OrderAdminForm(forms.ModelForm):
    """Staff move an order along by choosing its next status; the rules live in the service."""

    note = forms.CharField(label=_("Note for the timeline"), required=False, max_length=300)

    class Meta:
        model = Order
        fields = ("status", "tracking_number")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
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
    list_display = (
        "number",
        "created_at",
        "name",
        "email",
        "status",
        "total_display",
        "region",
        "email_failed",
    )
    list_filter = ("status", EmailFailedFilter, "country", "shipping_method", "created_at")
    actions = ["email_retry"]
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
        for name in flatten_fieldsets(fieldsets)
        if name not in {"status", "tracking_number", "note"}
    ) + ("email_failures",)

    def get_queryset(self, request):
        failed = OrderEvent.objects.email_failed().filter(order=OuterRef("pk"))
        return super().get_queryset(request).annotate(email_failed=Exists(failed))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not getattr(obj, "email_failed", False):
            return fieldsets
        (title, options), *rest = fieldsets
        return ((title, {**options, "fields": (*options["fields"], "email_failures")}), *rest)

    @admin.display(description=_("e-mail failed"), boolean=True, ordering="email_failed")
    def email_failed(self, order: Order) -> bool:
        # Annotated by get_queryset above.
        return bool(getattr(order, "email_failed", False))

    @admin.display(description=_("e-mails not sent"))
    def email_failures(self, order: Order) -> str:
        return format_html_join(
            "",
            "<p>{}: {} ({})</p>",
            (
                (
                    event.get_status_display(),
                    event.email_error,
                    localize(timezone.localtime(event.email_failed_at)),
                )
                for event in order.events.email_failed()
            ),
        )

    @admin.action(description=_("Retry failed e-mails"), permissions=["change"])
    def email_retry(self, request, queryset) -> None:
        count = order_emails_retry(orders=queryset)
        if not count:
            self.message_user(
                request, _("None of the selected orders has a failed e-mail."), messages.WARNING
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again.",
                "%(count)d e-mails will be sent again.",
                count,
            )
            % {"count": count},
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
