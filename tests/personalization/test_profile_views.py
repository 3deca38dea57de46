"""The profile card as a shopper meets it: one question at a time on the home page, answered with
htmx (the card, the greeting and the slots change in place) or by a plain form post, a thank-you
voucher after two answers that follows them into a new account, listings for their pet, and
their answers on "What we know about you"."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.text import slugify

from personalization.conf import app_settings
from personalization.models import Answer, Condition, Question, QuestionKind, Segment, Slot, Variant
from personalization.profiling import ANSWERS_KEY, REWARD_KEY, questions_changed
from personalization.rules import condition_clean
from personalization.slots import content_changed
from shop.offers.models import PersonalVoucher
from tests.factories import ProductFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
CONSENT = app_settings.CONSENT_COOKIE
PETS = [
    {"value": "dog", "label_en": "Dog", "label_ja": "犬"},
    {"value": "cat", "label_en": "Cat", "label_ja": "猫"},
]
NAME_PROMPT = "What should we call you?"
PET_PROMPT = "Dog, cat or another friend?"
PET_NAME_PROMPT = "What is your pet’s name?"
CAT_HEADLINE = "Everything for your cat"
HERO_DEFAULT = "Everything your pet needs, delivered across Japan"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
VOUCHER = re.compile(r"THANKS-[A-Z0-9]{8}")


@pytest.fixture
def questions() -> dict[str, Question]:
    """Name, pet, and the pet's name once the pet is known, as an editor would set them up."""
    name = Question.objects.create(key="name", prompt=NAME_PROMPT, kind="text", position=10)
    pet = Question.objects.create(
        key="pet", prompt=PET_PROMPT, kind=QuestionKind.SINGLE, choices=PETS, position=20
    )
    pet_name = Question.objects.create(
        key="pet_name", prompt=PET_NAME_PROMPT, kind="text", prerequisite=pet, position=30
    )
    questions_changed()
    return {"name": name, "pet": pet, "pet_name": pet_name}


@pytest.fixture
def cat_hero() -> Variant:
    """The home page hero turns to cats for visitors who told us they have one."""
    cats = Segment.objects.create(name="Cat people", slug=slugify("Cat people"))
    Condition.objects.create(
        segment=cats, fact="answer.pet", operator="eq",
        value=condition_clean("answer.pet", "eq", "cat"),
    )  # fmt: skip
    variant = Variant.objects.create(
        slot=Slot.objects.get(key="home-hero"), name="Cats", headline=CAT_HEADLINE, segment=cats
    )
    content_changed()
    return variant


@pytest.fixture
def shopper(consenting_client) -> Client:
    """A new visitor who accepted the banner: the consent cookie as the banner's post sets it."""
    response = consenting_client.post(reverse("personalization:consent"), {"choice": "all"})
    assert response.status_code == 302
    return consenting_client


def card_html(response) -> str:
    """The profile card's markup."""
    match = re.search(
        r'<(section|div) id="profile-card".*?</\1>', response.content.decode(), re.DOTALL
    )
    assert match, "no profile card"
    return match.group(0)


def answer(client: Client, key: str, *values: str, htmx: bool = True, next: str = "/"):
    return client.post(
        reverse("personalization:profile_answer"),
        {"key": key, "value": list(values), "next": next},
        headers=HTMX if htmx else {},
    )


# The card on the home page


def test_the_home_page_shows_the_card_with_the_first_question(shopper, questions):
    card = card_html(shopper.get("/"))
    assert NAME_PROMPT in card
    assert 'name="key" value="name"' in card
    assert f'hx-post="{reverse("personalization:profile_answer")}"' in card


def test_the_question_that_changes_the_hero_is_asked_first(shopper, questions, cat_hero):
    card = card_html(shopper.get("/"))
    assert PET_PROMPT in card
    assert 'type="radio" name="value" value="cat"' in card


def test_without_consent_the_card_explains_it_cannot_remember(client, questions):
    response = client.get("/")
    card = card_html(response)
    assert NAME_PROMPT not in card
    assert "We can only remember your answers if you allow personalization." in page_text(response)
    assert "Allow personalization" in card
    assert f'action="{reverse("personalization:consent")}"' in card


