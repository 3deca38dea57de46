"""Declared snapshots: one name each, models named as installed, bumped by their changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from kernel.snapshot import Snapshot, snapshot_register, snapshots_declared


def test_every_app_declares_its_snapshots_once():
    names = [declared.name for declared in snapshots_declared()]
    assert sorted(names) == [
        "care-guides",
        "catalog",
        "content",
        "experiments",
        "offers",
        "questions",
        "recommendation-areas",
        "region-sets",
        "reviews",
        "stores",
    ]


def test_a_name_declared_twice_is_refused():
    with pytest.raises(ImproperlyConfigured, match="'offers' is declared twice"):
        snapshot_register(Snapshot("offers", load=tuple))


def test_a_dependency_that_is_not_an_installed_model_is_refused():
    with pytest.raises(ImproperlyConfigured, match="'offers.Nothing'"):
        snapshot_register(Snapshot("test-broken", load=tuple, depends_on=("offers.Nothing",)))


def test_a_many_to_many_change_bumps_once_it_is_made(monkeypatch):
    bumped: list[str] = []
    declared = Snapshot("test-m2m", load=tuple)
    monkeypatch.setattr(declared, "bump", lambda: bumped.append("bump"))
    declared.changed(object, action="pre_add")
    declared.changed(object, action="post_add")
    declared.changed(object)  # a save or delete
    assert bumped == ["bump", "bump"]
