"""Segment rules: which facts and operators editors may use, what a condition matches, and how it
reads in plain words. Matching is pure: visitors are built by hand, and nothing touches the
database."""

from __future__ import annotations

import datetime
import zoneinfo
from types import MappingProxyType
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from personalization.rules import condition_clean, condition_compile, condition_describe
from personalization.visitor import Fact, Source, Visitor

# Answers are facts through the questions in the database (see personalization.profiling).
pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2025, 10, 15, 12, 0, tzinfo=TOKYO)


def visitor(facts: dict[str, Any]) -> Visitor:
    return Visitor(
        facts=MappingProxyType(
            {name: Fact(value, Source.REQUEST) for name, value in facts.items()}
        ),
        now=NOW,
    )


def matches(fact: str, operator: str, value: Any, facts: dict[str, Any]) -> bool:
    """Whether a visitor with these facts meets the condition, cleaned as the admin would."""
    cleaned = condition_clean(fact, operator, value)
    return condition_compile(fact, operator, cleaned)(visitor(facts))


def at(hour: int, minute: int = 0) -> datetime.datetime:
    """The visitor's local time as the clock resolver gives it: an aware datetime."""
    return NOW.replace(hour=hour, minute=minute)


# Every operator on every kind of fact

CASES = [
    # choice
    ("country", "eq", "JP", {"country": "JP"}, True),
    ("country", "eq", "JP", {"country": "US"}, False),
    ("country", "in", ["JP", "KR"], {"country": "KR"}, True),
    ("country", "in", ["JP", "KR"], {"country": "GB"}, False),
    ("country", "not_in", ["JP"], {"country": "GB"}, True),
    ("country", "not_in", ["JP"], {"country": "JP"}, False),
    ("country", "is_set", None, {"country": "JP"}, True),
    ("device", "eq", "mobile", {"device": "mobile"}, True),
    ("device", "in", ["tablet", "mobile"], {"device": "desktop"}, False),
    # text
    ("browser", "eq", "Safari", {"browser": "Safari"}, True),
    ("browser", "eq", "Safari", {"browser": "Chrome"}, False),
    ("browser", "in", ["Safari", "Firefox"], {"browser": "Firefox"}, True),
    ("browser", "in", ["Safari", "Firefox"], {"browser": "Edge"}, False),
    ("browser", "not_in", ["Safari"], {"browser": "Edge"}, True),
    ("browser", "not_in", ["Safari"], {"browser": "Safari"}, False),
    ("browser", "contains", "Safari", {"browser": "Mobile Safari"}, True),
    ("browser", "contains", "Chrome", {"browser": "Mobile Safari"}, False),
    ("browser", "starts_with", "Mobile", {"browser": "Mobile Safari"}, True),
    ("browser", "starts_with", "Safari", {"browser": "Mobile Safari"}, False),
    ("os", "is_set", None, {"os": "iOS"}, True),
    ("os", "is_set", None, {"os": ""}, False),
    # number
    ("visits", "eq", 3, {"visits": 3}, True),
    ("visits", "eq", 3, {"visits": 4}, False),
    ("visits", "gte", 3, {"visits": 3}, True),
    ("visits", "gte", 3, {"visits": 2}, False),
    ("visits", "lte", 3, {"visits": 3}, True),
    ("visits", "lte", 3, {"visits": 4}, False),
    ("visits", "between", [2, 4], {"visits": 2}, True),
    ("visits", "between", [2, 4], {"visits": 4}, True),
    ("visits", "between", [2, 4], {"visits": 5}, False),
    ("visits", "is_set", None, {"visits": 1}, True),
    ("local_hour", "between", ["6", "9"], {"local_hour": 7}, True),
    ("local_hour", "gte", "18", {"local_hour": 17}, False),
    # time
    ("local_time", "between", ["09:00", "17:00"], {"local_time": at(12)}, True),
    ("local_time", "between", ["09:00", "17:00"], {"local_time": at(8, 59)}, False),
    ("local_time", "between", ["09:00", "17:00"], {"local_time": datetime.time(9)}, True),
    # date
    ("local_date", "eq", "2025-10-15", {"local_date": datetime.date(2025, 10, 15)}, True),
    ("local_date", "eq", "2025-10-15", {"local_date": datetime.date(2025, 10, 16)}, False),
    ("local_date", "gte", "2025-10-15", {"local_date": datetime.date(2025, 10, 15)}, True),
    ("local_date", "gte", "2025-10-15", {"local_date": datetime.date(2025, 10, 14)}, False),
    ("local_date", "lte", "2025-10-15", {"local_date": datetime.date(2025, 10, 15)}, True),
    ("local_date", "lte", "2025-10-15", {"local_date": datetime.date(2025, 10, 16)}, False),
    (
        "local_date",
        "between",
        ["2025-12-24", "2025-12-26"],
        {"local_date": datetime.date(2025, 12, 26)},
        True,
    ),
    (
        "local_date",
        "between",
        ["2025-12-24", "2025-12-26"],
        {"local_date": datetime.date(2025, 12, 27)},
        False,
    ),
    # bool
    ("signed_in", "eq", "yes", {"signed_in": True}, True),
    ("signed_in", "eq", "yes", {"signed_in": False}, False),
    ("has_ordered", "eq", "no", {"has_ordered": False}, True),
    ("has_ordered", "eq", False, {"has_ordered": True}, False),
    # list
    ("consent", "contains", "analytics", {"consent": ("essential", "analytics")}, True),
    ("consent", "contains", "analytics", {"consent": ("essential",)}, False),
    (
        "consent",
        "contains",
        ["analytics", "personalization"],
        {"consent": ("essential", "analytics")},
        False,
    ),
    ("region_sets", "in", ["kansai", "rural-japan"], {"region_sets": ("rural-japan",)}, True),
    ("region_sets", "in", ["kansai"], {"region_sets": ("rural-japan",)}, False),
    ("region_sets", "not_in", ["kansai"], {"region_sets": ("rural-japan",)}, True),
    ("region_sets", "not_in", ["kansai"], {"region_sets": ("kansai", "rural-japan")}, False),
    ("region_sets", "is_set", None, {"region_sets": ("kansai",)}, True),
    ("region_sets", "is_set", None, {"region_sets": ()}, False),
]


