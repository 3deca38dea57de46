"""The kernel's start-up checks: a snapshot version model that cannot work is refused once."""

from __future__ import annotations

from kernel.checks import snapshot_version_model_check


def test_the_shops_snapshot_version_model_passes():
    assert snapshot_version_model_check(None) == []


def test_a_missing_snapshot_version_model_is_an_error(settings):
    del settings.KERNEL_SNAPSHOT_VERSION_MODEL

    [error] = snapshot_version_model_check(None)

    assert error.id == "kernel.E001"


def test_a_model_without_a_version_field_is_an_error(settings):
    settings.KERNEL_SNAPSHOT_VERSION_MODEL = "catalog.Category"

    [error] = snapshot_version_model_check(None)

    assert error.id == "kernel.E001"
    assert "version" in error.msg or "name" in error.msg
