from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Category


def navigation(request: HttpRequest) -> dict:
    """Top-level categories for the header, queried only by pages that show them."""
    return {"nav_categories": SimpleLazyObject(lambda: list(Category.objects.filter(parent=None)))}
