"""Declared decisions: recorded while a page is recorded; anything read without one makes the
page personal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from personalization.decisions import answers, decision, fact_decided, fingerprint, recording

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
