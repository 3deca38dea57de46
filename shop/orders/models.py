from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kernel.regions import region_name

# Order numbers are read aloud on the phone: no 0/O or 1/I/L.
NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def order_number_new() -> str:
    return "SF-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


# Where an order may go next. Staff cannot move an order backwards or revive a cancelled one.
TRANSITIONS: dict[str, set[str]] = {
    # Checkout writes the order first and takes the money after; reconciliation settles it.
    OrderStatus.AWAITING_PAYMENT: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PLACED: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.PACKED: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED},
    OrderStatus.DELIVERED: set(),
    OrderStatus.CANCELLED: set(),
}
# The happy path the timeline shows, with steps still to come greyed out.
TIMELINE = [
    OrderStatus.PLACED,
    OrderStatus.PAID,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
]
# Statuses whose event e-mails the customer (placing and paying send one confirmation).
EMAILED_STATUSES = {
    OrderStatus.PAID,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
}


class Order(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, default=order_number_new)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=10)
    postal_code = models.CharField(_("postal code"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300)
    shipping_method = models.CharField(_("shipping method"), max_length=20)
    shipping_price = models.DecimalField(_("shipping"), max_digits=12, decimal_places=2)
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2)
    discount_total = models.DecimalField(_("discounts"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    tracking_number = models.CharField(_("tracking number"), max_length=50, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    # The checkout form's one-time token: a second submit of the same form finds this order.
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"number": self.number})

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, on_delete=models.SET_NULL
    )
    # Copied at the time of the order: later edits to the product never rewrite an order.
    product_name = models.CharField(_("product"), max_length=200)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("id",)
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class OrderEventQuerySet(models.QuerySet):
    def email_due(self, *, at) -> OrderEventQuerySet:
        """Events whose e-mail should be tried now: not sent, not given up, not waiting."""
        return self.filter(
            notify=True,
            status__in=EMAILED_STATUSES,
            emailed_at__isnull=True,
            email_failed_at__isnull=True,
        ).filter(
            models.Q(email_next_attempt_at__isnull=True) | models.Q(email_next_attempt_at__lte=at)
        )

    def email_failed(self) -> OrderEventQuerySet:
        return self.filter(emailed_at__isnull=True, email_failed_at__isnull=False)


class OrderEvent(models.Model):
    """One step of an order's timeline; `emailed_at` stays empty until its e-mail went out.

    Each e-mail is tried on its own: `email_attempts` counts the tries, a temporary failure waits
    until `email_next_attempt_at`, and one that will never work (or ran out of tries) gets
    `email_failed_at` and stays there until staff retry it. `email_error` says what went wrong.
    """

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Off for steps the customer already saw on screen (a declined card cancels its order).
    notify = models.BooleanField(_("e-mail the customer"), default=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    # Also set when a try begins, so that no other sweep takes the same e-mail meanwhile.
    email_next_attempt_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    email_failed_at = models.DateTimeField(_("e-mail failed at"), null=True, blank=True)
    email_error = models.CharField(_("e-mail error"), max_length=500, blank=True)

    objects = OrderEventQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "id")
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="orderevent_email_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.get_status_display()}"

    @property
    def needs_email(self) -> bool:
        return (
            self.notify
            and self.emailed_at is None
            and self.email_failed_at is None
            and self.status in EMAILED_STATUSES
        )
