"""A database restart (here: the server ending our connection) costs no shopper a 500.

Each test ends only the connection under test, from a second connection, by its process id:
what a restart or a failover does to every persistent or pooled connection at once.
"""

from __future__ import annotations

from contextlib import contextmanager

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test import Client
from django.urls import reverse

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL (DATABASE_URL=postgres://...): SQLite is a file, not a server "
        "that can restart, so it has no connection to lose.",
    ),
    pytest.mark.django_db(transaction=True),
]


def page(client: Client, url: str):
    """Get a page as a WSGI server would: Django's request_started and request_finished
    signals run close_old_connections around it (the test client leaves that out)."""
    request_started.send(sender=WSGIHandler, environ={})
    try:
        return client.get(url)
    finally:
        request_finished.send(sender=WSGIHandler)


def backend_pid() -> int:
    return connection.connection.info.backend_pid


def terminate(pid: int) -> None:
    """End one backend from a separate connection (never from the pool under test), and wait
    until it is gone."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        ended = other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()
    assert ended == (True,)


@contextmanager
def database_options(**changes):
    """Run with the connection's settings changed (CONN_MAX_AGE, OPTIONS) as production sets them,
    keeping everything else as the settings module made it, CONN_HEALTH_CHECKS included."""
    saved = {key: connection.settings_dict[key] for key in changes}
    connection.close()
    connection.settings_dict.update(changes)
    try:
        yield
    finally:
        connection.close()
        connection.close_pool()
        connection.settings_dict.update(saved)


@pytest.fixture
def shop_client(product, settings) -> Client:
    # Pages that query the database on every request: rendered, not from the decision cache
    # (a page from the cache may need no query at all).
    settings.PAGECACHE_ENABLED = False
    return Client(raise_request_exception=False)


def test_a_persistent_connection_ended_by_the_server_costs_no_request_a_500(shop_client):
    url = reverse("catalog:product", kwargs={"slug": "salmon-cat-food"})
    with database_options(CONN_MAX_AGE=600):
        assert page(shop_client, url).status_code == 200
        pid = backend_pid()
        assert page(shop_client, url).status_code == 200
        assert backend_pid() == pid  # persistent: the same connection served both

        terminate(pid)

        assert page(shop_client, url).status_code == 200
        assert backend_pid() != pid


def test_a_pooled_connection_ended_by_the_server_costs_no_request_a_500(shop_client):
    url = reverse("catalog:product", kwargs={"slug": "salmon-cat-food"})
    pool = {"min_size": 1, "max_size": 1, "timeout": 5}
    with database_options(
        CONN_MAX_AGE=0, OPTIONS={**connection.settings_dict["OPTIONS"], "pool": pool}
    ):
        assert page(shop_client, url).status_code == 200
        connection.ensure_connection()
        pid = backend_pid()
        connection.close()  # back to the pool, still open
        terminate(pid)

        assert page(shop_client, url).status_code == 200
        connection.ensure_connection()
        assert backend_pid() != pid
