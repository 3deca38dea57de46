"""Request text the database cannot store, refused or ignored before any view sees it.

PostgreSQL rejects a NUL character in any text value, so a NUL that reaches a query (an order
number in the path, a code in a form, a session key in a cookie) fails the request with a
server error. Django's form fields already refuse NUL, but paths, query parameters read without
a form, headers and cookies do not pass through forms: this is the one place that checks them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, UnreadablePostError
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

NUL = "\x00"


class BadTextMiddleware:
    """Answer 400 to a request whose path, query string, form fields or headers contain a NUL
    character, and ignore cookies holding characters our own cookies never have.

    A browser with such a cookie (a session id quoted with an octal escape, `"\\000..."`, which
    Python's cookie parser turns into a NUL) gets a fresh session instead of an error on every
    page. Goes before the session middleware and anything that reads the path.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.COOKIES = {
            name: value
            for name, value in request.COOKIES.items()
            if name.isprintable() and value.isprintable()
        }
        if self._has_nul(request):
            logger.warning("Bad request (NUL character): %r", request.path)
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        texts = [request.path_info, *_items(request.GET.lists())]
        # Cookies are not refused but ignored, above.
        texts += [
            value
            for name, value in request.META.items()
            if name.startswith("HTTP_") and name != "HTTP_COOKIE"
        ]
        if request.method == "POST":
            # A client that went away gets no answer anyway.
            with contextlib.suppress(UnreadablePostError):
                texts += _items(request.POST.lists())
        return any(NUL in text for text in texts if isinstance(text, str))


def _items(lists: Iterable[tuple[str, list[str]]]) -> list[str]:
    return [text for name, values in lists for text in (name, *values)]


def bad_request(request: HttpRequest) -> HttpResponse:
    """The 400 page, in the visitor's language (the locale middleware has not run yet).

    Rendered without the request: there is no session or user yet for the context processors.
    """
    with translation.override(translation.get_language_from_request(request)):
        return HttpResponseBadRequest(render_to_string("400.html"))
