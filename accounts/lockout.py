"""What django-axes counts failed sign-ins by: the e-mail tried (the client's address comes from
personalization.resolvers.network.client_address, see AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The e-mail a sign-in tried, however the form named it.

    The admin's form authenticates with `username`, allauth's with `email` (posted as
    `login`); without this, attempts on one would be counted under no name at all.
    """
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get("username")
        or request.POST.get("login")
        or request.POST.get("username")
        or ""
    )
    return str(value).strip().lower() or None
