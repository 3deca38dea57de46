"""Benchmark: the htmx answer round trip (answer posted, card and slots re-rendered) in
process, and the SQL queries the profile card adds to the home page.

Target: a page with the card costs at most one extra query for a visitor with stored answers.
Run with `make bench`.
"""

from __future__ import annotations

import os
import statistics
import time

import harness

harness.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402

ROUNDS = 100
HTMX = {"HTTP_HX_REQUEST": "true"}


def queries(client: Client, path: str = "/") -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured)


def consenting_client() -> Client:
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    client.post("/privacy/consent/", {"choice": "all"})
    return client


def main() -> None:
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--no-images", stdout=quiet)

    client = consenting_client()
    client.get("/")
    timings = []
    for index in range(ROUNDS):
        start = time.perf_counter()
        response = client.post(
            "/profile/answer/", {"key": "name", "value": f"Aiko {index}"}, **HTMX
        )
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    print(
        f"htmx answer round trip: median {statistics.median(timings) * 1000:.2f} ms, "
        f"p95 {statistics.quantiles(timings, n=20)[18] * 1000:.2f} ms ({ROUNDS} answers)"
    )

    fresh = consenting_client()
    answered = consenting_client()
    answered.post("/profile/answer/", {"key": "pet", "value": "cat"})
    answered.post("/profile/answer/", {"key": "name", "value": "Aiko"})
    user = User.objects.create_user("bench@example.com", "a-long-pass-phrase")
    signed_in = consenting_client()
    signed_in.force_login(user)
    user_answered = consenting_client()
    user_answered.force_login(User.objects.create_user("bench2@example.com", "a-long-phrase"))
    user_answered.post("/profile/answer/", {"key": "pet", "value": "dog"})
    with override_settings(PERSONALIZATION_RESOLVERS=[]):
        base = queries(consenting_client())
    print(f"home page queries with personalization resolvers off: {base}")
    for label, who in (
        ("anonymous, no answers", fresh),
        ("anonymous, answers in the session", answered),
        ("signed in, no answers", signed_in),
        ("signed in, answers stored", user_answered),
    ):
        print(f"home page queries, {label:<36} {queries(who)}")


if __name__ == "__main__":
    main()
