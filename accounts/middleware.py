from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone


class StaffTimeZoneMiddleware:
    """Staff read and enter dates in the admin in the time zone set on their account (the
    shop's when they set none): schedules and order times mean the same to every editor,
    whatever browser or network they use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_staff or not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        timezone.activate(user.zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
