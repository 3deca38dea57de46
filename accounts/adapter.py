"""allauth's account adapter: keyed on the client's real address, speaking as the shop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils.encoding import force_str

from personalization.resolvers.network import client_address


@dataclass(frozen=True)
class ShopSite:
    """What allauth's e-mails call the site: the shop's name and public address, never the
    host a request happened to arrive on ("Hello from 127.0.0.1:8000!")."""

    name: str
    domain: str


def shop_site() -> ShopSite:
    return ShopSite(settings.SHOP_NAME, urlsplit(settings.SHOP_SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The shopper's address through our trusted proxies, so that allauth's per-address
        rate limits stop one shopper, not everyone behind the proxy."""
        return client_address(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, {"current_site": shop_site(), **context})

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SHOP_NAME}] {force_str(subject)}"
