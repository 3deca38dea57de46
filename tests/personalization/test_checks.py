"""Start-up checks: settings that would fail quietly on every request are refused once, when the
shop starts (`manage.py check`, `migrate`, `runserver`), with the value and the fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error, Warning
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from personalization.checks import (
    cache_shared_check,
    cache_shared_deploy_check,
    trusted_proxies_check,
)

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}
}


@pytest.fixture(autouse=True)
def _one_worker(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)


# TRUSTED_PROXIES


def test_well_formed_proxies_pass(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]
    assert trusted_proxies_check(None) == []


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "load-balancer", "10.0.0.1/8", "10.0.0.0/8 "])
def test_a_malformed_proxy_is_refused_by_name(settings, bad):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["192.0.2.0/24", bad]
    errors = trusted_proxies_check(None)
    assert [e.id for e in errors] == ["personalization.E001"]
    assert isinstance(errors[0], Error)
    assert repr(bad) in errors[0].msg
    assert "TRUSTED_PROXIES" in errors[0].hint


def test_a_single_string_instead_of_a_list_is_refused(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = "10.0.0.0/8"
    errors = trusted_proxies_check(None)
    assert [e.id for e in errors] == ["personalization.E001"]


def test_manage_py_check_refuses_to_start_with_a_malformed_proxy(settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(SystemCheckError, match="10.0.0.0/33"):
        call_command("check")


def test_a_malformed_proxy_from_the_environment_is_refused():
    """The value an operator types: comma-separated, read by the settings module."""
    env = {
        "DEBUG": "1",
        "TRUSTED_PROXIES": "10.0.0.0/8, 10.1.2.3/16",
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "shop.settings",
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "personalization.E001" in run.stderr
    assert "'10.1.2.3/16'" in run.stderr


# The cache every worker shares


def test_local_memory_cache_with_one_worker_passes(settings):
    settings.CACHES = LOCMEM
    assert cache_shared_check(None) == []


@pytest.mark.parametrize(
    "variable, value",
    [
        ("WEB_CONCURRENCY", "4"),
        ("GUNICORN_CMD_ARGS", "--bind 0.0.0.0:8000 --workers 3"),
        ("GUNICORN_CMD_ARGS", "--workers=2"),
        ("GUNICORN_CMD_ARGS", "-w 2 --timeout 30"),
    ],
)
def test_local_memory_cache_with_several_workers_is_refused(settings, monkeypatch, variable, value):
    settings.CACHES = LOCMEM
    monkeypatch.setenv(variable, value)
    errors = cache_shared_check(None)
    assert [e.id for e in errors] == ["personalization.E002"]
    assert isinstance(errors[0], Error)
    assert "REDIS_URL" in errors[0].hint


def test_one_gunicorn_worker_with_local_memory_passes(settings, monkeypatch):
    settings.CACHES = LOCMEM
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--workers 1")
    assert cache_shared_check(None) == []


def test_a_shared_cache_with_several_workers_passes(settings, monkeypatch):
    settings.CACHES = REDIS
    monkeypatch.setenv("WEB_CONCURRENCY", "8")
    assert cache_shared_check(None) == []


def test_a_worker_count_that_is_not_a_number_is_refused(settings, monkeypatch):
    settings.CACHES = REDIS
    monkeypatch.setenv("WEB_CONCURRENCY", "four")
    errors = cache_shared_check(None)
    assert [e.id for e in errors] == ["personalization.E003"]
    assert "'four'" in errors[0].msg


def test_manage_py_check_refuses_local_memory_with_several_workers(settings, monkeypatch):
    settings.CACHES = LOCMEM
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(SystemCheckError, match="personalization.E002"):
        call_command("check")


def test_deploy_check_warns_when_production_has_no_shared_cache(settings):
    settings.CACHES = LOCMEM
    settings.DEBUG = False
    warnings = [w for w in cache_shared_deploy_check(None) if isinstance(w, Warning)]
    assert [w.id for w in warnings] == ["personalization.W004"]
    assert "REDIS_URL" in warnings[0].hint


def test_manage_py_check_deploy_fails_on_the_warning_without_a_shared_cache(settings):
    settings.CACHES = LOCMEM
    settings.DEBUG = False
    with pytest.raises(SystemCheckError, match="personalization.W004"):
        call_command("check", deploy=True, fail_level="WARNING")


def test_deploy_check_is_quiet_with_a_shared_cache(settings):
    settings.CACHES = REDIS
    settings.DEBUG = False
    assert cache_shared_deploy_check(None) == []


def test_a_laptop_needs_no_shared_cache(settings):
    settings.CACHES = LOCMEM
    settings.DEBUG = True
    assert cache_shared_deploy_check(None) == []
