from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from personalization.middleware import StorefrontRequest

from .applicator import offers_to_show


def offer_list(request: StorefrontRequest) -> HttpResponse:
    """Every offer that applies to this visitor, and why it does."""
    offers = offers_to_show(request.visitor)
    return render(request, "offers/offer_list.html", {"offers": offers})
