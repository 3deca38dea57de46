from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Store


def store_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "stores/store_list.html", {"stores": Store.objects.filter(is_active=True)}
    )
