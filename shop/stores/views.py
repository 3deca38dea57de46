from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from kernel.regions import country_name
from personalization.middleware import StorefrontRequest

from .nearby import stores_by_distance


def store_list(request: StorefrontRequest) -> HttpResponse:
    """Every store, the nearest to the visitor first."""
    return render(
        request, "stores/store_list.html", {"stores": stores_by_distance(request.visitor)}
    )


def emergency(request: StorefrontRequest) -> HttpResponse:
    """What to do when a pet is unwell, and the partner vets in the visitor's country, nearest
    first: a vet on another continent is no help at 5 a.m."""
    visitor = request.visitor
    vets = [
        nearby
        for nearby in stores_by_distance(visitor, vet_partners=True)
        if nearby.store.country == visitor.country
    ]
    context = {"vets": vets, "country": country_name(visitor.country) or visitor.country}
    return render(request, "stores/emergency.html", context)
