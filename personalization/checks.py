"""Start-up checks for settings that would otherwise fail quietly on every request.

Registered in PersonalizationConfig.ready(); Django runs them before `runserver`, `migrate` and
`check` (CI runs `check --deploy`). Identifiers:

- personalization.E001: TRUSTED_PROXIES holds something that is not an address or a network.
- personalization.E002: the local-memory cache with more than one web worker.
- personalization.E003: a web worker count that is not a number.
- personalization.W004 (deploy): production (DEBUG off) without a cache the processes share.
- personalization.E005: a holdout share (HOLDOUT_PERCENT) that is not a number from 0 to 50.
- personalization.E006: a block in PERSONALIZATION_BLOCKS that does not import or cannot render.
"""

from __future__ import annotations

import os
import shlex

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .conf import app_settings, networks_parse

# Caches that each process keeps to itself (or does not keep at all): throttling counters and
# the version that tells every worker to reload a snapshot would not reach the other workers,
# nor the Celery workers.
UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register()
def trusted_proxies_check(app_configs, **kwargs) -> list[Error]:
    try:
        networks_parse(app_settings.TRUSTED_PROXIES)
    except ValueError as error:
        return [
            Error(
                f"TRUSTED_PROXIES: {error}.",
                hint=(
                    "Set TRUSTED_PROXIES (PERSONALIZATION_TRUSTED_PROXIES) to the addresses or "
                    "CIDR networks of your load balancer or CDN edges, comma-separated in the "
                    "environment, e.g. TRUSTED_PROXIES=10.0.0.0/8,2001:db8::/32. A network "
                    "ends in zero host bits (10.1.0.0/16, not 10.1.2.3/16)."
                ),
                id="personalization.E001",
            )
        ]
    return []


def web_workers() -> int:
    """The number of web worker processes this deployment runs, as gunicorn would count them:
    `--workers`/`-w` in GUNICORN_CMD_ARGS, else WEB_CONCURRENCY, else 1. ValueError names a
    value that is not a whole number."""
    arguments = shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))
    count = None
    for index, argument in enumerate(arguments):
        if argument in ("--workers", "-w") and index + 1 < len(arguments):
            count = arguments[index + 1]
        elif argument.startswith("--workers="):
            count = argument.split("=", 1)[1]
        elif argument.startswith("-w") and len(argument) > 2:
            count = argument[2:]
    if count is None:
        count = os.environ.get("WEB_CONCURRENCY", "") or "1"
    try:
        return int(count)
    except ValueError:
        raise ValueError(f"{count!r} is not a number of web workers") from None


def _cache_shared() -> bool:
    return settings.CACHES["default"]["BACKEND"] not in UNSHARED_CACHES


@register(Tags.caches)
def cache_shared_check(app_configs, **kwargs) -> list[Error]:
    try:
        workers = web_workers()
    except ValueError as error:
        return [
            Error(
                f"{error} (GUNICORN_CMD_ARGS or WEB_CONCURRENCY).",
                hint="Give the number of web worker processes as a whole number, e.g. 4.",
                id="personalization.E003",
            )
        ]
    if workers > 1 and not _cache_shared():
        return [
            Error(
                f"{workers} web workers would each keep their own local-memory cache: "
                "throttling would count per worker and saved content, offers and region sets "
                "would reach only the worker that saved them.",
                hint=(
                    "Set REDIS_URL so that every worker shares one cache, or run a single "
                    "worker (WEB_CONCURRENCY=1)."
                ),
                id="personalization.E002",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def cache_shared_deploy_check(app_configs, **kwargs) -> list[Warning]:
    if settings.DEBUG or _cache_shared():
        return []
    return [
        Warning(
            "Production (DEBUG off) runs on a cache each process keeps to itself: Celery "
            "workers and any further web worker would not see throttling counters or "
            "snapshot versions.",
            hint="Set REDIS_URL to the Redis that the web and Celery workers share.",
            id="personalization.W004",
        )
    ]


@register()
def holdout_check(app_configs, **kwargs) -> list[Error]:
    value = app_settings.HOLDOUT_PERCENT
    try:
        valid = 0 <= float(value) <= 50 and not isinstance(value, bool)
    except (TypeError, ValueError):
        valid = False
    if valid:
        return []
    return [
        Error(
            f"HOLDOUT_PERCENT is {value!r}.",
            hint=(
                "Set HOLDOUT_PERCENT (PERSONALIZATION_HOLDOUT_PERCENT) to the percent of visitors "
                "who see defaults everywhere, from 0 (off) to 50; 5 is usual."
            ),
            id="personalization.E005",
        )
    ]


@register()
def blocks_check(app_configs, **kwargs) -> list[Error]:
    from django.utils.module_loading import import_string

    errors = []
    for key, path in dict(app_settings.BLOCKS).items():
        try:
            block = import_string(path)
        except ImportError as error:
            problem = str(error)
        else:
            if callable(getattr(block, "render", None)) and hasattr(block, "label"):
                continue
            problem = "it has no label and render()"
        errors.append(
            Error(
                f"PERSONALIZATION_BLOCKS[{key!r}] = {path!r}: {problem}.",
                hint="Name an object with a label and a render(*, request, context, link).",
                id="personalization.E006",
            )
        )
    return errors
