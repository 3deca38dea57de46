"""Benchmark: the support inbox and a conversation page with 1,000 and 100,000 conversations,
and the shopper's poll. The inbox reads one page of rows (no count of them all), a
conversation page a bounded number of rows about its customer, and a poll while nothing
changed reads the cache only: the queries must be the same whatever the number of
conversations, and the times close.

Run on PostgreSQL (what production uses):
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/support_bench .venv/bin/python bench/support.py`
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import time

import harness

harness.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from shop.orders.models import Order  # noqa: E402
from shop.support.models import Conversation, Message, Waiting  # noqa: E402
from shop.support.services import conversation_link_token  # noqa: E402

ROUNDS = 30
SIZES = (1_000, 100_000)


def measure(client: Client, url: str, **params: str) -> tuple[float, int, float, int]:
    for _ in range(3):
        client.get(url, params)
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url, params)
        timings.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    # The database's share, apart from rendering (a loaded machine slows rendering most).
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    return statistics.median(timings) * 1000, len(queries), sql_ms, response.status_code


def report(name: str, ms: float, queries: int, sql: float, status: int) -> None:
    print(f"  {name:26} {ms:7.1f} ms median  {queries:2d} queries  {sql:6.1f} ms SQL  ({status})")


def fill(total: int, agents: list[User], emails: list[str]) -> None:
    """Conversations from a few thousand customers, each with a question and most answered."""
    rng = random.Random(total)
    now = timezone.now()
    have = Conversation.objects.count()
    batch: list[Conversation] = []
    for n in range(have, total):
        asked = now - datetime.timedelta(minutes=rng.randint(1, 60 * 24 * 365))
        answered = rng.random() < 0.8
        batch.append(
            Conversation(
                token=f"bench-{n}",
                email=rng.choice(emails),
                name=f"Shopper {n}",
                topic=rng.choice(["order", "product", "delivery", "other"]),
                status="closed" if answered and rng.random() < 0.7 else "open",
                waiting=Waiting.SHOPPER if answered else Waiting.US,
                assignee=rng.choice(agents),
                due_at=asked + datetime.timedelta(hours=1),
                local_hour=rng.randint(0, 23),
                first_response_at=asked + datetime.timedelta(minutes=rng.randint(5, 900))
                if answered
                else None,
                csat=rng.choice([None, 3, 4, 5]) if answered else None,
                created_at=asked,
                updated_at=asked,
            )
        )
        if len(batch) == 5_000:
            _save(batch)
            batch = []
    _save(batch)


def _save(batch: list[Conversation]) -> None:
    saved = Conversation.objects.bulk_create(batch)
    Message.objects.bulk_create(
        Message(conversation=c, body="Where is my parcel?", created_at=c.created_at) for c in saved
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--no-images", stdout=quiet)
    Conversation.objects.filter(token__startswith="bench-").delete()
    agents = list(User.objects.filter(groups__name="Support")) or list(
        User.objects.filter(is_superuser=True)
    )
    agent = User.objects.get(email="support@example.com")
    assert agent.groups.filter(pk=Group.objects.get(name="Support").pk).exists()
    emails = [f"bench{n}@example.com" for n in range(5_000)]
    staff = Client(HTTP_HOST="localhost")
    staff.force_login(agent)
    shopper = Client(HTTP_HOST="localhost")
    print(f"database: {connection.vendor}")
    for total in SIZES:
        fill(total, agents, emails)
        connection.cursor().execute("ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        conversation = Conversation.objects.filter(token__startswith="bench-").order_by("-pk")[0]
        Order.objects.filter(idempotency_key="demo-1").update(email=conversation.email)
        poll = f"/support/c/{conversation_link_token(conversation)}/poll/"
        cases = {
            "inbox (waiting for us)": ("/support/inbox/", {"filter": "us"}),
            "inbox (overdue)": ("/support/inbox/", {"filter": "overdue"}),
            "inbox (closed, page 20)": ("/support/inbox/", {"filter": "closed", "page": "20"}),
            "conversation page": (f"/support/inbox/{conversation.token}/", {}),
        }
        print(f"\n{Conversation.objects.count():,} conversations")
        for name, (url, params) in cases.items():
            ms, queries, sql, status = measure(staff, url, **params)
            report(name, ms, queries, sql, status)
        ms, queries, sql, status = measure(shopper, poll, v=str(conversation.version))
        report("shopper poll, no change", ms, queries, sql, status)
    Conversation.objects.filter(token__startswith="bench-").delete()


if __name__ == "__main__":
    main()
