"""Consent, asked once in a banner and changeable on /privacy/, and the visit history that only
personalization consent lets the site keep (in a signed cookie on the visitor's device)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from personalization.conf import app_settings
from personalization.consent import consent_for_request
from personalization.history import history_save, history_stored
from personalization.visitor import Source, resolve_visitor

pytestmark = pytest.mark.django_db

CONSENT = app_settings.CONSENT_COOKIE
HISTORY = app_settings.HISTORY_COOKIE
BANNER = "May we remember you?"
T0 = datetime.datetime(2025, 1, 15, 3, 0, tzinfo=datetime.UTC)


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def sets_history(response: HttpResponse) -> bool:
    """Whether the response stores a history cookie (deleting it does not count)."""
    morsel = response.cookies.get(HISTORY)
    return morsel is not None and morsel.value != ""


@pytest.fixture
def page_view(visitor_request, consent_cookie_value):
    """One page view at a given moment by a visitor who allowed personalization, as the
    middleware handles it: resolve the visitor, then store the history. Returns the visitor and
    the cookies the browser holds afterwards."""

    def view(at, cookies=None, path="/", headers=None):
        cookies = dict(cookies or {CONSENT: consent_cookie_value("personalization")})
        request = visitor_request(path, cookies=cookies, headers=headers)
        visitor = resolve_visitor(request=request, now=at)
        response = HttpResponse()
        history_save(request, response, at)
        if sets_history(response):  # else the browser keeps the cookie it has
            cookies[HISTORY] = response.cookies[HISTORY].value
        return visitor, cookies

    return view


# Consent


def test_without_a_consent_cookie_only_essential_cookies_are_allowed(visitor_request):
    visitor = resolve_visitor(request=visitor_request(), now=T0)
    assert visitor["consent"] == ("essential",)
    assert visitor["consent_chosen"] is False
    assert visitor.source("consent") == Source.DEFAULT


def test_the_consent_banner_shows_until_a_choice_is_made(client):
    response = client.get("/")
    assert response.status_code == 200
    assert BANNER in response.content.decode()


def test_accepting_all_stores_a_signed_consent_cookie(client, visitor_request):
    response = client.post(reverse("personalization:consent"), {"choice": "all", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    cookie = response.cookies[CONSENT]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    request = visitor_request(cookies={CONSENT: cookie.value})
    assert consent_for_request(request).granted == ("essential", "personalization", "analytics")


def test_after_accepting_the_banner_is_gone_on_the_next_page(client):
    response = client.post(
        reverse("personalization:consent"), {"choice": "all", "next": "/"}, follow=True
    )
    page = response.content.decode()
    assert "Your privacy choice is saved." in page
    assert BANNER not in page
    assert BANNER not in client.get("/stores/").content.decode()


def test_after_essential_only_no_history_cookie_is_ever_set(client):
    response = client.post(reverse("personalization:consent"), {"choice": "essential"})
    assert not sets_history(response)
    for path in ("/", "/stores/", "/why/", "/privacy/", "/region/"):
        assert not sets_history(client.get(path)), path
    assert not client.cookies.get(HISTORY, None) or client.cookies[HISTORY].value == ""


def test_after_essential_only_the_why_page_says_we_remember_nothing(client, why_facts_table):
    client.post(reverse("personalization:consent"), {"choice": "essential"})
    response = client.get("/why/")
    assert "We remember nothing about you" in response.content.decode()
    assert why_facts_table(response)["Visit number"] == (
        "not remembered",
        "not remembered: you have not allowed personalization",
    )


def test_global_privacy_control_removes_analytics_even_when_accepted(consenting_client):
    response = consenting_client.get(
        "/why/", headers={"Accept": "application/json", "Sec-GPC": "1"}
    )
    facts = response.json()["facts"]
    assert facts["consent"]["value"] == ["essential", "personalization"]
    assert facts["gpc"]["value"] is True


def test_the_privacy_page_explains_global_privacy_control(consenting_client):
    response = consenting_client.get("/privacy/", headers={"Sec-GPC": "1"})
    page = response.content.decode()
    assert "Global Privacy Control signal, so we never use analytics" in page
    analytics_box = re.search(r'<input[^>]*name="analytics"[^>]*>', page).group(0)
    assert "checked" not in analytics_box


def test_a_tampered_consent_cookie_counts_as_no_choice(client, consent_cookie_value):
    genuine = consent_cookie_value("essential")
    forged = genuine.replace("essential", "essential,personalization,analytics", 1)
    client.cookies[CONSENT] = forged
    response = client.get("/why/", headers={"Accept": "application/json"})
    facts = response.json()["facts"]
    assert facts["consent"]["value"] == ["essential"]
    assert facts["consent_chosen"]["value"] is False
    assert BANNER in client.get("/").content.decode()


def test_the_htmx_banner_post_removes_the_banner_and_updates_only_out_of_band(client):
    response = client.post(
        reverse("personalization:consent"), {"choice": "all"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    # Whatever the answer holds is swapped out of band; the banner itself is replaced by nothing.
    assert "consent-banner" not in content
    assert all(
        'hx-swap-oob="outerHTML"' in element
        for element in content.split("<")
        if 'id="profile-card"' in element
    )
    assert response.cookies[CONSENT].value


def test_the_banner_post_needs_the_csrf_token(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("personalization:consent"), {"choice": "all"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert CONSENT not in response.cookies


# Visit history


def test_with_personalization_consent_a_page_view_starts_the_first_visit(consenting_client):
    response = consenting_client.get("/")
    assert sets_history(response)
    facts = consenting_client.get("/why/", headers={"Accept": "application/json"}).json()["facts"]
    assert facts["visits"] == {"value": 1, "source": "history"}


def test_pages_less_than_30_idle_minutes_apart_are_one_visit(page_view):
    _visitor, cookies = page_view(T0)
    visitor, _cookies = page_view(T0 + minutes(29), cookies)
    assert visitor["visits"] == 1


def test_a_page_after_30_idle_minutes_starts_the_next_visit(page_view):
    _visitor, cookies = page_view(T0)
    visitor, _cookies = page_view(T0 + minutes(31), cookies)
    assert visitor["visits"] == 2
    assert visitor["first_visit"] == T0


def test_idle_time_counts_from_the_latest_page_not_the_first(page_view):
    _visitor, cookies = page_view(T0)
    for step in (20, 40, 60, 80):
        visitor, cookies = page_view(T0 + minutes(step), cookies)
    assert visitor["visits"] == 1


def test_pages_within_a_minute_of_the_stored_one_leave_the_cookie_as_it_is(
    page_view, visitor_request
):
    _visitor, cookies = page_view(T0)
    for seconds in (20, 59):
        visitor, after = page_view(T0 + datetime.timedelta(seconds=seconds), cookies)
        assert after == cookies  # no cookie set: the browser keeps the one it has
        assert visitor["last_visit"] == T0 + datetime.timedelta(seconds=seconds)
    _visitor, after = page_view(T0 + datetime.timedelta(seconds=61), cookies)
    stored = history_stored(visitor_request(cookies=after))
    assert stored is not None and stored.last == (T0 + datetime.timedelta(seconds=61)).timestamp()


def test_a_stored_time_ahead_of_the_clock_is_put_right_at_once(page_view, visitor_request):
    _visitor, cookies = page_view(T0 + minutes(0.5))  # written by a server whose clock ran fast
    _visitor, cookies = page_view(T0, cookies)
    assert history_stored(visitor_request(cookies=cookies)).last == T0.timestamp()


def test_a_new_visit_is_stored_at_once(page_view, visitor_request):
    _visitor, cookies = page_view(T0)
    _visitor, cookies = page_view(T0 + minutes(0.5), cookies, path="/?utm_campaign=spring")
    assert history_stored(visitor_request(cookies=cookies)).visits == 1
    _visitor, cookies = page_view(T0 + minutes(31), cookies)
    assert history_stored(visitor_request(cookies=cookies)).visits == 2


def test_the_landing_referrer_and_campaign_are_kept_for_the_visit(page_view):
    _visitor, cookies = page_view(
        T0,
        path="/?utm_campaign=spring-beds&utm_source=newsletter&utm_medium=email",
        headers={"Referer": "https://mail.example.net/inbox/42"},
    )
    visitor, _cookies = page_view(T0 + minutes(5), cookies, path="/p/cooling-gel-mat/")
    assert visitor["referrer_host"] == "mail.example.net"
    assert (visitor["utm_campaign"], visitor["utm_source"], visitor["utm_medium"]) == (
        "spring-beds",
        "newsletter",
        "email",
    )
    assert visitor.source("utm_campaign") == Source.HISTORY


def test_the_next_visit_has_its_own_landing(page_view):
    _visitor, cookies = page_view(T0, path="/?utm_campaign=spring-beds")
    visitor, _cookies = page_view(
        T0 + minutes(45), cookies, headers={"Referer": "https://search.example.com/?q=cat+bed"}
    )
    assert visitor["referrer_host"] == "search.example.com"
    assert visitor["utm_campaign"] is None


def test_the_history_cookie_is_signed(page_view, visitor_request):
    _visitor, cookies = page_view(T0)
    history = history_stored(visitor_request(cookies=cookies))
    assert history is not None and history.visits == 1
    forged = signing.dumps({"visits": 500, "first": 0.0, "last": 0.0}, salt="not-ours")
    assert history_stored(visitor_request(cookies={HISTORY: forged})) is None


def test_withdrawing_personalization_on_the_privacy_page_deletes_the_history(consenting_client):
    assert sets_history(consenting_client.get("/"))
    response = consenting_client.post("/privacy/", {"analytics": "on", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[HISTORY].value == ""
    assert response.cookies[HISTORY]["max-age"] == 0
    assert not sets_history(consenting_client.get("/"))
    facts = consenting_client.get("/why/", headers={"Accept": "application/json"}).json()["facts"]
    assert facts["visits"] == {"value": None, "source": "not-stored"}
