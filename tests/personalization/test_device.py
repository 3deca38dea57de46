"""The visitor's device: phone, tablet, desktop or search engine, from the User-Agent and Client
Hints. The sample strings are real ones from ua-parser/uap-core's test corpus."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from personalization.resolvers.device import classify
from personalization.visitor import Source, resolve_visitor

SAMPLE = json.loads(
    (Path(__file__).parents[1] / "data" / "uap-core" / "sample.json").read_text(encoding="utf-8")
)["cases"]
NOW = datetime.datetime(2025, 1, 15, 3, 30, tzinfo=datetime.UTC)
WINDOWS_CHROME_EDGE = next(case["user_agent"] for case in SAMPLE if case.get("browser") == "Edge")
IPHONE = SAMPLE[0]["user_agent"]


@pytest.mark.parametrize("case", SAMPLE, ids=[f"{c['name']} is {c['device']}" for c in SAMPLE])
def test_a_real_user_agent_gets_its_device_class(case):
    assert classify(case["user_agent"])[0] == case["device"]


@pytest.mark.parametrize(
    "case",
    [case for case in SAMPLE if "os" in case],
    ids=[case["name"] for case in SAMPLE if "os" in case],
)
def test_a_real_user_agent_gets_its_os_and_browser_families(case):
    _kind, os_family, browser = classify(case["user_agent"])
    assert (os_family, browser) == (case["os"], case["browser"])


def test_the_sample_covers_every_device_class():
    assert {case["device"] for case in SAMPLE} == {"mobile", "tablet", "desktop", "bot"}
    assert len(SAMPLE) >= 40


@pytest.mark.django_db
def test_the_user_agent_is_named_as_the_source_of_the_device(visitor_request):
    visitor = resolve_visitor(request=visitor_request(HTTP_USER_AGENT=IPHONE), now=NOW)
    assert visitor["device"] == "mobile"
    assert visitor.source("device") == Source.USER_AGENT
    assert visitor["os"] == "iOS"


@pytest.mark.django_db
def test_client_hints_saying_mobile_make_a_phone_of_a_desktop_user_agent(visitor_request):
    request = visitor_request(
        HTTP_USER_AGENT=WINDOWS_CHROME_EDGE, headers={"Sec-CH-UA-Mobile": "?1"}
    )
    visitor = resolve_visitor(request=request, now=NOW)
    assert visitor["device"] == "mobile"
    assert visitor.source("device") == Source.CLIENT_HINTS


@pytest.mark.django_db
def test_client_hints_saying_not_mobile_keep_the_user_agent_class(visitor_request):
    request = visitor_request(HTTP_USER_AGENT=IPHONE, headers={"Sec-CH-UA-Mobile": "?0"})
    visitor = resolve_visitor(request=request, now=NOW)
    assert visitor["device"] == "mobile"
    assert visitor.source("device") == Source.USER_AGENT


@pytest.mark.django_db
def test_a_20_kb_user_agent_is_classified_from_its_start(visitor_request):
    huge = IPHONE + " " + "x" * 20 * 1024
    visitor = resolve_visitor(request=visitor_request(HTTP_USER_AGENT=huge), now=NOW)
    assert visitor["device"] == "mobile"
    assert visitor["os"] == "iOS"


@pytest.mark.django_db
def test_a_20_kb_user_agent_of_garbage_is_a_desktop(visitor_request):
    garbage = "A" * 20 * 1024
    visitor = resolve_visitor(request=visitor_request(HTTP_USER_AGENT=garbage), now=NOW)
    assert visitor["device"] == "desktop"
    assert visitor.source("device") == Source.USER_AGENT


@pytest.mark.django_db
def test_no_user_agent_is_a_desktop_by_default(visitor_request):
    request = visitor_request()
    request.META.pop("HTTP_USER_AGENT", None)
    visitor = resolve_visitor(request=request, now=NOW)
    assert visitor["device"] == "desktop"
    assert visitor.source("device") == Source.DEFAULT


@pytest.mark.django_db
def test_a_visitor_without_a_request_is_a_desktop_by_default():
    visitor = resolve_visitor(now=NOW)
    assert visitor["device"] == "desktop"
    assert visitor.source("device") == Source.DEFAULT


@pytest.mark.django_db
def test_a_repeated_user_agent_is_parsed_once(visitor_request):
    user_agent = WINDOWS_CHROME_EDGE + " storefront-cache-check"
    resolve_visitor(request=visitor_request(HTTP_USER_AGENT=user_agent), now=NOW)
    hits = classify.cache_info().hits
    resolve_visitor(request=visitor_request(HTTP_USER_AGENT=user_agent), now=NOW)
    assert classify.cache_info().hits == hits + 1
