"""Shipping methods and their prices: part of pricing, so offers (free shipping) and checkout
both read them, and checkout depends on offers, never the reverse."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ShippingMethodCode(models.TextChoices):
    STANDARD = "standard", _("Standard")
    EXPRESS = "express", _("Express")


@dataclass(frozen=True)
class ShippingMethod:
    code: str
    name: Promise
    description: Promise
    price: Decimal
    # Baskets at or above this subtotal ship for nothing (None: never free).
    free_from: Decimal | None = None

    def price_for(self, subtotal: Decimal) -> Decimal:
        if self.free_from is not None and subtotal >= self.free_from:
            return Decimal(0)
        return self.price


SHIPPING_METHODS: dict[str, ShippingMethod] = {
    method.code: method
    for method in (
        ShippingMethod(
            ShippingMethodCode.STANDARD,
            ShippingMethodCode.STANDARD.label,
            _("2–4 days. Free from ¥5,000."),
            Decimal(600),
            free_from=Decimal(5000),
        ),
        ShippingMethod(
            ShippingMethodCode.EXPRESS,
            ShippingMethodCode.EXPRESS.label,
            _("Next day in most of Japan."),
            Decimal(1200),
        ),
    )
}
