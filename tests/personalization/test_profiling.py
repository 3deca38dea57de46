"""Progressive profiling at the service level: what an answer may be, where it is kept (and only
with consent), which question comes next, and what happens to answers on sign-in and when
consent is withdrawn."""

from __future__ import annotations

import datetime

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from personalization.conf import app_settings
from personalization.history import history_save
from personalization.models import (
    Answer,
    Condition,
    Question,
    QuestionKind,
    Segment,
    Slot,
    Variant,
)
from personalization.profiling import (
    ANSWERS_KEY,
    AnswerRefused,
    answer_clean,
    answer_store,
    answers_adopt,
    question_dismiss,
    question_next,
    questions_changed,
)
from personalization.rules import condition_clean
from personalization.slots import content_changed
from personalization.visitor import Source, resolve_visitor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONSENT = app_settings.CONSENT_COOKIE
HISTORY = app_settings.HISTORY_COOKIE
PASSWORD = "correct-horse-battery"  # what UserFactory sets
PETS = [
    {"value": "dog", "label_en": "Dog", "label_ja": "犬"},
    {"value": "cat", "label_en": "Cat", "label_ja": "猫"},
]
T0 = datetime.datetime(2025, 1, 15, 3, 0, tzinfo=datetime.UTC)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
NO_CONSENT = "We can only remember answers if you allow personalization."
NOT_A_CHOICE = "That is not one of the choices."


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    """Questions and content are per-process snapshots versioned in the shared cache, which
    outlives each test's rolled-back rows: start from, and leave behind, unloaded versions."""
    questions_changed()
    content_changed()
    yield
    questions_changed()
    content_changed()


def make_question(key: str, kind: str = QuestionKind.TEXT, **fields) -> Question:
    """A question saved as the admin would, announced at once (no commit comes in a test)."""
    fields.setdefault("prompt", f"{key.replace('_', ' ').capitalize()}?")
    created = Question.objects.create(key=key, kind=kind, **fields)
    questions_changed()
    return created


def make_segment(name: str, fact: str, operator: str, value) -> Segment:
    created = Segment.objects.create(name=name, slug=slugify(name))
    Condition.objects.create(
        segment=created, fact=fact, operator=operator, value=condition_clean(fact, operator, value)
    )
    content_changed()
    return created


def make_variant(headline: str, segment: Segment, *, slot: str = "home-hero") -> Variant:
    created = Variant.objects.create(
        slot=Slot.objects.get(key=slot), name=headline, headline=headline, segment=segment
    )
    content_changed()
    return created


@pytest.fixture
def name_question() -> Question:
    return make_question("name", prompt="What should we call you?", position=10)


@pytest.fixture
def pet_question() -> Question:
    return make_question(
        "pet", QuestionKind.SINGLE, prompt="Dog, cat or another friend?", choices=PETS, position=20
    )


@pytest.fixture
def pet_name_question(pet_question) -> Question:
    return make_question(
        "pet_name", prompt="What is your pet’s name?", prerequisite=pet_question, position=30
    )


@pytest.fixture
def visit(visitor_request, consent_cookie_value):
    """A page request as the middleware hands it to a view: session, user and visitor set.

    By default the visitor allowed personalization; `session` continues an earlier visit's
    session, `cookies` adds the browser's other cookies (the visit history)."""

    def make(
        *,
        consent: bool = True,
        user=None,
        session=None,
        cookies: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        at: datetime.datetime | None = None,
    ):
        jar = {CONSENT: consent_cookie_value("personalization")} if consent else {}
        request = visitor_request(cookies={**jar, **(cookies or {})}, headers=headers)
        if session is not None:
            request.session = session
        if user is not None:
            request.user = user
        request.visitor = resolve_visitor(request=request, now=at)
        return request

    return make


def answer(request, question: Question, *values: str):
    return answer_store(request=request, question=question, raw=list(values))


def next_key(request, visitor=None) -> str | None:
    question = question_next(request=request, visitor=visitor or request.visitor)
    return question.key if question else None


