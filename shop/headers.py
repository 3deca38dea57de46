"""Response headers the shop sets beyond Django's own: the admin's Content-Security-Policy and
`Cache-Control: no-store` for whole sections of private pages."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver, get_script_prefix, reverse
from django.views.decorators.cache import never_cache


class ShopCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with inline styles allowed in the admin only.

    Django 5.2's admin is not written for a strict style policy: a change list offering no
    actions (a model the staff member may not delete, such as payments) writes an inline
    `<style>` block, and admin templates or third-party widgets may add more with any upgrade.
    Inline styles cannot run code, and only staff see those pages; scripts stay as strict as in
    the shop.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(_admin_prefix(get_script_prefix())):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


@cache
def _admin_prefix(_script_prefix: str) -> str:
    """Where the admin is (under the script prefix that keys it): every response asks."""
    return reverse("admin:index")


_Patterns = list[URLPattern | URLResolver]


def _never_cached(patterns: _Patterns) -> _Patterns:
    wrapped: _Patterns = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            pattern = URLResolver(
                pattern.pattern,
                _never_cached(pattern.url_patterns),
                pattern.default_kwargs,
                pattern.app_name,
                pattern.namespace,
            )
        elif isinstance(pattern, URLPattern):
            pattern = URLPattern(
                pattern.pattern, never_cache(pattern.callback), pattern.default_args, pattern.name
            )
        wrapped.append(pattern)
    return wrapped


def never_cached(urlconf: str) -> _Patterns | tuple[_Patterns, str]:
    """A URLconf for `include()` whose every page answers `Cache-Control: no-store` (Django's
    `never_cache`): for sections that show one shopper's basket, orders or account, which no
    browser history or shared cache may keep."""
    module = import_module(urlconf)
    patterns = _never_cached(module.urlpatterns)
    app_name = getattr(module, "app_name", None)
    # Patterns alone have no application namespace, like a URLconf without app_name.
    return (patterns, app_name) if app_name else patterns
