"""The visitor's own pages: "What we know about you" (/why/), the region picker, store hours in
the visitor's time, and the staff "view as" preview."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from personalization.conf import app_settings
from personalization.models import Question
from tests.factories import StoreFactory, UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

REGION = app_settings.REGION_COOKIE
HISTORY = app_settings.HISTORY_COOKIE
JSON = {"Accept": "application/json"}
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1 Ddg/17.2"
)
PREVIEW_BAR = "you are viewing the site as a visitor in"


def why_json(client, **headers) -> dict:
    return client.get(reverse("personalization:why"), headers={**JSON, **headers}).json()


# "What we know about you"


def test_the_why_page_says_the_country_is_our_default_when_nothing_told_us(client, why_facts_table):
    facts = why_facts_table(client.get(reverse("personalization:why")))
    assert facts["Country"] == ("Japan", "our default, as nothing else told us")


def test_the_why_page_names_the_browser_language_as_the_source_of_the_country(
    client, why_facts_table
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # reads English on a Japanese browser
    response = client.get(reverse("personalization:why"), headers={"Accept-Language": "ja-JP"})
    facts = why_facts_table(response)
    assert facts["Country"] == ("Japan", "from your browser’s language settings")
    assert facts["Language"] == ("English", "you chose it")


def test_the_why_page_speaks_the_browser_language(client, why_facts_table):
    response = client.get(reverse("personalization:why"), headers={"Accept-Language": "ja-JP"})
    assert why_facts_table(response)["国"][0] == "日本"


def test_the_why_page_names_the_device_in_plain_words(client, why_facts_table):
    response = client.get(reverse("personalization:why"), headers={"User-Agent": IPHONE})
    facts = why_facts_table(response)
    assert facts["Device"] == ("phone", "from your browser’s identification")
    assert facts["Operating system"][0] == "iOS"


def test_the_why_page_hides_no_fact_behind_codes(client, why_facts_table):
    facts = why_facts_table(client.get(reverse("personalization:why")))
    assert facts["Consent"] == ("essential cookies", "our default, as nothing else told us")
    assert facts["Time zone"] == ("Asia/Tokyo", "worked out from the facts above")


def test_the_why_page_exports_every_fact_with_its_source_as_json(client):
    response = client.get(reverse("personalization:why"), headers=JSON)
    assert response["Content-Type"] == "application/json"
    assert "Accept" in response["Vary"]
    facts = response.json()["facts"]
    for name in (
        "country",
        "region",
        "region_sets",
        "area",
        "device",
        "language",
        "timezone",
        "local_time",
        "visits",
        "consent",
    ):
        assert set(facts[name]) == {"value", "source"}, name
    assert facts["country"] == {"value": "JP", "source": "default"}
    assert facts["consent"] == {"value": ["essential"], "source": "default"}
    assert response.json()["preview"] is False


# The region picker


def test_choosing_a_region_shows_it_in_the_header(client):
    response = client.post(
        reverse("personalization:region"), {"place": "JP-13", "next": "/"}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    text = page_text(response)
    assert "Delivering to: Tokyo, Japan" in text
    assert "Thanks, we will show what we deliver there." in text
    assert "Delivering to: Tokyo, Japan" in page_text(client.get("/stores/"))


def test_a_chosen_region_is_named_as_chosen(client):
    client.post(reverse("personalization:region"), {"place": "JP-13"})
    facts = why_json(client)["facts"]
    assert facts["region"] == {"value": "JP-13", "source": "chosen"}
    assert facts["country"] == {"value": "JP", "source": "chosen"}


def test_a_postal_code_chosen_with_a_whole_country_is_remembered(client):
    client.post(reverse("personalization:region"), {"place": "JP", "postal_code": "0600001"})
    facts = why_json(client)["facts"]
    assert facts["country"] == {"value": "JP", "source": "chosen"}
    assert facts["postal_code"] == {"value": "060-0001", "source": "chosen"}


def test_a_place_not_on_the_list_is_refused_and_nothing_is_stored(client):
    response = client.post(reverse("personalization:region"), {"place": "JP-99"})
    assert response.status_code == 200
    assert "Select a valid choice." in page_text(response)
    assert REGION not in response.cookies


def test_a_postal_code_of_the_wrong_shape_is_refused_and_nothing_is_stored(client):
    response = client.post(
        reverse("personalization:region"), {"place": "JP-13", "postal_code": "SW1A 1AA"}
    )
    assert response.status_code == 200
    assert "Enter a postal code of Japan, like 100-0001." in page_text(response)
    assert REGION not in response.cookies


def test_work_it_out_for_me_forgets_the_chosen_region(client):
    client.post(reverse("personalization:region"), {"place": "JP-13"})
    response = client.post(reverse("personalization:region"), {"place": ""})
    assert response.cookies[REGION].value == ""
    assert why_json(client)["facts"]["country"]["source"] == "default"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)"],
)
def test_next_pointing_to_another_site_is_not_followed(client, target):
    response = client.post(reverse("personalization:region"), {"place": "JP-13", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_next_pointing_to_a_page_of_ours_is_followed(client):
    response = client.post(
        reverse("personalization:region"), {"place": "JP-13", "next": "/stores/?page=2"}
    )
    assert response["Location"] == "/stores/?page=2"


def test_no_visitor_is_ever_redirected_by_location(client, settings):
    settings.PERSONALIZATION_TRUSTED_PROXIES = ["10.0.0.0/8"]
    response = client.get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        headers={"X-Forwarded-For": "198.51.100.7", "CloudFront-Viewer-Country": "US"},
    )
    assert response.status_code == 200
    assert "Delivering to: United States" in page_text(response)


# Store hours in the visitor's time


def expected_local_hours(store_zone: str, opens: str, closes: str, visitor_zone: str) -> str:
    zone = zoneinfo.ZoneInfo(store_zone)
    today = timezone.now().astimezone(zone).date()
    local = zoneinfo.ZoneInfo(visitor_zone)
    times = [
        datetime.datetime.combine(today, datetime.time.fromisoformat(at), tzinfo=zone)
        .astimezone(local)
        .strftime("%H:%M")
        for at in (opens, closes)
    ]
    return f"{times[0]}–{times[1]} your time, {visitor_zone}"


def test_store_hours_are_also_shown_in_the_visitors_own_time(client):
    StoreFactory(time_zone="Asia/Tokyo", city="Kobe", opens_at="09:00", closes_at="18:00")
    client.post(reverse("personalization:region"), {"place": "GB-ENG"})
    text = page_text(client.get("/stores/"))
    assert "09:00–18:00 in Kobe" in text
    assert expected_local_hours("Asia/Tokyo", "09:00", "18:00", "Europe/London") in text


def test_store_hours_in_the_visitors_own_zone_are_shown_once(client):
    StoreFactory(time_zone="Asia/Tokyo", city="Kobe", opens_at="09:00", closes_at="18:00")
    text = page_text(client.get("/stores/"))
    assert "09:00–18:00 in Kobe" in text
    assert "your time" not in text


# The staff preview


def start_preview(client, **facts):
    return client.post(reverse("personalization:preview"), {**facts, "next": "/"})


def test_the_preview_is_for_staff_only(client):
    client.force_login(UserFactory())
    response = client.get(reverse("personalization:preview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_can_preview_the_site_as_another_visitor(preview_staff_client):
    response = start_preview(preview_staff_client, place="JP-01", device="mobile")
    assert response["Location"] == "/"
    text = page_text(preview_staff_client.get("/"))
    assert f"{PREVIEW_BAR} Hokkaido, Japan on a phone." in text
    assert "Delivering to: Hokkaido, Japan" in text


def test_the_why_page_names_the_preview_as_the_source(preview_staff_client):
    start_preview(preview_staff_client, place="JP-01", device="mobile")
    body = why_json(preview_staff_client)
    assert body["preview"] is True
    assert body["facts"]["region"] == {"value": "JP-01", "source": "preview"}
    assert body["facts"]["device"] == {"value": "mobile", "source": "preview"}
    assert body["facts"]["timezone"]["value"] == "Asia/Tokyo"


def test_the_preview_sets_area_campaign_account_and_answers(preview_staff_client):
    Question.objects.create(key="name", prompt="Your name?", kind="text")
    Question.objects.create(
        key="pet",
        prompt="Dog or cat?",
        kind="single",
        choices=[{"value": "cat", "label_en": "Cat"}],
    )
    start_preview(
        preview_staff_client, place="JP-13", area="rural", utm_campaign="spring",
        signed_in="no", has_ordered="yes", pet="cat", name="Aiko",
    )  # fmt: skip
    facts = why_json(preview_staff_client)["facts"]
    assert facts["area"] == {"value": "rural", "source": "preview"}
    assert facts["utm_campaign"] == {"value": "spring", "source": "preview"}
    assert facts["signed_in"] == {"value": False, "source": "preview"}
    assert facts["has_ordered"] == {"value": True, "source": "preview"}
    assert facts["answer.pet"] == {"value": "cat", "source": "preview"}
    assert "Welcome, Aiko" in page_text(preview_staff_client.get("/"))


def test_a_preview_touches_no_other_browser(preview_staff_client, preview_staff_user):
    start_preview(preview_staff_client, place="JP-01", device="mobile")
    anonymous = Client()
    same_staff_elsewhere = Client()
    same_staff_elsewhere.force_login(preview_staff_user)
    for other in (anonymous, same_staff_elsewhere):
        assert PREVIEW_BAR not in page_text(other.get("/"))
        body = why_json(other)
        assert body["preview"] is False
        assert body["facts"]["device"]["source"] != "preview"


def test_stopping_the_preview_ends_it(preview_staff_client):
    start_preview(preview_staff_client, place="JP-01", device="mobile")
    response = preview_staff_client.post(
        reverse("personalization:preview"), {"stop": "1", "next": "/stores/"}
    )
    assert response["Location"] == "/stores/"
    assert PREVIEW_BAR not in page_text(preview_staff_client.get("/"))
    assert why_json(preview_staff_client)["preview"] is False


def test_a_previewing_staff_member_gets_no_history_cookie(
    preview_staff_client, consent_cookie_value
):
    preview_staff_client.cookies[app_settings.CONSENT_COOKIE] = consent_cookie_value(
        "personalization"
    )
    start_preview(preview_staff_client, place="JP-01")
    for path in ("/", "/stores/", "/why/"):
        response = preview_staff_client.get(path)
        assert response.status_code == 200
        assert HISTORY not in response.cookies, path


def test_a_previewing_staff_member_gets_no_history_cookie_in_the_admin(
    preview_staff_client, consent_cookie_value
):
    preview_staff_client.cookies[app_settings.CONSENT_COOKIE] = consent_cookie_value(
        "personalization"
    )
    start_preview(preview_staff_client, place="JP-01")
    response = preview_staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert HISTORY not in response.cookies