def history_after(request, at: datetime.datetime) -> dict[str, str]:
    """The history cookie the middleware stores after a page view of this request."""
    response = HttpResponse()
    history_save(request, response, at)
    return {HISTORY: response.cookies[HISTORY].value}


def text_question() -> Question:
    return Question(key="name", prompt="Name?", kind=QuestionKind.TEXT)


# What an answer may be


def test_a_text_answer_is_trimmed():
    assert answer_clean(text_question(), ["  Aiko \t"]) == "Aiko"


def test_a_text_answer_of_50_characters_is_taken():
    assert answer_clean(text_question(), ["a" * 50]) == "a" * 50


def test_a_text_answer_longer_than_50_characters_is_refused():
    with pytest.raises(AnswerRefused, match="Please keep it to 50 characters."):
        answer_clean(text_question(), ["a" * 51])


def test_an_empty_text_answer_is_refused():
    with pytest.raises(AnswerRefused, match="Type an answer"):
        answer_clean(text_question(), ["   "])


@pytest.mark.parametrize(
    "value",
    ["Ai\x00ko", "Ai\nko", "\x1b[31mAiko", "Ai\x7fko", "Ai\x85ko", "\u202eokiA"],
    ids=["nul", "newline", "escape", "delete", "c1-next-line", "right-to-left-override"],
)
def test_control_characters_in_a_text_answer_are_refused(value):
    with pytest.raises(AnswerRefused, match="Please use letters, numbers and punctuation only."):
        answer_clean(text_question(), [value])


def test_a_japanese_name_with_an_ideographic_space_is_taken():
    assert answer_clean(text_question(), ["山田\u3000花子"]) == "山田\u3000花子"


def test_markup_in_a_text_answer_is_taken_as_plain_text():
    assert answer_clean(text_question(), ["<script>alert(1)</script>"]) == (
        "<script>alert(1)</script>"
    )


def test_markup_in_a_text_answer_is_shown_escaped_on_the_page(consenting_client, name_question):
    consenting_client.post(
        reverse("personalization:profile_answer"),
        {"key": "name", "value": "<script>alert(1)</script>", "next": "/"},
    )
    content = consenting_client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "Welcome, &lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize(("raw", "value"), [("3", 3), (" 12 ", 12), ("0", 0), ("999", 999)])
def test_a_number_answer_is_a_whole_number(raw, value):
    question = Question(key="pets", prompt="How many pets?", kind=QuestionKind.NUMBER)
    assert answer_clean(question, [raw]) == value


@pytest.mark.parametrize("raw", ["-1", "1.5", "1000", "three", "1e3"])
def test_a_number_answer_that_is_not_a_small_whole_number_is_refused(raw):
    question = Question(key="pets", prompt="How many pets?", kind=QuestionKind.NUMBER)
    with pytest.raises(AnswerRefused, match="Enter a whole number."):
        answer_clean(question, [raw])


def test_a_date_answer_is_kept_as_an_iso_date():
    question = Question(key="birthday", prompt="Your pet’s birthday?", kind=QuestionKind.DATE)
    assert answer_clean(question, [" 2021-04-01 "]) == "2021-04-01"


@pytest.mark.parametrize("raw", ["April", "2021-02-30", "01/04/2021"])
def test_a_date_answer_that_is_not_a_date_is_refused(raw):
    question = Question(key="birthday", prompt="Your pet’s birthday?", kind=QuestionKind.DATE)
    with pytest.raises(AnswerRefused, match="Enter a date."):
        answer_clean(question, [raw])


def test_a_single_choice_answer_is_the_value_chosen():
    question = Question(key="pet", kind=QuestionKind.SINGLE, choices=PETS)
    assert answer_clean(question, ["cat"]) == "cat"


def test_a_multiple_choice_answer_is_the_sorted_values_chosen_once_each():
    question = Question(key="pets", kind=QuestionKind.MULTIPLE, choices=PETS)
    assert answer_clean(question, ["dog", "cat", "dog"]) == ["cat", "dog"]


