"""The next best action on a page: shown once, turned away for now or for good, capped per
week, explained, and safe whatever a provider or a visitor sends."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from personalization.actions.models import ActionDismissal

from .conftest import make_action

pytestmark = pytest.mark.django_db

HOME = "/"


def dismiss(client: Client, kind: str, *, forever: bool = False, htmx: bool = False, place="home"):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        reverse("actions:dismiss"),
        {"place": place, "kind": kind, "forever": "1" if forever else "0", "next": "/"},
        headers=headers,
    )


def test_the_best_scored_action_is_the_one_shown(client, fake_providers):
    fake_providers += [
        make_action("basket-waiting", title="You left 3 items in your basket", score=50),
        make_action("order-arriving", title="Arriving Thursday — track it", score=80),
    ]
    page = client.get(HOME).content.decode()
    assert "Arriving Thursday — track it" in page
    assert "You left 3 items" not in page


def test_an_action_for_other_places_or_expired_is_not_shown(client, fake_providers, settings):
    import datetime

    from django.utils import timezone

    fake_providers += [
        make_action("a", title="Only on the basket page", places=frozenset({"basket"})),
        make_action(
            "b", title="Expired", expires_at=timezone.now() - datetime.timedelta(minutes=1)
        ),
    ]
    page = client.get(HOME).content.decode()
    assert "Only on the basket page" not in page
    assert "Expired" not in page


def test_a_link_to_another_site_is_never_shown(client, fake_providers):
    fake_providers += [make_action("evil", title="Go elsewhere", url="https://evil.example/")]
    fake_providers += [make_action("evil2", title="Also elsewhere", url="//evil.example/x")]
    page = client.get(HOME).content.decode()
    assert "elsewhere" not in page


def test_what_a_provider_writes_is_escaped(client, fake_providers):
    fake_providers += [make_action(title="<script>alert(1)</script>", body="<b>bold</b>")]
    page = client.get(HOME).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_not_now_hides_the_kind_for_a_day_and_the_next_one_takes_its_place(
    client, fake_providers, settings
):
    fake_providers += [
        make_action("order-arriving", title="Arriving Thursday", score=80),
        make_action("basket-waiting", title="You left 3 items", score=50),
    ]
    response = dismiss(client, "order-arriving", htmx=True)
    assert response.status_code == 200
    assert "You left 3 items" in response.content.decode()  # swapped in at once
    page = client.get(HOME).content.decode()
    assert "Arriving Thursday" not in page and "You left 3 items" in page


def test_not_now_ends_after_the_snooze(client, fake_providers, settings, time_machine):
    import datetime

    fake_providers += [make_action("order-arriving", title="Arriving Thursday")]
    dismiss(client, "order-arriving")
    assert "Arriving Thursday" not in client.get(HOME).content.decode()
    time_machine.shift(datetime.timedelta(hours=25))
    assert "Arriving Thursday" in client.get(HOME).content.decode()


def test_never_hides_the_kind_for_good(client, fake_providers, time_machine):
    import datetime

    fake_providers += [make_action("season-ahead", title="Winter is coming")]
    response = dismiss(client, "season-ahead", forever=True)
    assert response.status_code == 302  # without JavaScript: back to the page
    time_machine.shift(datetime.timedelta(days=20))
    assert "Winter is coming" not in client.get(HOME).content.decode()


def test_a_kind_not_offered_cannot_be_dismissed_and_nothing_is_stored(client, fake_providers):
    fake_providers += [make_action("order-arriving")]
    response = dismiss(client, "made-up-kind", htmx=True)
    assert response.status_code == 400
    assert "no longer offered" in response.content.decode()
    assert "actions_dismissed" not in client.session
    response = dismiss(client, "order-arriving", place="nowhere", htmx=True)
    assert response.status_code == 400


def test_dismissing_needs_a_csrf_token(fake_providers):
    fake_providers += [make_action("order-arriving")]
    client = Client(enforce_csrf_checks=True)
    assert dismiss(client, "order-arriving").status_code == 403


def test_a_signed_in_shopper_s_choice_is_kept_on_the_account(client, user, fake_providers):
    fake_providers += [make_action("order-arriving", title="Arriving Thursday")]
    client.force_login(user)
    dismiss(client, "order-arriving", forever=True)
    assert ActionDismissal.objects.filter(user=user, kind="order-arriving", until=None).exists()
    other_browser = Client()
    other_browser.force_login(user)
    assert "Arriving Thursday" not in other_browser.get(HOME).content.decode()


def test_signing_in_moves_the_session_s_choices_to_the_account(client, user, fake_providers):
    fake_providers += [make_action("season-ahead", title="Winter is coming")]
    dismiss(client, "season-ahead", forever=True)
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct-horse-battery"},
    )
    assert ActionDismissal.objects.filter(user=user, kind="season-ahead", until=None).exists()
    assert "Winter is coming" not in client.get(HOME).content.decode()


def test_a_weekly_cap_stops_a_kind_after_so_many_showings(
    consenting_client, fake_providers, time_machine
):
    import datetime

    client = consenting_client
    fake_providers += [make_action("basket-waiting", title="You left 3 items", weekly_cap=2)]
    assert "You left 3 items" in client.get(HOME).content.decode()
    assert "You left 3 items" in client.get(HOME).content.decode()
    assert "You left 3 items" not in client.get(HOME).content.decode()
    time_machine.shift(datetime.timedelta(days=8))
    assert "You left 3 items" in client.get(HOME).content.decode()


def test_without_consent_nothing_is_counted_in_a_cookie(client, fake_providers):
    fake_providers += [make_action("basket-waiting", title="You left 3 items", weekly_cap=1)]
    response = client.get(HOME)
    assert "You left 3 items" in response.content.decode()
    assert "sf_nba" not in response.cookies
    assert "You left 3 items" in client.get(HOME).content.decode()


def test_a_tampered_cap_cookie_counts_as_nothing(consenting_client, fake_providers):
    fake_providers += [make_action("basket-waiting", title="You left 3 items", weekly_cap=1)]
    consenting_client.cookies["sf_nba"] = "forged-value"
    assert "You left 3 items" in consenting_client.get(HOME).content.decode()
    assert "You left 3 items" not in consenting_client.get(HOME).content.decode()


def test_why_explains_the_action_in_a_popover_and_on_a_page(client, fake_providers):
    fake_providers += [make_action(why="Your order SF-1 is on its way <b>soon</b>.")]
    popover = client.get(reverse("actions:why", args=["home"]), headers={"HX-Request": "true"})
    assert "Your order SF-1 is on its way &lt;b&gt;soon&lt;/b&gt;." in popover.content.decode()
    page = client.get(reverse("actions:why", args=["home"]))
    assert page.status_code == 200
    assert "Your order SF-1 is on its way" in page.content.decode()
    assert client.get(reverse("actions:why", args=["nowhere"])).status_code == 404


def test_a_broken_provider_never_breaks_the_page(client, fake_providers, settings):
    settings.PERSONALIZATION_ACTION_PROVIDERS = [
        "tests.personalization.actions.fakes.broken",
        "tests.personalization.actions.fakes.provider",
    ]
    fake_providers += [make_action(title="Still here")]
    response = client.get(HOME)
    assert response.status_code == 200
    assert "Still here" in response.content.decode()


def test_search_engines_get_no_action(client, fake_providers):
    fake_providers += [make_action(title="Arriving Thursday")]
    page = client.get(
        HOME, headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}
    )
    assert "Arriving Thursday" not in page.content.decode()


def test_an_action_never_leads_to_the_page_it_is_shown_on(client, fake_providers):
    fake_providers += [
        make_action("a", title="Go home", url="/", score=90),
        make_action("b", title="See your basket", url="/basket/", score=10),
    ]
    assert "See your basket" in client.get(HOME).content.decode()
    assert "Go home" not in client.get(HOME).content.decode()


def test_shared_state_is_loaded_once_however_many_providers_and_places_read_it(
    client, user, fake_providers, settings
):
    from . import fakes

    settings.PERSONALIZATION_ACTION_PROVIDERS = [
        "tests.personalization.actions.fakes.orders_reader"
    ] * 5
    settings.PERSONALIZATION_ACTION_STATE = {
        "orders": "tests.personalization.actions.fakes.orders_loader"
    }
    client.force_login(user)
    client.get("/accounts/profile/")
    assert fakes.LOADS == ["orders"]


def test_state_that_cannot_be_loaded_leaves_the_page_without_an_action(
    client, fake_providers, settings
):
    settings.PERSONALIZATION_ACTION_PROVIDERS = [
        "tests.personalization.actions.fakes.orders_reader",
        "tests.personalization.actions.fakes.provider",
    ]
    settings.PERSONALIZATION_ACTION_STATE = {
        "orders": "tests.personalization.actions.fakes.broken_loader"
    }
    fake_providers += [make_action(title="Still suggested")]
    response = client.get(HOME)
    assert response.status_code == 200
    assert "Still suggested" in response.content.decode()


def test_download_my_data_lists_what_was_turned_away(client, fake_providers):
    fake_providers += [make_action("season-ahead")]
    dismiss(client, "season-ahead", forever=True)
    data = client.get(reverse("personalization:export")).json()
    assert data["next_best_action"]["dismissed"] == {"season-ahead": "never"}


def test_a_script_dismissing_in_a_loop_is_stopped_and_stores_nothing_more(
    client, fake_providers, settings
):
    settings.PERSONALIZATION_ACTION_RATE = "3/m"
    fake_providers += [make_action("order-arriving"), make_action("season-ahead")]
    for _ in range(3):
        assert dismiss(client, "order-arriving", htmx=True).status_code == 200
    refused = dismiss(client, "season-ahead", htmx=True)
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert list(client.session["actions_dismissed"]) == ["order-arriving"]
