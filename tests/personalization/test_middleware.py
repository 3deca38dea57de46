"""VisitorMiddleware: `request.visitor` is free until read, a page that read it is private to
its visitor, and a broken source of facts never breaks a page."""

from __future__ import annotations

import logging
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject

from personalization import visitor as visitor_module
from personalization.conf import DEFAULTS, app_settings
from personalization.middleware import VisitorMiddleware

pytestmark = pytest.mark.django_db


class BrokenResolver:
    """A source of facts that fails, as a GeoIP database gone missing would."""

    def resolve(self, builder) -> None:
        raise RuntimeError("the facts are not available")


@pytest.fixture
def returning_visitor_request(rf):
    """A request as the session and authentication middleware leave it for an anonymous visitor
    who has been here before: a stored session, and a user not loaded until asked for."""

    def make(**extra):
        engine = import_module(settings.SESSION_ENGINE)
        stored = engine.SessionStore()
        stored["basket"] = 1
        stored.save()
        request = rf.get("/", **extra)
        request.session = engine.SessionStore(session_key=stored.session_key)
        request.user = SimpleLazyObject(lambda: get_user(request))
        return request

    return make


@pytest.fixture
def region_sets_loaded(visitor_request):
    """One visitor resolved first, so the per-process region-set snapshot is in memory."""
    visitor_module.resolve_visitor(request=visitor_request())


def reading_the_visitor(request) -> HttpResponse:
    return HttpResponse(f"Delivering to {request.visitor.country}")


def test_no_query_is_made_until_the_visitor_is_read(
    returning_visitor_request, django_assert_num_queries
):
    request = returning_visitor_request()
    with django_assert_num_queries(0):
        VisitorMiddleware(lambda r: HttpResponse())(request)


def test_reading_the_visitor_makes_the_response_vary_on_cookie(returning_visitor_request):
    response = VisitorMiddleware(reading_the_visitor)(returning_visitor_request())
    vary = {value.strip() for value in response["Vary"].split(",")}
    assert {"Cookie", "Accept-Language", "User-Agent"} <= vary


def test_reading_the_visitor_makes_the_response_private(returning_visitor_request):
    response = VisitorMiddleware(reading_the_visitor)(returning_visitor_request())
    assert "private" in response["Cache-Control"]


def test_a_response_that_never_read_the_visitor_stays_shareable(returning_visitor_request):
    response = VisitorMiddleware(lambda r: HttpResponse())(returning_visitor_request())
    assert not response.has_header("Vary")
    assert not response.has_header("Cache-Control")


def test_a_response_that_stores_the_visit_history_is_private(
    returning_visitor_request, consent_cookie_value
):
    # Even a page that never read the visitor carries their history cookie: a shared cache
    # that kept it would hand one visitor's history to the next.
    request = returning_visitor_request()
    request.COOKIES[app_settings.CONSENT_COOKIE] = consent_cookie_value("personalization")
    response = VisitorMiddleware(lambda r: HttpResponse())(request)
    assert response.cookies[app_settings.HISTORY_COOKIE].value
    assert "private" in response.get("Cache-Control", "")


@pytest.mark.parametrize("missing", ["session", "user"])
def test_without_session_or_authentication_middleware_the_fix_is_named(rf, missing):
    request = rf.get("/")
    if missing != "session":
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    with pytest.raises(ImproperlyConfigured) as error:
        VisitorMiddleware(lambda r: HttpResponse())(request)
    message = str(error.value)
    assert "session and authentication middleware" in message
    assert "after 'django.contrib.auth.middleware.AuthenticationMiddleware'" in message


def test_a_full_visitor_costs_no_query_beyond_the_session(
    returning_visitor_request, region_sets_loaded, django_assert_num_queries
):
    request = returning_visitor_request(HTTP_ACCEPT_LANGUAGE="en-GB")
    with django_assert_num_queries(1) as captured:
        response = VisitorMiddleware(reading_the_visitor)(request)
        assert len(dict(request.visitor)) > 20
    assert "django_session" in captured.captured_queries[0]["sql"]
    assert response.content == b"Delivering to GB"


def test_a_first_time_visitor_costs_no_query_at_all(
    visitor_request, region_sets_loaded, django_assert_num_queries
):
    request = visitor_request(HTTP_ACCEPT_LANGUAGE="en-GB")
    with django_assert_num_queries(0):
        response = VisitorMiddleware(reading_the_visitor)(request)
    assert response.content == b"Delivering to GB"


@pytest.fixture
def broken_resolver(settings):
    resolvers = list(getattr(settings, "PERSONALIZATION_RESOLVERS", DEFAULTS["RESOLVERS"]))
    settings.PERSONALIZATION_RESOLVERS = [f"{__name__}.BrokenResolver", *resolvers]
    visitor_module._resolvers.cache_clear()
    yield
    visitor_module._resolvers.cache_clear()


def test_a_failing_resolver_is_logged_and_the_page_still_renders(client, broken_resolver, caplog):
    with caplog.at_level(logging.WARNING, logger="personalization.visitor"):
        response = client.get("/", headers={"Accept-Language": "en-GB"})
    assert response.status_code == 200
    assert "Delivering to: <strong>United Kingdom</strong>" in response.content.decode()
    warnings = [r for r in caplog.records if r.name == "personalization.visitor"]
    assert warnings and warnings[0].levelno == logging.WARNING
    assert "BrokenResolver" in warnings[0].getMessage()
    assert warnings[0].exc_info[0] is RuntimeError
