"""Receivers for signals of code we don't own (django.contrib.auth, used by allauth)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import basket_adopt


@receiver(user_logged_in, dispatch_uid="basket_adopt_on_login")
def adopt_basket(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        basket_adopt(request=request, user=user)
