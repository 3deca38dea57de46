"""The fact registry: every fact declared once, and the rule builder, /why/, the preview and the
export all reading it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from personalization.facts import (
    BOOL,
    FactSpec,
    fact_label,
    fact_spec,
    facts_registered,
    register_fact,
    unregister_fact,
)
from personalization.forms import ConditionForm, PreviewForm, fact_choices
from personalization.models import Question
from personalization.visitor import resolve_visitor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONALIZATION = Path(__file__).resolve().parents[2] / "personalization"


@pytest.fixture
def pet_question() -> Question:
    return Question.objects.create(
        key="pet",
        prompt="Dog or cat?",
        kind="single",
        choices=[{"value": "dog", "label_en": "Dog"}, {"value": "cat", "label_en": "Cat"}],
    )


@pytest.fixture
def loyal_fact():
    """A fact some other app registers, as the shop registers has_ordered."""
    spec = register_fact(
        FactSpec(name="loyal", kind=BOOL, label="Loyal customer", group="account",
                 source="a test", preview=True)
    )  # fmt: skip
    yield spec
    unregister_fact(spec.name)


def option_labels(choices: list) -> dict[str, str]:
    return {value: str(label) for _group, options in choices[1:] for value, label in options}


def test_every_fact_a_visitor_has_is_registered_exactly_once(rf, pet_question):
    request = rf.get("/")
    request.session = {"profile_answers": {"pet": {"value": "cat", "at": 0}}}
    request.user = UserFactory()
    visitor = resolve_visitor(request=request, user=request.user)
    names = [spec.name for spec in facts_registered()]
    assert [name for name, count in Counter(names).items() if count > 1] == []
    assert {name for name, _fact in visitor} - set(names) == set()


def test_every_fact_rules_why_preview_and_export_use_is_registered(pet_question):
    registered = {spec.name for spec in facts_registered()}
    rule_facts = set(option_labels(fact_choices()))
    preview_facts = set(PreviewForm().field_facts.values())
    assert rule_facts <= registered
    assert preview_facts <= registered
    assert "answer.pet" in rule_facts and "answer.pet" in preview_facts
    assert {"has_ordered", "visits", "country"} <= rule_facts


def test_registering_a_fact_twice_is_refused():
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        register_fact(FactSpec(name="country", kind=BOOL, label="Again", group="place", source=""))


def test_personalization_names_no_fact_of_the_shop_nor_any_answer():
    code = "\n".join(path.read_text() for path in PERSONALIZATION.rglob("*.py"))
    assert not re.search(r"[\"']has_ordered[\"']", code)
    # (A template tag's docstring may show how a template reads an answer.)
    assert not re.search(r"(?<!visitor_fact )[\"']answer\.[a-z]", code)


def test_a_fact_an_app_registers_appears_in_the_rule_builder_and_on_why(loyal_fact, client):
    form = ConditionForm(initial={"fact": "loyal"})
    assert option_labels(form.fields["fact"].choices)["loyal"] == "Loyal customer"
    assert [op for op, _label in form.fields["operator"].choices] == ["eq"]
    assert "loyal" in PreviewForm().fields
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    client.post(reverse("personalization:preview"), {"loyal": "yes", "next": "/"})
    page = client.get(reverse("personalization:why")).content.decode()
    assert "Loyal customer" in page


def test_the_shop_registers_has_ordered_with_its_resolver():
    spec = fact_spec("has_ordered")
    assert spec is not None and spec.kind == BOOL and spec.personal


def test_labels_agree_between_rule_builder_why_and_preview(pet_question):
    rules = option_labels(fact_choices())
    preview = PreviewForm()
    for field_name, fact in preview.field_facts.items():
        assert str(preview.fields[field_name].label) == rules.get(fact, fact_label(fact)), fact
    for fact, label in rules.items():
        assert fact_label(fact) == label, fact


def test_value_words_agree_between_rule_builder_and_preview(pet_question):
    preview = PreviewForm()
    for fact in ("device", "season", "area", "answer.pet"):
        field_name = next(name for name, f in preview.field_facts.items() if f == fact)
        assert dict(preview.fields[field_name].choices[1:]) == fact_spec(fact).value_labels()


def test_an_answer_fact_takes_its_type_and_choices_from_its_question(pet_question):
    spec = fact_spec("answer.pet")
    assert spec.kind == "choice"
    assert spec.value_labels() == {"dog": "Dog", "cat": "Cat"}
    assert fact_label("answer.pet") == "Answer: pet"


def test_a_removed_question_is_no_longer_offered_but_its_answer_still_matches(pet_question):
    pet_question.delete()
    from personalization.profiling import questions_changed

    questions_changed()
    assert "answer.pet" not in option_labels(fact_choices())
    assert fact_spec("answer.pet").kind == "text"


def test_the_export_lists_the_visit_facts_the_registry_marks_personal(rf):
    from personalization.profiling import profile_export

    request = RequestFactory().get("/")
    request.session = {}
    request.user = UserFactory()
    request.visitor = resolve_visitor(request=request, user=request.user)
    data = profile_export(request=request)
    assert set(data["visits"]) <= {
        spec.name for spec in facts_registered() if spec.group == "visit" and spec.personal
    }


def test_editors_see_a_registered_fact_in_the_segment_form(client, loyal_fact):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    page = client.get(reverse("admin:personalization_segment_add")).content.decode()
    assert '<option value="loyal">Loyal customer</option>' in page