def test_allowing_personalization_on_the_card_brings_the_first_question(client, questions):
    response = client.post(
        reverse("personalization:consent"), {"choice": "all", "next": "/"}, follow=True
    )
    assert NAME_PROMPT in card_html(response)


def test_search_engines_see_no_card(client, questions):
    response = client.get("/", headers={"User-Agent": GOOGLEBOT})
    assert response.status_code == 200
    assert 'id="profile-card"' not in response.content.decode()


# Answering with htmx


def test_an_htmx_answer_gets_the_next_question(shopper, questions):
    response = answer(shopper, "name", "Aiko")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    card = card_html(response)
    assert PET_PROMPT in card
    assert NAME_PROMPT not in card


def test_an_htmx_answer_sends_the_greeting_out_of_band(shopper, questions):
    content = answer(shopper, "name", "Aiko").content.decode()
    assert '<span id="greeting" class="greeting" hx-swap-oob="true">Welcome, Aiko</span>' in content


def test_an_htmx_answer_sends_the_changed_hero_out_of_band(shopper, questions, cat_hero):
    content = answer(shopper, "pet", "cat").content.decode()
    hero = re.search(r'<section id="slot-home-hero"[^>]*>.*?</section>', content, re.DOTALL)
    assert hero, "no hero in the response"
    assert 'hx-swap-oob="outerHTML"' in hero.group(0)
    assert CAT_HEADLINE in hero.group(0)


def test_a_dog_keeps_the_default_hero(shopper, questions, cat_hero):
    content = answer(shopper, "pet", "dog").content.decode()
    assert HERO_DEFAULT in content
    assert CAT_HEADLINE not in content


def test_after_the_pet_the_card_asks_for_its_name(shopper, questions, cat_hero):
    shopper.post(
        reverse("personalization:profile_dismiss"), {"key": "name", "forever": "1"}, headers=HTMX
    )
    card = card_html(answer(shopper, "pet", "cat"))
    assert PET_NAME_PROMPT in card


def test_an_unknown_question_is_refused_with_a_message_in_the_card(shopper, questions):
    response = answer(shopper, "favourite_colour", "blue")
    assert response.status_code == 400
    card = card_html(response)
    assert "That question does not exist (any more)." in card
    assert NAME_PROMPT in card  # the card still asks what it can
    assert ANSWERS_KEY not in shopper.session


def test_an_invalid_choice_is_refused_with_the_reason(shopper, questions):
    response = answer(shopper, "pet", "dragon")
    assert response.status_code == 400
    card = card_html(response)
    assert "That is not one of the choices." in card
    assert PET_PROMPT in card  # the same question, to answer again
    assert ANSWERS_KEY not in shopper.session


def test_an_htmx_answer_without_consent_is_refused_with_the_reason(client, questions):
    response = answer(client, "name", "Aiko")
    assert response.status_code == 400
    assert "We can only remember answers if you allow personalization." in page_text(response)
    assert ANSWERS_KEY not in client.session


def test_an_answer_needs_the_csrf_token(consent_cookie_value, questions):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[CONSENT] = consent_cookie_value("personalization")
    response = answer(browser, "name", "Aiko")
    assert response.status_code == 403
    assert ANSWERS_KEY not in browser.session


def test_not_now_with_htmx_moves_on_to_the_next_question(shopper, questions):
    response = shopper.post(
        reverse("personalization:profile_dismiss"), {"key": "name", "next": "/"}, headers=HTMX
    )
    assert response.status_code == 200
    assert PET_PROMPT in card_html(response)
    assert NAME_PROMPT not in card_html(shopper.get("/"))


# Answering without JavaScript


def test_a_plain_answer_redirects_back_to_the_page(shopper, questions):
    response = answer(shopper, "name", "Aiko", htmx=False, next="/?from=card")
    assert response.status_code == 302
    assert response.url == "/?from=card"


def test_after_a_plain_answer_the_page_shows_the_new_state(shopper, questions, cat_hero):
    answer(shopper, "pet", "cat", htmx=False)
    response = shopper.get("/")
    text = page_text(response)
    assert "Thank you!" in text
    assert CAT_HEADLINE in text
    card = card_html(response)
    assert NAME_PROMPT in card
    assert PET_PROMPT not in card


