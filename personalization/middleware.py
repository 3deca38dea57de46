from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject

from .consent import consent_for_request
from .experiments.events import holdout_exposure
from .experiments.sticky import assignments_save
from .history import history_save, viewed_save
from .identity import visitor_id_save
from .preview import preview_overrides
from .resolvers.network import connection_from_trusted_proxy
from .visitor import Visitor, resolve_visitor

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class StorefrontRequest(HttpRequest):
    """A request as views see it, after the middleware: for type hints, never instantiated.

    `visitor` comes from VisitorMiddleware (resolved lazily), `htmx` from django-htmx's
    HtmxMiddleware.
    """

    visitor: Visitor
    htmx: HtmxDetails


class VisitorMiddleware:
    """Set `request.visitor`, resolved on first use: a page that never reads it pays nothing.

    A response that did read it is personal: it varies with the cookies and headers the facts
    came from and must never be stored by a shared cache.
    """

    VARY = ("Cookie", "Accept-Language", "User-Agent")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: StorefrontRequest) -> HttpResponse:
        if not hasattr(request, "session") or not hasattr(request, "user"):
            raise ImproperlyConfigured(
                "VisitorMiddleware needs the session and authentication middleware: put "
                "'personalization.middleware.VisitorMiddleware' after "
                "'django.contrib.auth.middleware.AuthenticationMiddleware' in MIDDLEWARE."
            )
        now = timezone.now()
        resolved: list[Visitor] = []

        def visitor() -> Visitor:
            resolved.append(
                resolve_visitor(request=request, overrides=preview_overrides(request), now=now)
            )
            # Later reads get the Visitor itself: a page reads it hundreds of times, and each
            # read through the lazy proxy costs a function call.
            request.visitor = resolved[0]
            return resolved[0]

        # The lazy proxy stands in for the Visitor it resolves to.
        request.visitor = cast(Visitor, SimpleLazyObject(visitor))
        response = self.get_response(request)
        visitor_id_save(request, response)
        if resolved and self._is_page_view(request, response):
            # Each page a counted visitor sees is an exposure in the holdout's experiment.
            holdout_exposure(request, resolved[0])
        assignments_save(request, response)
        if resolved:
            patch_vary_headers(response, self.VARY)
            patch_cache_control(response, private=True)
        if (
            self._is_page_view(request, response)
            and consent_for_request(request).allows("personalization")
            and not self._previewing(request, resolved)
        ):
            history_save(request, response, now)
            viewed_save(request, response)
            # The cookie is this visitor's own: no shared cache may keep the response.
            patch_vary_headers(response, ("Cookie",))
            patch_cache_control(response, private=True)
        return response

    @staticmethod
    def _previewing(request: HttpRequest, resolved: list[Visitor]) -> bool:
        if resolved:
            return resolved[0].is_preview
        return preview_overrides(request) is not None

    @staticmethod
    def _is_page_view(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            request.method == "GET"
            and not request.headers.get("HX-Request")
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
        )


class ForwardedProtoMiddleware:
    """Drop the header named by SECURE_PROXY_SSL_HEADER unless a trusted proxy sent it.

    Django believes that header from anyone: a client talking plain http could claim https,
    skip the https redirect and pass the CSRF origin check as the https site. Only
    `TRUSTED_PROXIES` (the connection's own address, REMOTE_ADDR) may say how the client
    reached them. Put it first in MIDDLEWARE, before SecurityMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        if header and header[0] in request.META and not connection_from_trusted_proxy(request):
            del request.META[header[0]]
        return self.get_response(request)