@pytest.mark.parametrize(
    ("fact", "operator", "value", "facts", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-{next(iter(c[3].values()))}" for c in CASES],
)
def test_each_operator_matches_each_kind_of_fact(fact, operator, value, facts, expected):
    assert matches(fact, operator, value, facts) is expected


@pytest.mark.parametrize(
    ("fact", "operator", "value", "have"),
    [
        ("browser", "eq", "safari", "Safari"),
        ("browser", "eq", "SAFARI", "safari"),
        ("browser", "in", ["FIREFOX", "edge"], "Firefox"),
        ("browser", "contains", "SAF", "Mobile Safari"),
        ("browser", "starts_with", "mobile", "Mobile Safari"),
        ("utm_campaign", "eq", "Autumn-Cats", "autumn-cats"),
        ("answer.pet", "eq", "Cat", "cat"),
    ],
)
def test_text_is_compared_without_regard_to_case(fact, operator, value, have):
    assert matches(fact, operator, value, {fact: have})


def test_text_not_in_ignores_case_too():
    assert not matches("browser", "not_in", ["SAFARI"], {"browser": "Safari"})


def test_a_list_fact_is_compared_without_regard_to_case():
    assert matches("region_sets", "contains", "Rural-Japan", {"region_sets": ("rural-japan",)})


# Night windows wrap midnight: [22:00, 02:00)


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(22, 0, True), (23, 30, True), (0, 0, True), (1, 0, True), (1, 59, True), (2, 0, False),
     (12, 0, False), (21, 59, False)],
)  # fmt: skip
def test_a_night_window_wraps_midnight_and_its_end_is_exclusive(hour, minute, expected):
    night = ["22:00", "02:00"]
    assert matches("local_time", "between", night, {"local_time": at(hour, minute)}) is expected


def test_a_day_window_excludes_its_end_too():
    assert not matches("local_time", "between", ["09:00", "17:00"], {"local_time": at(17)})


# Answers to profiling questions


def test_an_answer_matches_what_the_visitor_told_us():
    assert matches("answer.pet", "eq", "cat", {"answer.pet": "cat"})
    assert not matches("answer.pet", "eq", "cat", {"answer.pet": "dog"})


def test_an_answer_can_be_one_of_several():
    assert matches("answer.pet", "in", ["cat", "dog"], {"answer.pet": "dog"})
    assert not matches("answer.pet", "in", ["cat", "dog"], {"answer.pet": "bird"})


