from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Store


def store_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "stores/store_list.html", {"stores": Store.objects.filter(is_active=True)}
    )


def emergency(request: HttpRequest) -> HttpResponse:
    """What to do when a pet is unwell, and the partner vets with their hours."""
    stores = Store.objects.filter(is_active=True, is_vet_partner=True)
    return render(request, "stores/emergency.html", {"stores": stores})
