"""Slot content and questions in every language, from snapshots shared by every language."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from personalization.facts import fact_display
from personalization.models import Question, QuestionKind, Slot, Variant
from personalization.profiling import answer_facts, questions_cached
from personalization.slots import content, content_changed
from tests.factories import UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

PETS = [
    {"value": "dog", "label_en": "Dog", "label_ja": "犬"},
    {"value": "cat", "label_en": "Cat", "label_ja": "猫"},
]


@pytest.fixture
def hero(db) -> Variant:
    """The home page's default hero, written in both languages."""
    default = Variant.objects.get(slot=Slot.objects.get(key="home-hero"), is_default=True)
    default.headline_en, default.headline_ja = "Everything for your pet", "ペットのためのすべて"
    default.body_en, default.body_ja = "<p>Food and beds.</p>", "<p>フードとベッド。</p>"
    default.cta_label_en, default.cta_label_ja = "Shop now", "商品を見る"
    default.save()
    content_changed()
    return default


def home(client: Client, language: str) -> str:
    return page_text(client.get("/", headers={"Accept-Language": language}))


@pytest.mark.parametrize(("loaded_in", "read_in"), [("ja", "en"), ("en", "ja")])
def test_content_loaded_in_one_language_is_shown_in_the_other(client, hero, loaded_in, read_in):
    with translation.override(loaded_in):
        content()
    text = home(client, read_in)
    if read_in == "en":
        assert "Everything for your pet" in text and "Food and beds." in text
        assert "Shop now" in text and "ペットのためのすべて" not in text
    else:
        assert "ペットのためのすべて" in text and "フードとベッド。" in text
        assert "商品を見る" in text and "Everything for your pet" not in text


def test_content_without_japanese_text_is_shown_in_english(client, hero):
    hero.headline_ja = hero.body_ja = hero.cta_label_ja = ""
    hero.save()
    content_changed()
    text = home(client, "ja")
    assert "Everything for your pet" in text and "Food and beds." in text


@pytest.mark.parametrize(("loaded_in", "read_in"), [("ja", "en"), ("en", "ja")])
def test_questions_loaded_in_one_language_read_in_the_other(loaded_in, read_in):
    Question.objects.create(
        key="pet", prompt_en="Dog or cat?", prompt_ja="犬派？猫派？",
        kind=QuestionKind.SINGLE, choices=PETS,
    )  # fmt: skip
    with translation.override(loaded_in):
        (question,) = questions_cached()
        answer_facts()
    with translation.override(read_in):
        prompt = question.prompt_in(read_in)
        label = fact_display("answer.pet", "cat")
    assert (prompt, label) == (
        ("Dog or cat?", "Cat") if read_in == "en" else ("犬派？猫派？", "猫")
    )


def test_a_choice_without_a_japanese_label_reads_in_english():
    question = Question(key="pet", prompt_en="Dog or cat?", kind=QuestionKind.SINGLE)
    question.choices = [{"value": "dog", "label_en": "Dog"}]
    assert question.choices_in("ja") == [("dog", "Dog")]
    assert question.prompt_in("ja") == "Dog or cat?"


def editor() -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_writes_a_question_and_its_choices_in_both_languages(db):
    response = editor().post(
        reverse("admin:personalization_question_add"),
        {
            "key": "pet",
            "prompt_en": "Dog or cat?",
            "prompt_ja": "犬派？猫派？",
            "kind": "single",
            "choices_text": "dog | Dog | 犬\ncat | Cat",
            "position": "20",
            "segment": "",
            "prerequisite": "",
            "prerequisite_value": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, page_text(response)
    question = Question.objects.get(key="pet")
    assert (question.prompt_en, question.prompt_ja) == ("Dog or cat?", "犬派？猫派？")
    assert question.choices == [
        {"value": "dog", "label_en": "Dog", "label_ja": "犬"},
        {"value": "cat", "label_en": "Cat"},
    ]
    page = page_text(
        editor().get(reverse("admin:personalization_question_change", args=[question.pk]))
    )
    assert "dog | Dog | 犬 cat | Cat" in page
