from __future__ import annotations

import logging

from django.db import transaction

from kernel.images import renditions_make

from .models import ProductImage

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
