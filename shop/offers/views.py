from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .applicator import offers_to_show


def offer_list(request: HttpRequest) -> HttpResponse:
    """Every offer that applies to this visitor, and why it does."""
    offers = offers_to_show(request.visitor)
    return render(request, "offers/offer_list.html", {"offers": offers})
