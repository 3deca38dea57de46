"""Cache invalidation: a change to editor data bumps its snapshot version for every worker."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import RegionSet
from .snapshot import snapshot_bump


@receiver([post_save, post_delete], sender=RegionSet, dispatch_uid="region_sets_changed")
def region_sets_changed(sender, **kwargs) -> None:
    snapshot_bump("region-sets")
