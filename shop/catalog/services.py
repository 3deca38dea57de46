from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Sum

from kernel.images import renditions_make

from .models import Product, ProductImage, RegionalPopularity

logger = logging.getLogger(__name__)


def image_renditions_update(*, image_id: int) -> None:
    """Make an image's renditions and record them; a vanished image is not an error."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None:
        return
    renditions = renditions_make(image, folder="products")
    ProductImage.objects.filter(pk=image_id).update(renditions=renditions)


def image_renditions_queue(*, image: ProductImage) -> None:
    """Ask a worker for the image's renditions once the image is committed.

    If the broker is down the page still shows the original image; the renditions are made
    the next time the image is saved or `manage.py make_renditions` runs.
    """
    from .tasks import make_renditions

    def queue() -> None:
        try:
            make_renditions.delay(image.pk)
        except Exception:
            logger.warning("Could not queue renditions for image %s", image.pk, exc_info=True)

    transaction.on_commit(queue)


# Fewer popular products than this in a region means too little data: use the wider area.
POPULAR_MINIMUM = 4


def popular_for(*, region: str, country: str, month: int, limit: int = 8) -> tuple[str, list]:
    """The most sold active products around this month, for the narrowest area with enough
    data: the region, else the country, else the whole shop. Returns (area, products)."""
    months = {(month - 2) % 12 + 1, month, month % 12 + 1}
    for area in dict.fromkeys([*(a for a in (region, country) if a), ""]):
        ids = list(
            RegionalPopularity.objects.filter(region=area, month__in=months)
            .filter(product__is_active=True, product__stock__gt=0)
            .values("product_id")
            .annotate(total=Sum("units"))
            .order_by("-total", "product_id")
            .values_list("product_id", flat=True)[:limit]
        )
        if len(ids) >= POPULAR_MINIMUM or area == "":
            products = Product.objects.for_listing().in_bulk(ids)
            return area, [products[pk] for pk in ids if pk in products]
    return "", []