@pytest.mark.parametrize(
    ("kind", "raw"),
    [(QuestionKind.SINGLE, ["fish"]), (QuestionKind.MULTIPLE, ["cat", "fish"])],
    ids=["single", "multiple"],
)
def test_an_unknown_choice_is_refused(kind, raw):
    question = Question(key="pet", kind=kind, choices=PETS)
    with pytest.raises(AnswerRefused, match=NOT_A_CHOICE):
        answer_clean(question, raw)


def test_a_choice_question_needs_a_choice():
    question = Question(key="pet", kind=QuestionKind.SINGLE, choices=PETS)
    with pytest.raises(AnswerRefused, match="Choose an answer."):
        answer_clean(question, [])


# Where answers are kept


def test_without_consent_an_answer_is_refused_and_nothing_is_kept(visit, pet_question):
    request = visit(consent=False)
    with pytest.raises(AnswerRefused, match=NO_CONSENT):
        answer(request, pet_question, "cat")
    assert ANSWERS_KEY not in request.session
    assert not Answer.objects.exists()


def test_an_anonymous_visitors_answer_is_kept_in_the_session(visit, pet_question):
    request = visit()
    assert answer(request, pet_question, "cat") == "cat"
    assert request.session[ANSWERS_KEY]["pet"]["value"] == "cat"
    assert not Answer.objects.exists()


def test_a_signed_in_shoppers_answer_is_kept_in_their_account(visit, pet_question, user):
    request = visit(user=user)
    answer(request, pet_question, "cat")
    assert list(Answer.objects.filter(user=user).values_list("key", "value")) == [("pet", "cat")]
    assert ANSWERS_KEY not in request.session


def test_an_answer_becomes_a_fact_the_visitor_told_us(visit, pet_question):
    request = visit()
    answer(request, pet_question, "cat")
    visitor = resolve_visitor(request=request)
    assert visitor["answer.pet"] == "cat"
    assert visitor.source("answer.pet") == Source.ANSWER == "answer"
    assert visitor["answer_count"] == 1


def test_a_signed_in_shoppers_answer_is_a_fact_on_their_next_request(visit, pet_question, user):
    answer(visit(user=user), pet_question, "dog")
    visitor = visit(user=user).visitor
    assert (visitor["answer.pet"], visitor.source("answer.pet")) == ("dog", Source.ANSWER)


def test_the_same_answer_twice_is_kept_once_in_the_session(visit, pet_question):
    request = visit()
    answer(request, pet_question, "cat")
    answer(request, pet_question, "cat")
    assert list(request.session[ANSWERS_KEY]) == ["pet"]
    assert request.session[ANSWERS_KEY]["pet"]["value"] == "cat"


def test_the_same_answer_twice_is_one_answer_row(visit, pet_question, user):
    for _attempt in range(2):
        answer(visit(user=user), pet_question, "cat")
    assert Answer.objects.filter(user=user).count() == 1


def test_the_same_answer_posted_twice_is_kept_once(consenting_client, pet_question, user):
    consenting_client.force_login(user)
    for _attempt in range(2):
        response = consenting_client.post(
            reverse("personalization:profile_answer"), {"key": "pet", "value": "cat"}
        )
        assert response.status_code == 302
    assert list(Answer.objects.values_list("key", "value")) == [("pet", "cat")]


def test_a_changed_answer_replaces_the_earlier_one(visit, pet_question, user):
    answer(visit(user=user), pet_question, "cat")
    answer(visit(user=user), pet_question, "dog")
    assert list(Answer.objects.values_list("key", "value")) == [("pet", "dog")]


# Which question comes next


def test_the_first_question_is_the_editors_first(visit, name_question, pet_question):
    assert next_key(visit()) == "name"


def test_an_answered_question_is_never_asked_again(visit, name_question, pet_question):
    request = visit()
    answer(request, name_question, "Aiko")
    assert next_key(request) == "pet"
    answer(request, pet_question, "cat")
    assert next_key(request) is None


def test_an_inactive_question_is_not_asked(visit, name_question, pet_question):
    Question.objects.filter(pk=name_question.pk).update(is_active=False)
    questions_changed()
    assert next_key(visit()) == "pet"


