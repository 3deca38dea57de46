from __future__ import annotations

import logging

from django.db import transaction

from kernel.images import renditions_make

from .models import Variant

logger = logging.getLogger(__name__)


def variant_renditions_update(*, variant_id: int) -> None:
    """Make a variant's image renditions; the slot snapshot reloads through the save signal."""
    variant = Variant.objects.filter(pk=variant_id).first()
    if variant is None or not variant.image:
        return
    variant.renditions = renditions_make(variant, folder="content")
    variant.save(update_fields=["renditions"])


def variant_renditions_queue(*, variant: Variant) -> None:
    """Ask a worker for renditions after commit; until then pages show the original image."""
    from .tasks import make_variant_renditions

    def queue() -> None:
        try:
            make_variant_renditions.delay(variant.pk)
        except Exception:
            logger.warning("Could not queue renditions for variant %s", variant.pk, exc_info=True)

    transaction.on_commit(queue)
