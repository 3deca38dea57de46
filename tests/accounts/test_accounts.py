from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def test_sign_up_with_email_and_password(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "mochi@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert User.objects.filter(email="mochi@example.com").exists()
    assert "Signed in as" in response.content.decode()


def test_sign_up_refuses_a_weak_password(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "weak@example.com", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.com").exists()


def test_sign_in_and_out(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_sends_an_email_in_the_shops_name(client, user, settings):
    settings.SHOP_SITE_URL = "https://shop.example.com"
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert user.email in message.to
    assert message.subject.startswith("[Storefront] ")
    assert "Hello from Storefront!" in message.body
    assert "Thank you for using Storefront!\nshop.example.com" in message.body


def test_auth_pages_use_the_shop_layout(client):
    content = client.get(reverse("account_login")).content.decode()
    assert 'id="mini-basket"' in content and "Storefront" in content


def test_profile_saves_the_name(client, user):
    client.force_login(user)
    client.post(reverse("accounts:profile"), {"first_name": "Aiko", "last_name": "Tanaka"})
    user.refresh_from_db()
    assert user.get_full_name() == "Aiko Tanaka"


def test_staff_groups_exist():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Merchandisers"}


def test_the_account_page_shows_answers_as_questions_and_labels(client, user):
    from django.utils import timezone

    from personalization.models import Answer, Question, QuestionKind

    Question.objects.create(
        key="pet", prompt="Dog or cat?", prompt_ja="犬と猫、どちら？", kind=QuestionKind.SINGLE,
        choices=[{"value": "dog", "label_en": "Dog", "label_ja": "犬"},
                 {"value": "cat", "label_en": "Cat", "label_ja": "猫"}],
    )  # fmt: skip
    Answer.objects.create(user=user, key="pet", value="cat", answered_at=timezone.now())
    client.force_login(user)
    text = page_text(client.get(reverse("accounts:profile")))
    assert "Dog or cat? — Cat" in text
    assert "pet: cat" not in text
    text = page_text(client.get(reverse("accounts:profile"), headers={"Accept-Language": "ja"}))
    assert "犬と猫、どちら？ — 猫" in text
