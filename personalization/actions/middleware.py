from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .memory import seen_write


class ActionsMiddleware:
    """Write the weekly-cap cookie when a page showed an action (one cookie per response)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        seen_write(request, response)
        return response
