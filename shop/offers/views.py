from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from personalization.middleware import StorefrontRequest

from .applicator import request_pricing_context


def offer_list(request: StorefrontRequest) -> HttpResponse:
    """Every offer that applies to this visitor, and why it does."""
    offers = request_pricing_context(request).to_show
    return render(request, "offers/offer_list.html", {"offers": offers})
