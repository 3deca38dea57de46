"""Editors write the care guides; other staff cannot."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("group", "status"), [("Editors", 200), ("Merchandisers", 403)])
def test_only_editors_write_care_guides(client, group, status):
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=group))
    client.force_login(staff)
    assert client.get("/admin/lifecycle/careguide/add/").status_code == status
