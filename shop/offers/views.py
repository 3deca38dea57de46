from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .applicator import offers_for_visitor


def offer_list(request: HttpRequest) -> HttpResponse:
    """Every offer that applies to this visitor, and why it does."""
    offers = [vo for vo in offers_for_visitor(request.visitor) if not vo.offer.store_only]
    return render(request, "offers/offer_list.html", {"offers": offers})
