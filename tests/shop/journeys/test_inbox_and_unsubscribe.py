"""The Messages page, one-click unsubscribe (RFC 8058), the marketing choice, the provider."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from personalization.actions.base import ActionContext
from shop.journeys.actions import newest_unread_message, unread_message
from shop.journeys.models import Contact, Message
from shop.journeys.services import journeys_run, unsubscribe_token

from .conftest import NOON_TOKYO, at, customer, make_journey, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(tokyo, product) -> Message:
    make_journey()
    paid_order(tokyo, product=product)
    journeys_run(now=NOON_TOKYO)
    return Message.objects.get(user=tokyo)


def unsubscribe_path(user) -> str:
    return reverse("journeys:unsubscribe", kwargs={"token": unsubscribe_token(user.pk)})


def test_the_inbox_shows_the_message_and_its_unread_count(client, tokyo, sent):
    client.force_login(tokyo)
    page = client.get(reverse("journeys:inbox"))
    assert "1 unread message" in page.content.decode()
    assert sent.subject in page.content.decode()

    detail = client.get(reverse("journeys:detail", kwargs={"pk": sent.pk}))
    assert "Your order SF-" in detail.content.decode()
    assert "0 unread messages" in client.get(reverse("journeys:inbox")).content.decode()


def test_another_customer_gets_a_404_for_my_message(client, sent):
    client.force_login(customer())
    assert client.get(reverse("journeys:detail", kwargs={"pk": sent.pk})).status_code == 404
    assert client.get(reverse("journeys:go", kwargs={"pk": sent.pk})).status_code == 404


def test_the_button_is_counted_and_leads_to_the_order(client, tokyo, sent):
    client.force_login(tokyo)
    response = client.get(reverse("journeys:go", kwargs={"pk": sent.pk}))
    assert response.status_code == 302
    assert response["Location"] == sent.run.order.get_absolute_url()
    sent.refresh_from_db()
    assert sent.clicked_at is not None and sent.read_at is not None


def test_one_click_unsubscribe_works_without_login_or_csrf(tokyo, sent):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_path(tokyo),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Contact.objects.get(user=tokyo).marketing_email is False


def test_the_link_asks_before_unsubscribing(client, tokyo, sent):
    page = client.get(unsubscribe_path(tokyo))
    assert page.status_code == 200
    assert Contact.objects.get(user=tokyo).marketing_email is True  # a link scanner's GET


def test_a_tampered_token_is_refused_and_changes_nothing(client, tokyo, new_york, sent):
    token = unsubscribe_token(tokyo.pk)
    # Another customer's id with this customer's signature.
    payload, signature = token.split(":", 1)
    forged = unsubscribe_token(new_york.pk).split(":", 1)[0] + ":" + signature
    assert forged != token
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        path = reverse("journeys:unsubscribe", kwargs={"token": bad})
        response = client.post(path)
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert Contact.objects.get(user=tokyo).marketing_email is True
    assert Contact.objects.get(user=new_york).marketing_email is True


def test_a_replayed_unsubscribe_changes_nothing_more(client, tokyo, sent):
    client.post(unsubscribe_path(tokyo))
    first = Contact.objects.get(user=tokyo).marketing_changed_at
    assert client.post(unsubscribe_path(tokyo)).status_code == 200
    contact = Contact.objects.get(user=tokyo)
    assert contact.marketing_email is False and contact.marketing_changed_at == first


def test_after_unsubscribing_only_order_e_mails_come(client, tokyo, product):
    from shop.journeys.models import StepKind

    make_journey(
        steps=[{"subject_en": "Tips"}, {"kind": StepKind.TRANSACTIONAL, "subject_en": "Shipped"}]
    )
    client.post(unsubscribe_path(tokyo))
    paid_order(tokyo, product=product)

    journeys_run(now=NOON_TOKYO)

    assert [m.subject for m in mail.outbox] == ["Shipped"]


def test_an_e_mail_waiting_when_the_customer_unsubscribes_is_not_sent(
    client, tokyo, product, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_journey()
    paid_order(tokyo, product=product)
    journeys_run(now=NOON_TOKYO)
    mail.outbox.clear()
    Message.objects.update(email_state="pending", emailed_at=None)
    client.post(unsubscribe_path(tokyo))

    journeys_run(now=at(1))

    assert mail.outbox == []


def test_the_marketing_choice_needs_csrf_and_is_kept(tokyo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tokyo)
    assert client.post(reverse("journeys:choice"), {}).status_code == 403
    assert Contact.objects.get(user=tokyo).marketing_email is True
    page = client.get(reverse("journeys:inbox"))
    token = page.cookies["csrftoken"].value
    client.post(reverse("journeys:choice"), {"csrfmiddlewaretoken": token})
    assert Contact.objects.get(user=tokyo).marketing_email is False


def _context(user) -> ActionContext:
    return ActionContext(
        place="home",
        now=NOON_TOKYO,
        user=user,
        loaders={"message": unread_message},
    )


def test_the_next_best_action_is_the_newest_unread_message(tokyo, sent, django_assert_num_queries):
    from personalization.visitor import resolve_visitor

    visitor = resolve_visitor(user=tokyo)
    context = _context(tokyo)
    context = ActionContext(**{**vars(context), "visitor": visitor})
    with django_assert_num_queries(1):
        [action] = newest_unread_message(visitor, context)
    assert action.title == sent.subject
    assert action.url == reverse("journeys:detail", kwargs={"pk": sent.pk})

    Message.objects.update(read_at=NOON_TOKYO)
    fresh = ActionContext(**{**vars(_context(tokyo)), "visitor": visitor})
    assert list(newest_unread_message(visitor, fresh)) == []


def test_the_unread_message_is_the_next_best_action_on_the_account_page(client, tokyo, sent):
    client.force_login(tokyo)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("journeys:detail", kwargs={"pk": sent.pk}) in page


def test_no_action_for_anonymous_visitors(db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from personalization.visitor import resolve_visitor

    visitor = resolve_visitor()
    context = ActionContext(**{**vars(_context(AnonymousUser())), "visitor": visitor})
    with django_assert_num_queries(0):
        assert list(newest_unread_message(visitor, context)) == []


def test_my_account_links_to_the_messages_with_the_unread_count(client, tokyo, sent):
    client.force_login(tokyo)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("journeys:inbox")}">1 unread message</a>' in page


def test_the_button_never_leads_off_the_site(client, tokyo, sent):
    Message.objects.filter(pk=sent.pk).update(url="//evil.example.com/")
    client.force_login(tokyo)
    response = client.get(reverse("journeys:go", kwargs={"pk": sent.pk}))
    assert response["Location"] == reverse("journeys:inbox")


def test_the_messages_page_speaks_japanese(client, tokyo, sent):
    client.force_login(tokyo)
    page = client.get(reverse("journeys:inbox"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "未読メッセージ 1件" in page
    assert "お役立ち情報・リマインダー・お得な情報をメールでも受け取る" in page
