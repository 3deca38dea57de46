"""What accounts do when a visitor erases or exports their data (personalization's signals)."""

from __future__ import annotations

from django.dispatch import receiver

from personalization.profiling import data_erased

from .services import account_erase


@receiver(data_erased, dispatch_uid="account_erase_on_request")
def erase_account(sender, request, **kwargs) -> None:
    if request.user.is_authenticated:
        account_erase(user=request.user)
