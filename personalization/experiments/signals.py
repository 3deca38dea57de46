"""Receivers for signals of code we don't own (django.contrib.auth, used by allauth; Django's
request_finished) and of personalization's privacy pages: arms follow a shopper into their
account, and go on erasure; events buffered in memory are written after responses.

The experiments snapshot is refreshed by the kernel from the models it declares it depends on
(see assignment.EXPERIMENTS and this app's ready())."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_finished
from django.dispatch import receiver

from ..profiling import data_erased
from .models import VisitorAccount
from .services import account_adopt, events_drain_in_process


@receiver(user_logged_in, dispatch_uid="experiments_adopt_on_login")
def adopt_visitor(sender, request, user, **kwargs) -> None:
    """A shopper who signs in keeps the arms they had as a visitor."""
    if request is not None and hasattr(request, "session"):
        account_adopt(request=request, user=user)


@receiver(request_finished, dispatch_uid="experiments_drain_after_response")
def drain_after_response(sender, **kwargs) -> None:
    """Once a response has been sent: write events waiting in this process's memory (the
    laptop, without Redis or a worker), every few seconds at most. Never raises."""
    events_drain_in_process()


@receiver(data_erased, dispatch_uid="experiments_forget_on_erase")
def forget_visitor(sender, request, **kwargs) -> None:
    """ "Erase my data": the account no longer knows the browser's visitor id or its arms (the
    cookies go with the erase page's response; events keep only a keyed hash, no account)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        VisitorAccount.objects.filter(user=user).delete()
