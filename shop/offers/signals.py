"""Cache invalidation: an offer change reaches every worker's pricing on its next request."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .applicator import offers_changed
from .models import Offer


@receiver([post_save, post_delete], sender=Offer, dispatch_uid="offer_changed")
@receiver(m2m_changed, sender=Offer.categories.through, dispatch_uid="offer_categories_changed")
@receiver(m2m_changed, sender=Offer.products.through, dispatch_uid="offer_products_changed")
@receiver(m2m_changed, sender=Offer.region_sets.through, dispatch_uid="offer_sets_changed")
def offer_changed(sender, **kwargs) -> None:
    # In the change's transaction: snapshot_bump tells the shared cache once it is committed.
    offers_changed()