def test_after_a_plain_answer_the_greeting_welcomes_by_name(shopper, questions):
    answer(shopper, "name", "Aiko", htmx=False)
    assert "Welcome, Aiko" in page_text(shopper.get("/"))


def test_a_plain_answer_that_is_refused_says_why_on_the_page(shopper, questions):
    response = answer(shopper, "pet", "dragon", htmx=False)
    assert response.status_code == 302
    assert "That is not one of the choices." in page_text(shopper.get(response.url))


def test_a_plain_answer_never_redirects_to_another_site(shopper, questions):
    response = answer(shopper, "name", "Aiko", htmx=False, next="https://evil.example/")
    assert response.url == "/"


# The thank-you voucher


def test_the_second_answer_brings_a_thank_you_voucher(shopper, questions):
    answer(shopper, "name", "Aiko")
    response = answer(shopper, "pet", "cat")
    card = card_html(response)
    assert "Thank you!" in card
    code = VOUCHER.search(card).group(0)
    # One sentence that reads as such, not "a thank-you: …, thank you for telling us about you".
    assert re.search(
        r"Thank you for telling us about you! Here is 10% off your next order, until \w+ \d+: "
        rf"use the code {code} in your basket\.",
        " ".join(re.sub(r"<[^>]*>", " ", card).split()),
    )
    voucher = PersonalVoucher.objects.get(code=code)
    assert voucher.owner is None
    assert voucher.percent == Decimal(10)
    assert shopper.session[REWARD_KEY]["code"] == code


def test_the_first_answer_brings_no_voucher(shopper, questions):
    answer(shopper, "name", "Aiko")
    assert not PersonalVoucher.objects.exists()


def test_the_voucher_is_given_only_once(shopper, questions):
    answer(shopper, "name", "Aiko")
    answer(shopper, "pet", "cat")
    response = answer(shopper, "pet_name", "Mochi")
    assert response.status_code == 200
    assert PersonalVoucher.objects.count() == 1


def test_after_the_thank_you_the_next_page_asks_the_next_question(shopper, questions):
    answer(shopper, "name", "Aiko")
    answer(shopper, "pet", "cat")
    assert PET_NAME_PROMPT in card_html(shopper.get("/"))


