from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .services import basket_for_request_cached


def basket(request: HttpRequest) -> dict:
    """The shopper's basket for the header, fetched only if a template reads it."""
    return {"basket": SimpleLazyObject(lambda: basket_for_request_cached(request))}
