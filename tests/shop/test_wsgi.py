"""The WSGI application the servers run (`shop.wsgi`): a page served through it, and its request
freed as soon as the response is sent, not left for the cyclic garbage collector."""

from __future__ import annotations

import gc
import io
import sys
import weakref

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from shop.wsgi import Handler

pytestmark = pytest.mark.django_db


def environ(path: str, **extra: object) -> dict:
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "HTTP_HOST": "testserver", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1", **extra,
    }  # fmt: skip


class Watched(Handler):
    """The application, keeping a weak reference to each request it handles."""

    requests: list[weakref.ref] = []

    def get_response(self, request):
        self.requests.append(weakref.ref(request))
        return super().get_response(request)


@pytest.fixture(autouse=True)
def _test_database_kept_open():
    """As Django's test client does: the test's database connection outlives the request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def served(application: Handler, path: str, **extra: object) -> tuple[str, dict, bytes]:
    """Status, headers and body of one request, closed as a WSGI server closes it."""
    started = []
    response = application(environ(path, **extra), lambda *args: started.append(args))
    body = b"".join(response)
    response.close()  # as a WSGI server does once the body is sent
    status, headers = started[0]
    return status, dict(headers), body


@pytest.fixture
def no_cycle_collection():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


VISITOR = {"HTTP_ACCEPT_LANGUAGE": "en", "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64)"}


def test_a_page_from_the_decision_cache_is_freed_once_sent(product, no_cycle_collection):
    application = Watched()
    served(application, "/", **VISITOR)
    status, headers, body = served(application, "/", **VISITOR)
    assert (status, headers["X-Page-Cache"]) == ("200 OK", "hit")
    assert b"<html" in body
    # Only reference counting ran: nothing held the request any more.
    assert application.requests[-1]() is None


def test_a_rendered_page_lets_go_of_what_it_loaded(product, no_cycle_collection):
    """A render's template contexts are cycles of Django's own that point at the request: they
    wait for the collector, but no longer hold the visitor, the answers or the session."""
    application = Watched()
    status, headers, _body = served(application, "/", **VISITOR)
    assert (status, headers["X-Page-Cache"]) == ("200 OK", "miss")
    request = application.requests[-1]()
    assert request is None or vars(request) == {}


def test_djangos_own_handler_leaves_the_request_to_the_collector(product, no_cycle_collection):
    """What the handler changes: the same page through Django's handler outlives its response."""
    from django.core.handlers.wsgi import WSGIHandler

    class Plain(WSGIHandler):
        requests: list[weakref.ref] = []

        def get_response(self, request):
            self.requests.append(weakref.ref(request))
            return super().get_response(request)

    application = Plain()
    served(application, "/", **VISITOR)
    _status, headers, _body = served(application, "/", **VISITOR)
    assert headers["X-Page-Cache"] == "hit"
    assert application.requests[-1]() is not None
    gc.collect()
    assert application.requests[-1]() is None
