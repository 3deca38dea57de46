"""Cache invalidation: a change to editor data bumps its snapshot version for every worker."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kernel.snapshot import snapshot_bump

from .models import Condition, Question, RegionSet, Segment, Slot, Variant
from .profiling import answers_adopt, questions_changed
from .slots import content_changed

# Bumped in the change's own transaction: the version in the database changes with the data (or
# not at all, if it is rolled back), and the shared cache is told once it is committed (see
# snapshot_bump).


@receiver([post_save, post_delete], sender=RegionSet, dispatch_uid="region_sets_changed")
def region_sets_changed(sender, **kwargs) -> None:
    snapshot_bump("region-sets")


@receiver([post_save, post_delete], sender=Segment, dispatch_uid="segment_changed")
@receiver([post_save, post_delete], sender=Condition, dispatch_uid="condition_changed")
@receiver([post_save, post_delete], sender=Slot, dispatch_uid="slot_changed")
@receiver([post_save, post_delete], sender=Variant, dispatch_uid="variant_changed")
def editor_content_changed(sender, **kwargs) -> None:
    content_changed()


@receiver(post_save, sender=Question, dispatch_uid="question_saved")
@receiver(post_delete, sender=Question, dispatch_uid="question_deleted")
def questions_changed_signal(sender, **kwargs) -> None:
    questions_changed()


@receiver(user_logged_in, dispatch_uid="answers_adopt_on_login")
def adopt_answers(sender, request, user, **kwargs) -> None:
    """Answers given before signing in follow the visitor into the account."""
    if request is not None and hasattr(request, "session"):
        answers_adopt(request=request, user=user)
