"""Precomputed recommendations, rebuilt nightly from orders (see `shop/orders/recommending.py`).

Pages only read these tables, each block with one query that joins them to the products.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import Product


class Neighbour(models.Model):
    """A product often bought together with another: `neighbour` for `product`, by score."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    neighbour = models.ForeignKey(
        Product,
        verbose_name=_("bought with it"),
        on_delete=models.CASCADE,
        related_name="neighbour_of",
    )
    # Cosine similarity of the two products' order sets; support = orders holding both.
    score = models.FloatField(_("score"))
    support = models.PositiveIntegerField(_("orders with both"))

    class Meta:
        verbose_name = _("bought-together pair")
        verbose_name_plural = _("bought-together pairs")
        constraints = [
            models.UniqueConstraint(fields=["product", "neighbour"], name="neighbour_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} → {self.neighbour_id} ({self.score:.2f})"


class Popularity(models.Model):
    """Units sold of a product in an area and shopping season (the buyer's, where they live).

    `area` is a region (JP-01), a region set (`set:rural-japan`), a country (JP), empty for the
    whole shop, or a pet (`pet:cat`); `season` is winter/spring/summer/autumn, or empty for the
    whole year (the pets' best sellers).
    """

    area = models.CharField(_("area"), max_length=60, blank=True)
    season = models.CharField(_("season"), max_length=10, blank=True)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="popularity"
    )
    units = models.PositiveIntegerField(_("units sold"))

    class Meta:
        verbose_name = _("popularity")
        verbose_name_plural = _("popularity")
        # In the order blocks read it: an area's best sellers are the first rows of a range.
        indexes = [
            models.Index(fields=["area", "season", "-units", "product"], name="popularity_lookup")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "season", "product"], name="recommendations_popularity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.area or 'all'} ({self.season or 'all year'})"


class Build(models.Model):
    """When each precomputed table was last rebuilt; its row is also the rebuild's lock."""

    name = models.CharField(_("name"), max_length=30, primary_key=True)
    built_at = models.DateTimeField(_("built at"), null=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("rebuild")
        verbose_name_plural = _("rebuilds")

    def __str__(self) -> str:
        return self.name
