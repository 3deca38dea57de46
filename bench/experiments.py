"""Benchmark: experiments on the home page, and how fast events go in.

1. The home page rendered in process for a visitor who allowed analytics, with no experiment
   and with 10 running (tests of both home slots and 8 offer tests, 100% traffic: the visitor
   takes part in all 10 and each render records two exposures). Median and p95 time, SQL
   queries. Target: at most 1.05x the time, the same queries.
2. Event ingestion: `record()` for an enrolled visitor into the buffer (memory, or Redis when
   REDIS_URL is set), then `events_drain()` into ExperimentEvent and Enrollment.

Run with `make bench` or `.venv/bin/python bench/experiments.py`.
"""

from __future__ import annotations

import os
import statistics
import time
from types import MappingProxyType

import harness

harness.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from personalization.conf import app_settings  # noqa: E402
from personalization.consent import consent_store  # noqa: E402
from personalization.experiments.buffer import event_buffer  # noqa: E402
from personalization.experiments.events import EventKind, record  # noqa: E402
from personalization.experiments.models import (  # noqa: E402
    Arm,
    Enrollment,
    Experiment,
    ExperimentKind,
    ExperimentStatus,
)
from personalization.experiments.services import events_drain  # noqa: E402
from personalization.identity import SALT  # noqa: E402
from personalization.models import Slot, Variant  # noqa: E402
from personalization.visitor import Fact, Source, Visitor  # noqa: E402

ROUNDS = 200
EVENTS = 20_000


def consenting_client() -> Client:
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    response = HttpResponse()
    consent_store(response, purposes={"personalization", "analytics"})
    response.set_signed_cookie(app_settings.VISITOR_ID_COOKIE, "b" * 22, salt=SALT)
    for name in (app_settings.CONSENT_COOKIE, app_settings.VISITOR_ID_COOKIE):
        client.cookies[name] = response.cookies[name].value
    return client


def experiments_create() -> None:
    for key in ("home-hero", "home-strip"):
        slot = Slot.objects.get(key=key)
        variant = Variant.objects.create(
            slot=slot, name=f"{key} test", headline="Tested", is_active=False
        )
        experiment = Experiment.objects.create(
            key=f"test-{key}", name=f"Test of {key}", kind=ExperimentKind.SLOT, slot=slot,
            status=ExperimentStatus.RUNNING,
        )  # fmt: skip
        Arm.objects.create(experiment=experiment, key="control", name="Control", is_control=True)
        Arm.objects.create(experiment=experiment, key="b", name="B", variant=variant)
    for n in range(8):
        experiment = Experiment.objects.create(
            key=f"offer-{n}", name=f"Offer test {n}", kind=ExperimentKind.OFFER,
            status=ExperimentStatus.RUNNING,
        )  # fmt: skip
        Arm.objects.create(experiment=experiment, key="control", name="Control", is_control=True)
        Arm.objects.create(experiment=experiment, key="treatment", name="Treatment")


def measure(client: Client) -> tuple[float, float, int]:
    client.get("/")  # warm up: snapshots loaded, cookies set
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


def ingestion(client: Client) -> None:
    """1,000 visitors (copies of a resolved one, each with their own id) in all 10 experiments,
    two events each: 20,000 events."""
    resolved = client.get("/").wsgi_request.visitor
    facts = dict(resolved.facts)
    visitors = [
        Visitor(
            facts=MappingProxyType(
                {**facts, "experiment_visitor": Fact(f"{n:032x}", Source.EXPERIMENT)}
            ),
            now=resolved.now,
        )
        for n in range(EVENTS // 20)
    ]
    events_drain(max_batches=10**6)
    start = time.perf_counter()
    for visitor in visitors:
        record(visitor, EventKind.EXPOSURE)
        record(visitor, EventKind.CLICK)
    recorded = time.perf_counter() - start
    waiting = event_buffer().size()
    start = time.perf_counter()
    written = events_drain(max_batches=10**6)
    drained = time.perf_counter() - start
    calls = len(visitors) * 2
    print(f"\nbuffer: {type(event_buffer()).__name__}; {waiting} events in {calls} record() calls")
    print(
        f"record(): {waiting / recorded:>9,.0f} events/s ({recorded * 1e6 / calls:.0f} us a call)"
    )
    print(
        f"drain:    {written / drained:>9,.0f} events/s ({Enrollment.objects.count()} enrollments)"
    )
    print(f"overall:  {written / (recorded + drained):>9,.0f} events/s")


def main() -> None:
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--no-images", stdout=quiet)
    Experiment.objects.all().delete()
    client = consenting_client()
    print(f"{'experiments':>11}  {'median ms':>9} {'p95 ms':>7} {'queries':>7}  ratio")
    base, p95, queries = measure(client)
    print(f"{0:>11}  {base:>9.2f} {p95:>7.2f} {queries:>7}  1.00")
    experiments_create()
    median, p95, queries = measure(client)
    print(f"{10:>11}  {median:>9.2f} {p95:>7.2f} {queries:>7}  {median / base:.2f}")
    ingestion(client)


if __name__ == "__main__":
    main()
