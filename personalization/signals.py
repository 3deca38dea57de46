"""Receivers for signals of code we don't own (django.contrib.auth, used by allauth).

Snapshots of editor data are refreshed by the kernel, from the models each one declares it
depends on (see `kernel.snapshot.Snapshot` and this app's ready())."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .profiling import answers_adopt


@receiver(user_logged_in, dispatch_uid="answers_adopt_on_login")
def adopt_answers(sender, request, user, **kwargs) -> None:
    """Answers given before signing in follow the visitor into the account."""
    if request is not None and hasattr(request, "session"):
        answers_adopt(request=request, user=user)
