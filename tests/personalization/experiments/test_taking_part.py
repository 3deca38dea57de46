"""Who takes part: only visitors who allowed analytics, never search engines or previews; the
holdout sees defaults everywhere."""

from __future__ import annotations

import json

import pytest

from personalization.conf import app_settings
from personalization.experiments.assignment import experiments, in_holdout
from personalization.preview import SESSION_KEY as PREVIEW_KEY

from .conftest import HERO_B, HERO_DEFAULT, buffered, slot_experiment, visitor_with_arm

pytestmark = pytest.mark.django_db

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def test_a_visitor_with_analytics_consent_sees_their_arm_and_is_counted(as_visitor):
    slot_experiment()
    page = as_visitor(visitor_with_arm("hero-test", "b")).get("/").content.decode()
    assert HERO_B in page
    events = [json.loads(item) for item in buffered()]
    assert [event["k"] for event in events] == ["exposure"]


def test_without_analytics_consent_nobody_is_enrolled_or_counted(
    client, signed_cookie, consent_cookie_value
):
    slot_experiment()
    from personalization.identity import SALT

    client.cookies[app_settings.CONSENT_COOKIE] = consent_cookie_value("personalization")
    client.cookies[app_settings.VISITOR_ID_COOKIE] = signed_cookie(
        app_settings.VISITOR_ID_COOKIE, visitor_with_arm("hero-test", "b"), SALT
    )
    response = client.get("/")
    assert HERO_DEFAULT in response.content.decode()
    assert buffered() == []
    assert app_settings.EXPERIMENT_COOKIE not in response.cookies


def test_a_visitor_who_never_chose_gets_no_visitor_id_and_the_control(client):
    slot_experiment()
    response = client.get("/")
    assert HERO_DEFAULT in response.content.decode()
    assert app_settings.VISITOR_ID_COOKIE not in response.cookies
    assert buffered() == []


def test_sec_gpc_removes_analytics_and_so_the_test(as_visitor):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    page = client.get("/", headers={"Sec-GPC": "1"}).content.decode()
    assert HERO_DEFAULT in page
    assert buffered() == []


def test_search_engines_are_never_enrolled(as_visitor):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    page = client.get("/", headers={"User-Agent": GOOGLEBOT}).content.decode()
    assert HERO_DEFAULT in page
    assert buffered() == []


def test_a_staff_preview_is_never_enrolled_or_counted(as_visitor, preview_staff_user):
    slot_experiment()
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    client.force_login(preview_staff_user)
    session = client.session
    session[PREVIEW_KEY] = {"device": "desktop"}
    session.save()
    assert HERO_DEFAULT in client.get("/").content.decode()
    assert buffered() == []


def test_staff_can_preview_an_arm_without_it_being_counted(consenting_client, preview_staff_user):
    slot_experiment()
    consenting_client.force_login(preview_staff_user)
    session = consenting_client.session
    session[PREVIEW_KEY] = {"experiment.hero-test": "b"}
    session.save()
    assert HERO_B in consenting_client.get("/").content.decode()
    assert buffered() == []


def test_the_holdout_sees_slot_defaults_and_takes_part_in_no_experiment_but_its_own(
    as_visitor, settings
):
    from personalization.models import Slot, Variant
    from personalization.slots import content_changed

    settings.PERSONALIZATION_HOLDOUT_PERCENT = 50
    slot_experiment()
    # Content everyone else gets (no segment): the holdout still sees the slot's default.
    Variant.objects.create(
        slot=Slot.objects.get(key="home-strip"), name="Everyone", headline="For everyone today"
    )
    content_changed()
    held = next(f"held-{n:017d}" for n in range(1000) if in_holdout(f"held-{n:017d}"))
    page = as_visitor(held).get("/").content.decode()
    assert HERO_DEFAULT in page and HERO_B not in page
    assert "For everyone today" not in page
    # Only the page's exposure in the holdout's own experiment, in its arm "holdout".
    [event] = [json.loads(item) for item in buffered()]
    holdout = experiments().by_key["personalization-holdout"]
    assert (event["e"], event["a"], event["k"]) == (
        holdout.id,
        holdout.arm("holdout").id,
        "exposure",
    )
    # The same browser with an id outside the holdout gets what everyone gets.
    free = next(f"free-{n:017d}" for n in range(1000) if not in_holdout(f"free-{n:017d}"))
    assert "For everyone today" in as_visitor(free).get("/").content.decode()


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def test_an_experiment_in_a_segment_enrols_only_visitors_in_it(as_visitor):
    from personalization.models import Condition, Segment
    from personalization.rules import condition_clean

    phones = Segment.objects.create(name="Phones", slug="phones")
    Condition.objects.create(
        segment=phones, fact="device", operator="eq",
        value=condition_clean("device", "eq", "mobile"),
    )  # fmt: skip
    slot_experiment(segment=phones)
    client = as_visitor(visitor_with_arm("hero-test", "b"))
    assert HERO_DEFAULT in client.get("/").content.decode()  # a desktop: not in the test
    assert buffered() == []
    page = client.get("/", headers={"User-Agent": IPHONE}).content.decode()
    assert HERO_B in page
    assert [(e["k"], e["d"]) for e in map(json.loads, buffered())] == [("exposure", "mobile")]


def test_no_visitor_id_is_issued_when_no_experiment_runs_and_there_is_no_holdout(
    consenting_client,
):
    response = consenting_client.get("/")
    assert app_settings.VISITOR_ID_COOKIE not in response.cookies


def test_a_visitor_id_is_issued_to_a_consenting_visitor_once_an_experiment_runs(
    consenting_client,
):
    slot_experiment()
    response = consenting_client.get("/")
    assert app_settings.VISITOR_ID_COOKIE in response.cookies
