"""allauth's account adapter, keyed on the client's real address."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from personalization.resolvers.network import client_address


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The shopper's address through our trusted proxies, so that allauth's per-address
        rate limits stop one shopper, not everyone behind the proxy."""
        return client_address(request)
