from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import Product


class Basket(models.Model):
    """A shopper's basket: owned by an account, or by an anonymous session until sign-in."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="basket",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("basket")
        verbose_name_plural = _("baskets")

    def __str__(self) -> str:
        return f"Basket {self.pk}"

    def lines_for_display(self) -> list[BasketLine]:
        """Lines with their products, in the order they were added (cached per instance)."""
        if not hasattr(self, "_lines"):
            self._lines = list(
                self.lines.select_related("product", "product__category")
                .prefetch_related("product__images")
                .order_by("id")
            )
        return self._lines

    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines_for_display()), Decimal(0))

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines_for_display())

    @property
    def is_empty(self) -> bool:
        return not self.lines_for_display()


class BasketLine(models.Model):
    basket = models.ForeignKey(
        Basket, verbose_name=_("basket"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("basket line")
        verbose_name_plural = _("basket lines")
        constraints = [
            models.UniqueConstraint(fields=["basket", "product"], name="basket_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"

    @property
    def total(self) -> Decimal:
        return self.product.price * self.quantity