def test_not_now_hides_a_question_for_the_rest_of_the_visit(visit, name_question, pet_question):
    first = visit(at=T0)
    question_dismiss(request=first, key="name", forever=False)
    cookies = history_after(first, T0)
    later = visit(session=first.session, cookies=cookies, at=T0 + datetime.timedelta(minutes=10))
    assert later.visitor["visits"] == 1
    assert next_key(later) == "pet"


def test_not_now_brings_the_question_back_on_the_next_visit(visit, name_question, pet_question):
    first = visit(at=T0)
    question_dismiss(request=first, key="name", forever=False)
    cookies = history_after(first, T0)
    nextday = visit(session=first.session, cookies=cookies, at=T0 + datetime.timedelta(days=1))
    assert nextday.visitor["visits"] == 2
    assert next_key(nextday) == "name"


def test_dont_ask_again_hides_a_question_on_every_visit(visit, name_question, pet_question):
    first = visit(at=T0)
    question_dismiss(request=first, key="name", forever=True)
    cookies = history_after(first, T0)
    nextday = visit(session=first.session, cookies=cookies, at=T0 + datetime.timedelta(days=1))
    assert nextday.visitor["visits"] == 2
    assert next_key(nextday) == "pet"


def test_a_follow_up_question_waits_for_its_prerequisite(visit, pet_name_question):
    request = visit()
    assert next_key(request) == "pet"
    question_dismiss(request=request, key="pet", forever=True)
    assert next_key(request) is None


def test_a_follow_up_question_comes_after_any_answer_to_its_prerequisite(
    visit, pet_question, pet_name_question
):
    request = visit()
    answer(request, pet_question, "dog")
    assert next_key(request) == "pet_name"


def test_a_follow_up_for_one_answer_is_asked_after_that_answer(visit, pet_question):
    make_question(
        "indoor", QuestionKind.SINGLE, prompt="Does your cat go outside?", position=30,
        choices=[{"value": "yes", "label_en": "Yes"}, {"value": "no", "label_en": "No"}],
        prerequisite=pet_question, prerequisite_value="cat",
    )  # fmt: skip
    request = visit()
    answer(request, pet_question, "cat")
    assert next_key(request) == "indoor"


def test_a_follow_up_for_one_answer_is_not_asked_after_another(visit, pet_question):
    make_question(
        "indoor", prompt="Does your cat go outside?", position=30,
        prerequisite=pet_question, prerequisite_value="cat",
    )  # fmt: skip
    request = visit()
    answer(request, pet_question, "dog")
    assert next_key(request) is None


def test_a_follow_up_for_one_choice_of_several_is_asked_when_that_choice_was_among_them(visit):
    pets = make_question(
        "pets", QuestionKind.MULTIPLE, prompt="Which pets live with you?", choices=PETS,
        position=20,
    )  # fmt: skip
    make_question(
        "cat_food", prompt="What does your cat eat?", position=30,
        prerequisite=pets, prerequisite_value="cat",
    )  # fmt: skip
    request = visit()
    answer(request, pets, "dog", "cat")
    assert next_key(request) == "cat_food"


def test_a_question_for_a_segment_is_not_asked_outside_it(visit, name_question):
    phones = make_segment("Phone shoppers", "device", "eq", "mobile")
    make_question("commute", prompt="Do you shop on the go?", position=1, segment=phones)
    assert next_key(visit()) == "name"


def test_a_question_for_a_segment_is_asked_inside_it(visit, name_question):
    phones = make_segment("Phone shoppers", "device", "eq", "mobile")
    make_question("commute", prompt="Do you shop on the go?", position=1, segment=phones)
    request = visit(headers={"User-Agent": IPHONE})
    assert request.visitor["device"] == "mobile"
    assert next_key(request) == "commute"


def test_the_question_that_changes_most_content_comes_first(visit, name_question, pet_question):
    make_variant("Everything for your cat", make_segment("Cat people", "answer.pet", "eq", "cat"))
    assert next_key(visit()) == "pet"


def test_the_question_with_more_content_depending_on_it_comes_first(visit, pet_question):
    make_question("area", prompt="City or countryside?", position=5)
    make_variant("Room to roam", make_segment("Country folk", "answer.area", "eq", "rural"))
    cats = make_segment("Cat people", "answer.pet", "eq", "cat")
    make_variant("Everything for your cat", cats)
    make_variant("Cat food for the season", cats, slot="home-strip")
    assert next_key(visit()) == "pet"


