"""Fixtures for the visitor tests: requests as a given visitor would send them, consent and
region cookies as the site itself would have set them, and the /why/ table as a shopper reads it.

Every fixture here is asked for by name; none is autouse, so other files in this folder are
unaffected.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client

from personalization.conf import app_settings
from personalization.consent import consent_store
from personalization.resolvers.location import region_store
from tests.factories import UserFactory


@pytest.fixture
def consent_cookie_value() -> Callable[..., str]:
    """The signed consent cookie the banner or /privacy/ would have set for these purposes."""

    def make(*purposes: str) -> str:
        response = HttpResponse()
        consent_store(response, purposes=set(purposes))
        return response.cookies[app_settings.CONSENT_COOKIE].value

    return make


@pytest.fixture
def region_cookie_value() -> Callable[..., str]:
    """The signed region cookie the region picker would have set."""

    def make(place: str, postal_code: str = "") -> str:
        response = HttpResponse()
        region_store(response, place=place, postal_code=postal_code)
        return response.cookies[app_settings.REGION_COOKIE].value

    return make


@pytest.fixture
def visitor_request(rf) -> Callable[..., HttpRequest]:
    """A GET request from an anonymous visitor, with the cookies and headers given, and the
    session and user the session and authentication middleware would have set."""

    def make(
        path: str = "/",
        *,
        cookies: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **extra,
    ) -> HttpRequest:
        request = rf.get(path, headers=headers or {}, **extra)
        request.COOKIES.update(cookies or {})
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        request.user = AnonymousUser()
        return request

    return make


@pytest.fixture
def consenting_client(client, consent_cookie_value) -> Client:
    """A browser whose visitor accepted everything on the banner."""
    client.cookies[app_settings.CONSENT_COOKIE] = consent_cookie_value(
        "personalization", "analytics"
    )
    return client


@pytest.fixture
def preview_staff_user(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def preview_staff_client(client, preview_staff_user) -> Client:
    client.force_login(preview_staff_user)
    return client


class _FactsTable(HTMLParser):
    """Reads the rows of /why/'s table: label → (value, where it came from)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, tuple[str, str]] = {}
        self._cells: list[str] | None = None
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._cells = []
        elif tag in ("th", "td") and self._cells is not None:
            self._cells.append("")
            self._in_cell = True

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self._in_cell = False
        elif tag == "tr" and self._cells is not None:
            if len(self._cells) == 3:
                label, value, source = (" ".join(c.split()) for c in self._cells)
                self.rows[label] = (value, source)
            self._cells = None

    def handle_data(self, data):
        if self._in_cell and self._cells:
            self._cells[-1] += data


@pytest.fixture
def why_facts_table() -> Callable[[HttpResponse], dict[str, tuple[str, str]]]:
    """The facts /why/ shows, as the visitor reads them: {"Country": ("Japan", "our …")}."""

    def read(response: HttpResponse) -> dict[str, tuple[str, str]]:
        parser = _FactsTable()
        parser.feed(response.content.decode())
        return parser.rows

    return read
