"""Benchmark: the home page rendered in process, with personalization off (every slot shows its
default) and with 1, 10, 100, 1,000 and 10,000 segments, each with 3 variants in both home
slots, none matching this visitor (a Japanese visitor; the segments test Korea or Taiwan and an
hour of the night).

With `--same-country` the segments test Japan and the night hour instead: every one is a
candidate the segment index cannot rule out, and is evaluated (the index's worst case).

Target: at 1,000 segments at most 1.15x the render time with personalization off, and the same
number of SQL queries. Run with `make bench` or `.venv/bin/python bench/slots.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import harness

harness.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from personalization.experiments.models import Experiment  # noqa: E402
from personalization.models import Condition, Segment, Slot, Variant  # noqa: E402
from personalization.slots import content_changed  # noqa: E402

ROUNDS = 300
HOME_SLOTS = ("home-hero", "home-strip")
COUNTRIES = ["JP"] if "--same-country" in sys.argv else ["KR", "TW"]


def grow(total: int) -> None:
    have = Segment.objects.count()
    segments = Segment.objects.bulk_create(
        Segment(name=f"Bench {n}", slug=f"bench-{n}") for n in range(have, total)
    )
    Condition.objects.bulk_create(
        condition
        for segment in segments
        for condition in (
            Condition(segment=segment, fact="country", operator="in", value=COUNTRIES),
            Condition(segment=segment, fact="local_hour", operator="between", value=[3, 4]),
        )
    )
    slots = list(Slot.objects.filter(key__in=HOME_SLOTS))
    Variant.objects.bulk_create(
        Variant(slot=slot, name=f"{segment.slug}-{i}", segment=segment, priority=i, headline="x")
        for segment in segments
        for slot in slots
        for i in range(3)
    )
    content_changed()


def measure(client: Client) -> tuple[float, float, int]:
    client.get("/")  # warm up: load and compile the content snapshot
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get("/")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    return (
        statistics.median(timings) * 1000,
        statistics.quantiles(timings, n=20)[18] * 1000,
        len(queries),
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--no-images", stdout=quiet)
    Experiment.objects.all().delete()  # the demo's tests hold variants; segments alone here
    Variant.objects.exclude(is_default=True).delete()
    Segment.objects.all().delete()
    content_changed()
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    print(f"{'segments':>8} {'variants':>8}  {'median ms':>9} {'p95 ms':>7} {'queries':>7}  ratio")
    with override_settings(PERSONALIZATION_ENABLED=False):
        base, p95, queries = measure(client)
    print(f"{'off':>8} {'-':>8}  {base:>9.2f} {p95:>7.2f} {queries:>7}  1.00")
    for total in (1, 10, 100, 1000, 10000):
        grow(total)
        median, p95, queries = measure(client)
        variants = Variant.objects.count()
        print(
            f"{total:>8} {variants:>8}  {median:>9.2f} {p95:>7.2f} {queries:>7}  "
            f"{median / base:.2f}"
        )


if __name__ == "__main__":
    main()
