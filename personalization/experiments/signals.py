"""Cache invalidation for experiments, and arms that follow a shopper into their account."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..profiling import data_erased
from ..slots import content_changed
from .assignment import experiments_changed
from .models import Arm, Experiment, VisitorAccount
from .services import account_adopt


@receiver([post_save, post_delete], sender=Experiment, dispatch_uid="experiment_changed")
@receiver([post_save, post_delete], sender=Arm, dispatch_uid="arm_changed")
def experiment_changed(sender, **kwargs) -> None:
    experiments_changed()
    # Segments may test `experiment.<key>` facts, whose declarations come from experiments.
    content_changed()


@receiver(user_logged_in, dispatch_uid="experiments_adopt_on_login")
def adopt_visitor(sender, request, user, **kwargs) -> None:
    """A shopper who signs in keeps the arms they had as a visitor."""
    if request is not None and hasattr(request, "session"):
        account_adopt(request=request, user=user)


@receiver(data_erased, dispatch_uid="experiments_forget_on_erase")
def forget_visitor(sender, request, **kwargs) -> None:
    """ "Erase my data": the account no longer knows the browser's visitor id or its arms (the
    cookies go with the erase page's response; events keep only a keyed hash, no account)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        VisitorAccount.objects.filter(user=user).delete()