def test_the_editors_order_breaks_a_tie_in_content(visit, name_question, pet_question):
    make_variant("Hello Aiko", make_segment("Aikos", "answer.name", "eq", "Aiko"))
    make_variant("Everything for your cat", make_segment("Cat people", "answer.pet", "eq", "cat"))
    assert next_key(visit()) == "name"


def test_the_earlier_question_breaks_a_tie_in_position(visit):
    make_question("colour", prompt="Favourite colour?", position=50)
    make_question("season", prompt="Favourite season?", position=50)
    assert next_key(visit()) == "colour"


# Sign-in


def test_on_sign_in_the_sessions_answers_move_to_the_account(visit, pet_question, user):
    request = visit()
    answer(request, pet_question, "cat")
    answers_adopt(request=request, user=user)
    assert list(Answer.objects.filter(user=user).values_list("key", "value")) == [("pet", "cat")]
    assert ANSWERS_KEY not in request.session


def test_on_sign_in_a_newer_answer_replaces_the_accounts_older_one(visit, pet_question, user):
    Answer.objects.create(
        user=user, key="pet", value="dog", answered_at=timezone.now() - datetime.timedelta(days=3)
    )
    request = visit()
    answer(request, pet_question, "cat")
    answers_adopt(request=request, user=user)
    assert list(Answer.objects.filter(user=user).values_list("key", "value")) == [("pet", "cat")]


def test_on_sign_in_the_accounts_newer_answer_is_kept(visit, pet_question, user):
    request = visit()
    answer(request, pet_question, "cat")
    Answer.objects.create(
        user=user,
        key="pet",
        value="dog",
        answered_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    answers_adopt(request=request, user=user)
    assert list(Answer.objects.filter(user=user).values_list("key", "value")) == [("pet", "dog")]


def test_signing_in_keeps_the_answers_given_before(consenting_client, pet_question):
    user = UserFactory(email="aiko@example.com")
    consenting_client.post(
        reverse("personalization:profile_answer"), {"key": "pet", "value": "cat", "next": "/"}
    )
    response = consenting_client.post(
        reverse("account_login"), {"login": "aiko@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert list(Answer.objects.filter(user=user).values_list("key", "value")) == [("pet", "cat")]
    facts = consenting_client.get("/why/", headers={"Accept": "application/json"}).json()["facts"]
    assert facts["answer.pet"] == {"value": "cat", "source": "answer"}


# Withdrawing consent


def test_withdrawing_personalization_forgets_an_anonymous_visitors_answers(
    consenting_client, pet_question
):
    consenting_client.post(
        reverse("personalization:profile_answer"), {"key": "pet", "value": "cat", "next": "/"}
    )
    assert consenting_client.session[ANSWERS_KEY]["pet"]["value"] == "cat"
    response = consenting_client.post(reverse("personalization:privacy"), {"analytics": "on"})
    assert response.status_code == 302
    assert ANSWERS_KEY not in consenting_client.session
    facts = consenting_client.get("/why/", headers={"Accept": "application/json"}).json()["facts"]
    assert "answer.pet" not in facts


def test_withdrawing_personalization_deletes_a_signed_in_shoppers_answers(
    consenting_client, pet_question, user
):
    consenting_client.force_login(user)
    consenting_client.post(
        reverse("personalization:profile_answer"), {"key": "pet", "value": "cat", "next": "/"}
    )
    assert Answer.objects.filter(user=user).exists()
    consenting_client.post(reverse("personalization:privacy"), {})
    assert not Answer.objects.filter(user=user).exists()


def test_keeping_personalization_on_the_privacy_page_keeps_the_answers(
    consenting_client, pet_question
):
    consenting_client.post(
        reverse("personalization:profile_answer"), {"key": "pet", "value": "cat", "next": "/"}
    )
    consenting_client.post(reverse("personalization:privacy"), {"personalization": "on"})
    assert consenting_client.session[ANSWERS_KEY]["pet"]["value"] == "cat"
