from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AUTHORIZED = "authorized", _("Authorized")
    CAPTURED = "captured", _("Captured")
    FAILED = "failed", _("Failed")
    VOIDED = "voided", _("Voided")
    REFUNDED = "refunded", _("Refunded")


# Statuses reconciliation still has to settle; the others are final.
PAYMENT_OPEN_STATUSES = (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED)


class Payment(models.Model):
    """One attempt to pay for an order through the provider; never holds card data."""

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(_("provider"), max_length=50)
    intent_id = models.CharField(_("payment intent"), max_length=100, blank=True, db_index=True)
    # Derived from the checkout page's token: the provider creates one intent per key.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    # The basket the order was made from: a replayed token never finds another shopper's order.
    basket_id = models.PositiveBigIntegerField(_("basket"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.idempotency_key[:12]} {self.get_status_display()}"


class TestIntentStatus(models.TextChoices):
    REQUIRES_CONFIRMATION = "requires_confirmation", _("Requires confirmation")
    AUTHORIZED = "authorized", _("Authorized")
    CAPTURED = "captured", _("Captured")
    FAILED = "failed", _("Failed")
    VOIDED = "voided", _("Voided")
    REFUNDED = "refunded", _("Refunded")


class TestPaymentIntent(models.Model):
    """The built-in test provider's own ledger, as a remote provider would keep it.

    Written only in its own committed transactions (`atomic(durable=True)`), so it survives the
    shop's rollbacks and a Celery worker sees it, like a card processor's records would.
    """

    __test__ = False  # not a pytest test class

    id = models.CharField(primary_key=True, max_length=40)
    idempotency_key = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=200, blank=True)
    # The opaque test token ("pm_test_<behaviour>_<random>"), never a card number.
    payment_method = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=30,
        choices=TestIntentStatus.choices,
        default=TestIntentStatus.REQUIRES_CONFIRMATION,
    )
    captures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at",)
        verbose_name = _("test payment intent")
        verbose_name_plural = _("test payment intents")

    def __str__(self) -> str:
        return self.id
