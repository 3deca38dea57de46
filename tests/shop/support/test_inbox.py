"""Agents answer from the inbox beside the customer's context; other staff see nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from shop.support.models import Conversation, SavedReply
from shop.support.reports import support_report
from shop.support.services import conversation_start, reply_add, saved_reply_fill
from tests.factories import UserFactory

from .conftest import agent_new, signed_in

pytestmark = pytest.mark.django_db


def start(**kwargs) -> Conversation:
    fields = {
        "user": None,
        "email": "aiko@example.com",
        "name": "Aiko",
        "language": "en",
        "zone_name": "Asia/Tokyo",
        "topic": "other",
        "body": "Where is my parcel?",
    }
    fields.update(kwargs)
    return conversation_start(**fields)


@pytest.mark.parametrize("group", ["Editors", "Merchandisers"])
def test_editors_and_merchandisers_see_no_conversation(group, ken):
    conversation = start()
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=group))
    client = signed_in(staff)
    assert client.get("/support/inbox/").status_code == 404
    assert client.get(f"/support/inbox/{conversation.token}/").status_code == 404
    assert client.post(f"/support/inbox/{conversation.token}/", {"body": "x"}).status_code == 404


def test_a_shopper_is_sent_to_sign_in(client):
    response = client.get("/support/inbox/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_agent_sees_the_order_asked_about_and_the_customer(ken, order, product):
    facts = {
        "region": {"value": "JP-01", "source": "geoip"},
        "area": {"value": "rural", "source": "derived"},
        "device": {"value": "mobile", "source": "user-agent"},
    }
    conversation = start(order=order, zone_name="Asia/Tokyo", facts=facts)
    earlier = start(body="Earlier question")
    reply_add(conversation=earlier, agent=ken, body="Earlier answer", close=True)
    page = signed_in(ken).get(f"/support/inbox/{conversation.token}/").content.decode()
    assert order.number in page and "Shipped" in page
    assert "Hokkaido" in page
    assert "phone" in page and "rural" in page
    assert "Earlier question" not in page  # listed, not mixed into this thread
    assert page.count("Where is my parcel?") == 1
    assert "Something else" in page  # the earlier conversation's topic, with its agent
    assert "Ken" in page


def test_profile_answers_are_shown_only_when_they_were_shared_with_consent(ken):
    from personalization.visitor import Fact, Source, Visitor
    from shop.support.customer import visitor_facts_capture

    facts = {
        "answer.pet": Fact("cat", Source.ANSWER),
        "device": Fact("mobile", Source.USER_AGENT),
        "client_ip": Fact("198.51.100.7", Source.REQUEST),
    }
    without = Visitor(facts={**facts, "consent": Fact((), Source.CONSENT)}, now=timezone.now())
    with_consent = Visitor(
        facts={**facts, "consent": Fact(("personalization",), Source.CONSENT)}, now=timezone.now()
    )
    assert "answer.pet" not in visitor_facts_capture(without)
    assert "answer.pet" in visitor_facts_capture(with_consent)
    assert "client_ip" not in visitor_facts_capture(with_consent)


def test_the_agent_replies_and_the_conversation_waits_for_the_shopper(ken):
    conversation = start()
    client = signed_in(ken)
    response = client.post(f"/support/inbox/{conversation.token}/", {"body": "On its way!"})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.waiting == "shopper"
    assert client.get("/support/inbox/?filter=shopper").content.decode().count(conversation.token)


def test_filters_find_overdue_conversations(ken):
    late = start(name="Late Lou")
    Conversation.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    start(name="Fresh Fay")
    Conversation.objects.exclude(pk=late.pk).update(
        due_at=timezone.now() + datetime.timedelta(hours=1)
    )
    page = signed_in(ken).get("/support/inbox/?filter=overdue").content.decode()
    assert "Late Lou" in page and "Fresh Fay" not in page


def test_a_returning_customer_goes_back_to_the_agent_who_helped_before():
    ken = agent_new("Ken")
    aiko = agent_new("Aiko")
    first = start()
    helper = aiko if first.assignee == ken else ken  # not the one next on shift
    reply_add(conversation=first, agent=helper, body="Hi", close=True)
    second = start(body="Me again")
    assert second.assignee == helper
    assert f"{helper.first_name} will answer by" in second.messages.last().body


def test_a_saved_reply_comes_in_the_customers_language_with_its_placeholders_filled(ken, order):
    reply = SavedReply.objects.create(
        title_en="Shipped",
        body_en="Hello {name}, order {order_number} arrives {delivery_estimate}.",
        body_ja="{name}様、ご注文{order_number}は{delivery_estimate}に届きます。",
    )
    english = start(order=order, name="Aiko")
    japanese = start(order=order, name="愛子", language="ja")
    assert saved_reply_fill(reply=reply, conversation=english).startswith(
        f"Hello Aiko, order {order.number} arrives "
    )
    assert saved_reply_fill(reply=reply, conversation=japanese).startswith(
        f"愛子様、ご注文{order.number}は"
    )


def test_placeholders_are_filled_once_and_shown_as_text(ken, order):
    reply = SavedReply.objects.create(title_en="Hi", body_en="Hello {name}!")
    conversation = start(order=order, name="<b>{order_number}</b>")
    filled = saved_reply_fill(reply=reply, conversation=conversation)
    assert filled == "Hello <b>{order_number}</b>!"
    client = signed_in(ken)
    page = client.get(f"/support/inbox/{conversation.token}/", {"saved": reply.pk}).content.decode()
    assert "Hello &lt;b&gt;{order_number}&lt;/b&gt;!" in page


def test_the_report_times_first_responses_by_the_customers_hour(ken):
    now = timezone.now()
    conversation = start()
    Conversation.objects.filter(pk=conversation.pk).update(
        local_hour=23, created_at=now - datetime.timedelta(minutes=30)
    )
    reply_add(conversation=conversation, agent=ken, body="Hi", close=True, now=now)
    Conversation.objects.filter(pk=conversation.pk).update(csat=4)
    report = support_report()
    assert report["hours"][23] == {"hour": 23, "count": 1, "minutes": 30, "width": 100}
    assert report["csat"]["rated"] == 1 and report["csat"]["average"] == 4
    assert report["topics"] == [{"topic": "Something else", "count": 1}]
    assert signed_in(ken).get("/support/inbox/report/").status_code == 200


def test_the_inbox_makes_the_same_queries_for_many_conversations(
    ken, django_assert_max_num_queries
):
    for number in range(3):
        start(email=f"shopper{number}@example.com")
    client = signed_in(ken)
    client.get("/support/inbox/?filter=open")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/support/inbox/?filter=open")
    for number in range(3, 30):
        start(email=f"shopper{number}@example.com")
    with CaptureQueriesContext(connection) as many:
        client.get("/support/inbox/?filter=open")
    assert len(many) == len(few)
