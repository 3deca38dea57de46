"""Declared decisions: recorded while a page is recorded; anything read without one makes the
page personal."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from personalization.decisions import (
    Unfingerprintable,
    answers,
    decision,
    fact_decided,
    fingerprint,
    recording,
)
from personalization.models import Segment

pytestmark = pytest.mark.django_db

calls: list[str] = []


@decision("test-pet-heading")
def pet_heading(request, prefix: str) -> str:
    calls.append(prefix)
    return f"{prefix} {request.visitor.get('answer.pet') or 'pets'}"


@decision("test-unshowable")
def unshowable(request) -> object:
    return object()


@pytest.fixture
def request_with_visitor(visitor_request):
    def make(**headers: str):
        from personalization.visitor import resolve_visitor

        request = visitor_request(headers=headers)
        request.visitor = resolve_visitor(request=request)
        return request

    return make


def test_a_decision_is_recorded_with_its_answers_fingerprint(request_with_visitor):
    request = request_with_visitor()
    with recording(request) as recorder:
        assert pet_heading(request, "For") == "For pets"
    assert recorder.shareable
    assert recorder.questions == {("test-pet-heading", ("For",)): fingerprint("For pets")}


def test_a_decision_is_answered_once_per_request(request_with_visitor):
    request = request_with_visitor()
    calls.clear()
    pet_heading(request, "For")
    with recording(request) as recorder:
        pet_heading(request, "For")
    assert calls == ["For"]
    assert ("test-pet-heading", ("For",)) in recorder.questions


def test_a_fact_read_outside_a_decision_makes_the_page_personal(request_with_visitor):
    request = request_with_visitor()
    with recording(request) as recorder:
        pet_heading(request, "For")
        request.visitor.get("device")
    assert not recorder.shareable
    assert recorder.undeclared == {"device"}


def test_a_missing_fact_read_outside_a_decision_also_counts(request_with_visitor):
    # That a visitor has no answer is as personal as the answer.
    request = request_with_visitor()
    with recording(request) as recorder:
        request.visitor.get("answer.pet")
    assert recorder.undeclared == {"answer.pet"}


def test_a_session_read_outside_a_decision_makes_the_page_personal(request_with_visitor):
    request = request_with_visitor()
    with recording(request) as recorder:
        request.session.get("anything")
    assert recorder.undeclared == {"session"}


def test_an_answer_that_is_not_plain_data_makes_the_page_personal(request_with_visitor):
    request = request_with_visitor()
    with recording(request) as recorder:
        unshowable(request)
    assert recorder.undeclared == {"decision:test-unshowable"}


def test_the_next_visitor_answers_the_same_questions_again(request_with_visitor):
    first = request_with_visitor()
    with recording(first) as recorder:
        fact_decided(first, "device")
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
    same = answers(request_with_visitor(), recorder.questions)
    other = answers(request_with_visitor(**{"User-Agent": phone}), recorder.questions)
    assert same == tuple(recorder.questions.values())
    assert other != same


def test_questions_no_process_declares_cannot_be_answered(request_with_visitor):
    assert answers(request_with_visitor(), [("nobody-declared-this", ())]) is None


def test_a_decision_cannot_be_declared_twice():
    with pytest.raises(ValueError, match="declared twice"):
        decision("test-pet-heading")(lambda request: None)


def test_fingerprints_tell_plain_data_apart():
    assert fingerprint((1, "a")) == fingerprint((1, "a"))
    assert fingerprint((1, "a")) != fingerprint(("1", "a"))
    assert fingerprint({"b": 1, "a": 2}) == fingerprint({"a": 2, "b": 1})
    assert fingerprint(Decimal("1.0")) != fingerprint(Decimal("1.00"))
    assert fingerprint(datetime.date(2026, 1, 1)) != fingerprint(datetime.date(2026, 1, 2))
    with translation.override("en"):
        english = fingerprint(gettext_lazy("Change"))
    with translation.override("ja"):
        assert fingerprint(gettext_lazy("Change")) != english


@dataclasses.dataclass(frozen=True)
class Shown:
    title: str
    tags: frozenset[str]


def test_fingerprints_of_rows_containers_and_dataclasses():
    assert fingerprint(Shown("a", frozenset({"x", "y"}))) == fingerprint(
        Shown("a", frozenset({"y", "x"}))
    )
    assert fingerprint(Shown("a", frozenset())) != fingerprint(Shown("b", frozenset()))
    assert fingerprint(Segment(pk=3)) == fingerprint(Segment(pk=3, name="renamed"))
    assert fingerprint(Segment(pk=3)) != fingerprint(Segment(pk=4))
    assert fingerprint(datetime.datetime(2026, 1, 1)) != fingerprint(datetime.date(2026, 1, 1))
    assert fingerprint([1, 2]) == fingerprint((1, 2))
    assert fingerprint(datetime.timedelta(minutes=1)) != fingerprint(datetime.timedelta(0))
    # Asked twice (the second time through the way found for the type): the same refusal.
    for _ in range(2):
        for refused in (object(), Shown, {"a": object()}, [b"bytes"]):
            with pytest.raises(Unfingerprintable):
                fingerprint(refused)


# Shared answers: one answer for every visitor with the same values of the facts it read.

shared_calls: list[str] = []
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


@decision("test-shared-device", shared=True)
def device_line(request, prefix: str) -> str:
    shared_calls.append(prefix)
    return f"{prefix} {request.visitor.get('device')}"


@decision("test-device")
def device_inner(request) -> str:
    return request.visitor.get("device")


@decision("test-shared-outer", shared=True)
def device_outer(request) -> str:
    shared_calls.append("outer")
    return f"on {device_inner(request)}"


@decision("test-shared-memo", shared=True)
def memo_seen(request) -> str:
    shared_calls.append("memo")
    return str(request.visitor.memo.get("test-derived"))


@decision("test-shared-session", shared=True)
def session_line(request) -> str:
    shared_calls.append("session")
    return str(request.session.get("test-colour"))


@pytest.fixture
def shared(request_with_visitor):
    shared_calls.clear()
    return request_with_visitor


def test_a_shared_answer_is_reused_for_visitors_with_the_same_facts(shared):
    assert device_line(shared(), "On") == "On desktop"
    assert device_line(shared(**{"Accept-Language": "ja"}), "On") == "On desktop"
    assert shared_calls == ["On"]  # the language was not read: it does not tell them apart
    assert device_line(shared(**{"User-Agent": PHONE}), "On") == "On mobile"
    assert device_line(shared(), "In") == "In desktop"
    assert shared_calls == ["On", "On", "In"]


def test_a_shared_answer_depends_on_what_a_decision_it_asked_read(shared):
    # The inner decision was answered first in each request: the outer one reads no fact
    # itself, yet depends on the device through it.
    first = shared()
    device_inner(first)
    assert device_outer(first) == "on desktop"
    phone = shared(**{"User-Agent": PHONE})
    device_inner(phone)
    assert device_outer(phone) == "on mobile"
    assert shared_calls == ["outer", "outer"]


def test_a_shared_decision_sees_nothing_another_derived_for_this_visitor(shared):
    request = shared()
    request.visitor.memo["test-derived"] = "from this visitor's facts"
    assert memo_seen(request) == "None"
    assert request.visitor.memo["test-derived"] == "from this visitor's facts"


def test_a_shared_answer_that_read_the_session_depends_on_its_contents(shared):
    def with_colour(colour: str):
        request = shared()
        request.session["test-colour"] = colour
        return request

    assert session_line(with_colour("red")) == "red"
    assert session_line(with_colour("blue")) == "blue"
    assert session_line(with_colour("red")) == "red"
    assert shared_calls == ["session", "session"]


def test_a_shared_answer_is_recorded_like_any_other(shared):
    device_line(shared(), "On")
    request = shared()
    with recording(request) as recorder:
        assert device_line(request, "On") == "On desktop"
    assert recorder.shareable
    assert recorder.questions == {("test-shared-device", ("On",)): fingerprint("On desktop")}
    assert shared_calls == ["On"]


@decision("test-shared-clock", shared=True)
def clock_line(request) -> str:
    shared_calls.append("clock")
    return f"{request.visitor.now:%H:%M} on {request.visitor.get('device')}"


@decision("test-shared-clock-outer", shared=True)
def clock_outer(request) -> str:
    shared_calls.append("clock-outer")
    return f"({clock_line(request)})"


@pytest.fixture
def at(visitor_request):
    from personalization.visitor import resolve_visitor

    def request_at(moment: datetime.datetime, **headers):
        request = visitor_request(headers=headers)
        request.visitor = resolve_visitor(request=request, now=moment)
        return request

    return request_at


START = datetime.datetime(2026, 11, 30, 9, 0, 5, tzinfo=datetime.UTC)


def test_a_shared_answer_that_read_the_clock_holds_for_its_minute(shared, at):
    assert clock_line(at(START)) == "09:00 on desktop"
    assert clock_line(at(START + datetime.timedelta(seconds=50))) == "09:00 on desktop"
    assert clock_line(at(START + datetime.timedelta(seconds=55))) == "09:01 on desktop"
    assert clock_line(at(START + datetime.timedelta(seconds=58), **{"User-Agent": PHONE})) == (
        "09:01 on mobile"
    )
    assert shared_calls == ["clock", "clock", "clock"]


def test_a_shared_answer_that_never_read_the_clock_outlasts_the_minute(shared, at):
    for minutes in (0, 1, 60, 24 * 60):
        assert device_line(at(START + datetime.timedelta(minutes=minutes)), "On") == "On desktop"
    assert shared_calls == ["On"]


def test_a_shared_answer_holds_for_the_minute_when_a_decision_it_asked_read_the_clock(shared, at):
    # Answered first within the request, the inner answer still tells the outer one it read
    # the clock.
    first = at(START)
    clock_line(first)
    assert clock_outer(first) == "(09:00 on desktop)"
    assert clock_outer(at(START + datetime.timedelta(seconds=30))) == "(09:00 on desktop)"
    next_minute = at(START + datetime.timedelta(minutes=1))
    assert clock_outer(next_minute) == "(09:01 on desktop)"
    assert shared_calls == ["clock", "clock-outer", "clock-outer", "clock"]


@decision("test-shared-evening", shared=True)
def evening_line(request) -> str:
    shared_calls.append("evening")
    local = request.visitor.get("local_time")
    return "evening" if local.hour >= 18 else "day"


def test_a_shared_answer_that_read_the_local_time_holds_for_its_minute(shared, at):
    """Visitors a few seconds apart share it (the local time of each request differs to the
    microsecond); the next minute answers afresh, and an earlier hour gets its own answer."""
    evening = at(datetime.datetime(2026, 11, 30, 12, 0, 5, tzinfo=datetime.UTC))
    hour = evening.visitor.get("local_time").hour
    start = evening.visitor.now - datetime.timedelta(hours=hour - 18)  # 18:00:05 local
    assert evening_line(at(start)) == "evening"
    assert evening_line(at(start + datetime.timedelta(seconds=30))) == "evening"
    assert shared_calls == ["evening"]
    assert evening_line(at(start - datetime.timedelta(hours=1))) == "day"
    assert evening_line(at(start + datetime.timedelta(seconds=60))) == "evening"
    assert shared_calls == ["evening", "evening", "evening"]


def test_a_time_window_rule_reads_minutes():
    from personalization.rules import condition_clean

    assert condition_clean("local_time", "between", ["18:00:30", "22:00"]) == [
        "18:00:00",
        "22:00:00",
    ]


def test_previews_and_a_process_that_keeps_none_answer_each_time(shared, settings, visitor_request):
    from personalization.visitor import resolve_visitor

    preview = visitor_request()
    preview.visitor = resolve_visitor(request=preview, overrides={"device": "desktop"})
    device_line(shared(), "On")
    device_line(preview, "On")
    settings.PERSONALIZATION_SHARED_ANSWERS = 0
    device_line(shared(), "On")
    assert shared_calls == ["On", "On", "On"]


@decision("test-shows-its-inner", key=lambda answer: ())
def shows_its_inner(request) -> str:
    return device_inner(request)


def test_a_question_asked_inside_another_is_recorded_also_when_answered_before(shared):
    # The decision cache answers a URL's recipes before it records a render: the outer answer
    # is then reused, yet the page depends on the inner one, which must be in its recipe.
    request = shared()
    shows_its_inner(request)
    with recording(request) as recorder:
        shows_its_inner(request)
    assert ("test-device", ()) in recorder.questions


def test_questions_asked_inside_a_shared_answer_are_recorded_with_it(shared):
    device_inner(shared())
    device_outer(shared())  # answered, and kept
    request = shared()
    with recording(request) as recorder:
        assert device_outer(request) == "on desktop"
    assert ("test-device", ()) in recorder.questions
    assert shared_calls == ["outer"]


def test_a_script_varying_its_facts_cannot_grow_the_shared_answers(shared, settings):
    from personalization import decisions

    settings.PERSONALIZATION_SHARED_ANSWERS = 3
    for number in range(50):
        request = shared()
        request.session["test-colour"] = f"colour {number}"
        assert session_line(request) == f"colour {number}"
    assert decisions.shared_answers_kept() <= 3


@decision("test-shared-worded", shared=True)
def worded(request) -> str:
    shared_calls.append("worded")
    return str(gettext_lazy("Change"))


def test_a_shared_answer_worded_in_another_language_stays_in_that_language(shared):
    request = shared()
    with translation.override("ja"):
        japanese = worded(request)
    with translation.override("en"):
        assert worded(shared()) == "Change"
    assert japanese != "Change"
    assert shared_calls == ["worded", "worded"]