def test_answers_to_other_questions_do_not_count():
    assert not matches("answer.pet", "eq", "cat", {"answer.pet_name": "cat"})


def test_an_answer_is_known_once_given():
    assert matches("answer.pet", "is_set", None, {"answer.pet": "fish"})
    assert not matches("answer.pet", "is_set", None, {})


# A fact the visitor does not have


@pytest.mark.parametrize(
    ("fact", "operator", "value"),
    [
        ("country", "eq", "JP"),
        ("country", "in", ["JP"]),
        ("country", "is_set", None),
        ("browser", "eq", "Safari"),
        ("browser", "contains", "Saf"),
        ("browser", "starts_with", "Saf"),
        ("visits", "eq", 1),
        ("visits", "gte", 0),
        ("visits", "lte", 5),
        ("visits", "between", [0, 5]),
        ("local_time", "between", ["00:00", "23:59"]),
        ("local_time", "between", ["22:00", "02:00"]),
        ("local_date", "gte", "2000-01-01"),
        ("signed_in", "eq", "no"),
        ("consent", "contains", "analytics"),
        ("region_sets", "in", ["kansai"]),
        ("answer.pet", "eq", "cat"),
    ],
)
def test_a_missing_fact_never_matches(fact, operator, value):
    assert not matches(fact, operator, value, {})


def test_a_fact_whose_value_is_unknown_counts_as_missing():
    assert not matches("visits", "gte", 0, {"visits": None})


@pytest.mark.parametrize(
    ("fact", "value"),
    [("country", ["JP"]), ("browser", ["Safari"]), ("region_sets", ["kansai"]),
     ("answer.pet", ["cat"])],
)  # fmt: skip
def test_a_missing_fact_is_none_of_anything(fact, value):
    assert matches(fact, "not_in", value, {})


# Cleaning: what editors may save, in canonical form


@pytest.mark.parametrize(
    ("fact", "operator", "value", "cleaned"),
    [
        ("country", "eq", "JP", "JP"),
        ("country", "eq", ["JP"], "JP"),
        ("country", "in", "JP", ["JP"]),
        ("country", "in", ["JP", "", "KR"], ["JP", "KR"]),
        ("visits", "gte", "3", 3),
        ("visits", "between", ["2", "4.5"], [2, 4.5]),
        ("local_time", "between", ["22:00", "02:00"], ["22:00:00", "02:00:00"]),
        ("local_date", "eq", "2025-12-24", "2025-12-24"),
        ("signed_in", "eq", "yes", True),
        ("signed_in", "eq", "false", False),
        ("browser", "eq", "  Safari ", "Safari"),
        ("answer.pet", "eq", "cat", "cat"),
        ("region", "is_set", "anything", None),
    ],
)
def test_a_valid_condition_is_cleaned_to_its_canonical_value(fact, operator, value, cleaned):
    assert condition_clean(fact, operator, value) == cleaned


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        ("shoe_size", "“shoe_size” is not a fact we know."),
        ("answer.", "“answer.” is not a fact we know."),
        ("answer.Pet!", "“answer.Pet!” is not a fact we know."),
        ("", "“” is not a fact we know."),
    ],
)
def test_an_unknown_fact_is_refused(fact, message):
    with pytest.raises(ValidationError) as error:
        condition_clean(fact, "eq", "x")
    assert error.value.messages == [message]


@pytest.mark.parametrize(
    ("fact", "operator", "message"),
    [
        ("country", "gte", "“is at least” cannot be used with Country."),
        ("country", "contains", "“contains” cannot be used with Country."),
        ("visits", "contains", "“contains” cannot be used with Visit number."),
        ("local_time", "eq", "“is” cannot be used with Local time."),
        ("local_date", "in", "“is one of” cannot be used with Date."),
        ("signed_in", "in", "“is one of” cannot be used with Signed in."),
        ("consent", "eq", "“is” cannot be used with Consent."),
        ("browser", "between", "“is between” cannot be used with Browser."),
        ("country", "like", "“like” cannot be used with Country."),
    ],
)
def test_an_operator_that_does_not_fit_the_fact_is_refused(fact, operator, message):
    with pytest.raises(ValidationError) as error:
        condition_clean(fact, operator, "x")
    assert error.value.messages == [message]


