"""Benchmark: the cost of resolving a full Visitor (location by GeoIP, device from the
User-Agent, language, local time, consent, history, region sets) for one request.

Target: under 0.3 ms median, and no SQL query for an anonymous visitor beyond the session's.
Run with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import time

import harness

harness.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from personalization.consent import consent_store  # noqa: E402
from personalization.models import RegionSet  # noqa: E402
from personalization.resolvers.device import classify  # noqa: E402
from personalization.visitor import resolve_visitor  # noqa: E402

ROUNDS = 5000
USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
]
ADDRESSES = ["133.242.0.1", "81.2.69.160", "8.8.8.8", "2001:240::1"]


def consent_cookie() -> str:
    response = HttpResponse()
    consent_store(response, purposes={"personalization", "analytics"})
    return response.cookies["sf_consent"].value


def requests(factory: RequestFactory, cookie: str):
    for index in range(ROUNDS):
        request = factory.get(
            "/",
            HTTP_USER_AGENT=USER_AGENTS[index % len(USER_AGENTS)],
            HTTP_ACCEPT_LANGUAGE="ja-JP,ja;q=0.9,en;q=0.8",
            REMOTE_ADDR=ADDRESSES[index % len(ADDRESSES)],
        )
        request.COOKIES["sf_consent"] = cookie
        request.user = AnonymousUser()
        request.session = SessionStore()
        yield request


def measure(label: str) -> None:
    factory = RequestFactory()
    cookie = consent_cookie()
    for request in requests(factory, cookie):  # warm up: parsers, snapshot, databases
        resolve_visitor(request=request)
        break
    timings = []
    for request in requests(factory, cookie):
        start = time.perf_counter()
        resolve_visitor(request=request)
        timings.append(time.perf_counter() - start)
    request = next(requests(factory, cookie))
    with CaptureQueriesContext(connection) as queries:
        visitor = resolve_visitor(request=request)
    median = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20)[18] * 1000
    print(
        f"{label:<38} median {median:.3f} ms  p95 {p95:.3f} ms  "
        f"queries {len(queries)}  ({visitor.country}/{visitor.source('country')}, "
        f"{visitor.device})"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--no-images", stdout=quiet)
    print(f"region sets: {RegionSet.objects.count()}, rounds: {ROUNDS}")
    measure("bundled offline GeoIP (iptocc)")
    maxmind = harness.ROOT / "tests" / "data" / "maxmind" / "GeoIP2-City-Test.mmdb"
    if maxmind.exists():
        with override_settings(PERSONALIZATION_GEOIP_PATH=str(maxmind)):
            measure("MaxMind City database (test data)")
    classify.cache_clear()
    start = time.perf_counter()
    for user_agent in USER_AGENTS:
        classify(user_agent + " bench")
    cold = (time.perf_counter() - start) / len(USER_AGENTS) * 1000
    print(f"{'uncached User-Agent parse':<38} mean {cold:.3f} ms (cached afterwards)")


if __name__ == "__main__":
    main()
