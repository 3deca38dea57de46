"""Who may read an order's page on the shop: its shopper, and staff allowed to view orders —
not every staff account (an editor has no business with a shopper's address and phone)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_gets_404_on_someone_elses_order(order):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    response = signed_in(editor).get(order.get_absolute_url())
    assert response.status_code == 404
    assert "Aiko Tanaka" not in response.content.decode()


def test_a_merchandiser_gets_404_on_someone_elses_order(order):
    merchandiser = UserFactory(is_staff=True)
    merchandiser.groups.add(Group.objects.get(name="Merchandisers"))
    assert signed_in(merchandiser).get(order.get_absolute_url()).status_code == 404


def test_staff_allowed_to_view_orders_see_the_order(order):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    response = signed_in(clerk).get(order.get_absolute_url())
    assert response.status_code == 200
    assert "Aiko Tanaka" in response.content.decode()


def test_a_superuser_sees_the_order(order):
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert signed_in(admin).get(order.get_absolute_url()).status_code == 200


def test_the_permission_alone_without_staff_shows_nothing(order):
    shopper = UserFactory()
    shopper.user_permissions.add(Permission.objects.get(codename="view_order"))
    assert signed_in(shopper).get(order.get_absolute_url()).status_code == 404
