"""Response headers the shop sets beyond Django's own: the admin's Content-Security-Policy and
`Cache-Control: no-store` for whole sections of private pages."""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

from csp.constants import HEADER, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
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

    The shop's own pages all get the settings' policy, with their nonce: it is built once per
    process around a stand-in for the nonce, where django-csp builds it anew for each response
    (a twentieth of a page served from the decision cache). Anything else (the admin, a view's
    own policy, a report-only policy, excluded prefixes, Django's debug pages) is django-csp's.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not _settings_policy_applies(request, response):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        policy = _settings_policy(with_nonce=bool(nonce))  # "": no policy set
        if policy and HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = policy.replace(_NONCE, nonce) if nonce else policy
        if nonce is None:
            # As django-csp does: a nonce asked for from now on would be in no header.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(_admin_prefix(get_script_prefix())):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


# Where the nonce goes in the policy built once (NUL is in no policy).
_NONCE = "\x00nonce\x00"
_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace",
                 "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")  # fmt: skip


def _settings_policy_applies(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the response gets the settings' policy alone, as most do."""
    policy: dict[str, Any] = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    return not (
        getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        or policy.get("EXCLUDE_URL_PREFIXES")
        or (settings.DEBUG and response.status_code in (404, 500))
        or any(getattr(response, name, None) is not None for name in _PER_RESPONSE)
        or request.path.startswith(_admin_prefix(get_script_prefix()))
    )


@cache
def _settings_policy(*, with_nonce: bool) -> str:
    return build_policy(nonce=_NONCE if with_nonce else None)


def _settings_policy_forget(*, setting: str, **_kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policy.cache_clear()


setting_changed.connect(_settings_policy_forget)


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
