"""Connections to code we do not own: sign-in moves choices to the account; erasing data
forgets them."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ..profiling import data_erased, data_exported
from .memory import dismissals_adopt, dismissals_for, dismissals_forget, seen_forget_later


@receiver(user_logged_in, dispatch_uid="action_dismissals_adopt_on_login")
def _adopt(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        dismissals_adopt(request=request, user=user)


@receiver(data_erased, dispatch_uid="action_dismissals_forget_on_erase")
def _forget(sender: Any, request: Any, **kwargs: Any) -> None:
    if request is not None:
        dismissals_forget(request=request)
        seen_forget_later(request)


@receiver(data_exported, dispatch_uid="action_dismissals_export")
def _export(sender: Any, request: Any, **kwargs: Any) -> dict[str, Any]:
    """ "Download my data": the kinds of suggestion turned away, and until when."""
    dismissed = {
        kind: "never"
        if until is None
        else datetime.datetime.fromtimestamp(until, tz=datetime.UTC).isoformat()
        for kind, until in dismissals_for(request).items()
    }
    return {"next_best_action": {"dismissed": dismissed}}
