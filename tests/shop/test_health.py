"""The liveness probe answers without the database, so a load balancer can tell a live worker."""

from __future__ import annotations

from django.urls import reverse


def test_the_liveness_probe_answers_ok_without_a_query(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