@pytest.mark.parametrize(
    ("fact", "operator", "value", "message"),
    [
        ("visits", "gte", "abc", "The value for Visit number is missing or not valid."),
        ("visits", "gte", "", "The value for Visit number is missing or not valid."),
        ("visits", "eq", True, "The value for Visit number is missing or not valid."),
        ("visits", "between", ["1"], "The value for Visit number is missing or not valid."),
        ("visits", "gte", -1, "Visit number must be between 0 and …."),
        ("local_hour", "eq", 25, "Local hour must be between 0 and 23."),
        ("local_hour", "between", [22, 25], "Local hour must be between 0 and 23."),
        ("country", "eq", "XX", "Not a choice for Country: XX"),
        ("country", "in", ["JP", "XX", "YY"], "Not a choice for Country: XX, YY"),
        ("country", "eq", "", "The value for Country is missing or not valid."),
        ("country", "in", [], "The value for Country is missing or not valid."),
        ("device", "eq", "fridge", "Not a choice for Device: fridge"),
        ("weekday", "in", ["funday"], "Not a choice for Day of the week: funday"),
        ("local_time", "between", ["22:00"], "The value for Local time is missing or not valid."),
        (
            "local_time",
            "between",
            ["25:00", "02:00"],
            "The value for Local time is missing or not valid.",
        ),
        ("local_time", "between", "22:00", "The value for Local time is missing or not valid."),
        ("local_date", "eq", "yesterday", "The value for Date is missing or not valid."),
        ("signed_in", "eq", "maybe", "The value for Signed in is missing or not valid."),
        ("answer.pet", "eq", " ", "The value for Pet is missing or not valid."),
    ],
)
def test_a_bad_value_is_refused_with_a_message_naming_the_problem(fact, operator, value, message):
    with pytest.raises(ValidationError) as error:
        condition_clean(fact, operator, value)
    assert error.value.messages == [message]


def test_a_value_that_is_not_a_choice_of_a_list_fact_is_refused():
    # Consent has a fixed list of purposes: a typo would otherwise make a segment match nobody.
    with pytest.raises(ValidationError) as error:
        condition_clean("consent", "contains", "marketing")
    assert error.value.messages == ["Not a choice for Consent: marketing"]


# Conditions in plain words


@pytest.mark.parametrize(
    ("fact", "operator", "value", "words"),
    [
        ("country", "in", ["JP", "GB"], "Country is one of Japan, United Kingdom"),
        ("country", "not_in", ["US"], "Country is none of United States"),
        ("device", "eq", "mobile", "Device is phone"),
        ("region", "eq", "JP-13", "Region is Tokyo (Japan)"),
        ("region", "is_set", None, "Region is known"),
        ("weekday", "in", ["saturday", "sunday"], "Day of the week is one of Saturday, Sunday"),
        ("visits", "gte", 3, "Visit number is at least 3"),
        ("visits", "between", [2, 4], "Visit number is between 2 and 4"),
        ("browser", "starts_with", "Mobile", "Browser starts with Mobile"),
        ("consent", "contains", "analytics", "Consent contains analytics"),
        ("answer.pet", "eq", "cat", "Your answer to “Pet” is cat"),
        ("local_date", "between", ["2025-12-24", "2025-12-26"],
         "Date is between 2025-12-24 and 2025-12-26"),
    ],
)  # fmt: skip
def test_a_condition_reads_in_plain_words(fact, operator, value, words):
    assert condition_describe(fact, operator, condition_clean(fact, operator, value)) == words


def test_a_time_window_reads_as_hours_and_minutes():
    cleaned = condition_clean("local_time", "between", ["22:00", "02:00"])
    assert condition_describe("local_time", "between", cleaned) == (
        "Local time is between 22:00 and 02:00"
    )


def test_a_yes_or_no_fact_reads_as_yes_or_no():
    assert condition_describe("signed_in", "eq", condition_clean("signed_in", "eq", "yes")) == (
        "Signed in is yes"
    )
    assert condition_describe("has_ordered", "eq", False) == "Has ordered before is no"


def test_an_unknown_fact_is_described_by_its_name():
    assert condition_describe("shoe_size", "eq", "42") == "shoe_size is 42"


def test_a_phone_is_not_called_a_phone_number_in_japanese():
    # "phone" the device and "phone" the number on an order are different words in Japanese.
    with translation.override("ja"):
        words = condition_describe("device", "eq", "mobile")
    assert "電話番号" not in words
