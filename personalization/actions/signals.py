"""Connections to code we do not own: sign-in moves choices to the account; erasing data
forgets them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ..profiling import data_erased
from .memory import dismissals_adopt, dismissals_forget, seen_forget_later


@receiver(user_logged_in, dispatch_uid="action_dismissals_adopt_on_login")
def _adopt(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        dismissals_adopt(request=request, user=user)


@receiver(data_erased, dispatch_uid="action_dismissals_forget_on_erase")
def _forget(sender: Any, request: Any, **kwargs: Any) -> None:
    if request is not None:
        dismissals_forget(request=request)
        seen_forget_later(request)