def test_the_voucher_works_in_the_basket(
    shopper, questions, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the offer reaches pricing
        answer(shopper, "name", "Aiko")
        code = VOUCHER.search(answer(shopper, "pet", "cat").content.decode()).group(0)
    shopper.post(reverse("basket:add"), {"product": product.pk, "quantity": 2})
    response = shopper.post(reverse("basket:code"), {"code": code.lower()}, follow=True)
    text = page_text(response)
    assert f"Code “{code}” applied." in text
    assert response.context["price"].total == Decimal(2400 - 240 + 600)


# Signing up keeps answers and voucher


@pytest.fixture
def signed_up(shopper, questions):
    """A visitor who answered two questions, got the voucher, then made an account."""
    answer(shopper, "name", "Aiko")
    code = VOUCHER.search(answer(shopper, "pet", "cat").content.decode()).group(0)
    password = "mochi-the-cat-42"
    response = shopper.post(
        reverse("account_signup"),
        {"email": "aiko@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    return shopper, code


def test_signing_up_keeps_the_answers(signed_up, django_user_model):
    user = django_user_model.objects.get(email="aiko@example.com")
    assert dict(Answer.objects.filter(user=user).values_list("key", "value")) == {
        "name": "Aiko",
        "pet": "cat",
    }


def test_signing_up_keeps_the_voucher(signed_up, django_user_model):
    _client, code = signed_up
    user = django_user_model.objects.get(email="aiko@example.com")
    assert PersonalVoucher.objects.get(code=code).owner == user


def test_the_account_page_shows_the_answers_and_the_voucher(signed_up):
    client, code = signed_up
    text = page_text(client.get(reverse("accounts:profile")))
    assert f"{NAME_PROMPT} — Aiko" in text
    assert f"{PET_PROMPT} — Cat" in text
    assert code in text


def test_after_signing_up_the_greeting_still_welcomes_by_name(signed_up):
    client, _code = signed_up
    assert "Welcome, Aiko" in page_text(client.get("/"))


# Listings for the visitor's pet


@pytest.fixture
def pet_products(category):
    ProductFactory(name="Salmon cat food", slug="salmon-cat-food", category=category,
                   pet_type="cat")  # fmt: skip
    ProductFactory(name="Beef dog food", slug="beef-dog-food", category=category, pet_type="dog")


def listed(response) -> set[str]:
    return {product.name for product in response.context["page"].object_list}


def test_listings_show_every_pet_before_the_pet_is_known(shopper, questions, pet_products):
    response = shopper.get(reverse("catalog:products"))
    assert listed(response) == {"Salmon cat food", "Beef dog food"}
    assert "For your" not in page_text(response)


def test_listings_default_to_the_visitors_pet(shopper, questions, pet_products):
    answer(shopper, "pet", "cat")
    response = shopper.get(reverse("catalog:products"))
    assert "For your cat" in page_text(response)
    assert listed(response) == {"Salmon cat food"}


def test_a_category_listing_defaults_to_the_visitors_pet(shopper, questions, pet_products):
    answer(shopper, "pet", "dog")
    response = shopper.get(reverse("catalog:category", args=["food"]))
    assert "For your dog" in page_text(response)
    assert listed(response) == {"Beef dog food"}


def test_a_pet_in_the_address_wins_over_the_visitors_pet(shopper, questions, pet_products):
    answer(shopper, "pet", "cat")
    response = shopper.get(reverse("catalog:products"), {"pet": ""})
    assert listed(response) == {"Salmon cat food", "Beef dog food"}
    assert "For your cat" not in page_text(response)
    response = shopper.get(reverse("catalog:products"), {"pet": "dog"})
    assert listed(response) == {"Beef dog food"}


# "What we know about you"


def test_the_why_page_lists_the_answers_with_change_and_delete(shopper, questions):
    answer(shopper, "name", "Aiko")
    answer(shopper, "pet", "cat")
    response = shopper.get(reverse("personalization:why"))
    content = response.content.decode()
    assert '<input id="answer-name" name="value" value="Aiko" maxlength="50">' in content
    assert '<option value="cat" selected>Cat</option>' in content
    assert content.count('class="answer-edit"') == 2
    assert content.count('class="answer-delete"') == 2
    assert "Delete What should we call you?" in page_text(response)


def test_an_answer_can_be_deleted_on_the_why_page(shopper, questions):
    answer(shopper, "name", "Aiko")
    answer(shopper, "pet", "cat")
    response = shopper.post(
        reverse("personalization:profile_forget"),
        {"key": "pet", "next": "/why/#answers"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/why/#answers"
    assert "The answer was deleted." in page_text(response)
    assert "answer-pet" not in response.content.decode()
    assert list(shopper.session[ANSWERS_KEY]) == ["name"]


def test_a_signed_in_shoppers_answer_can_be_deleted(shopper, questions, user):
    shopper.force_login(user)
    answer(shopper, "pet", "cat")
    shopper.post(reverse("personalization:profile_forget"), {"key": "pet"})
    assert not Answer.objects.filter(user=user).exists()


def test_an_answer_can_be_changed_on_the_why_page(shopper, questions):
    answer(shopper, "pet", "cat")
    response = answer(shopper, "pet", "dog", htmx=False, next="/why/#answers")
    assert response.url == "/why/#answers"
    content = shopper.get(reverse("personalization:why")).content.decode()
    assert '<option value="dog" selected>Dog</option>' in content
    assert shopper.session[ANSWERS_KEY]["pet"]["value"] == "dog"


def test_an_answer_to_a_question_no_longer_asked_can_still_be_deleted(shopper, questions):
    answer(shopper, "pet", "cat")
    Question.objects.filter(key="pet").update(is_active=False)
    questions_changed()
    facts = shopper.get("/why/", headers={"Accept": "application/json"}).json()["facts"]
    assert facts["answer.pet"]["value"] == "cat"  # still kept, and still used
    content = shopper.get(reverse("personalization:why")).content.decode()
    assert 'name="key" value="pet"' in content  # a delete form for the answer still kept
    shopper.post(reverse("personalization:profile_forget"), {"key": "pet"})
    assert "pet" not in shopper.session[ANSWERS_KEY]
