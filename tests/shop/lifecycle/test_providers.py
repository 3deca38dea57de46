"""The shop's next best actions as a customer sees them on the home, account, order and basket
pages: on the right day, in the right place, once reordered or dismissed gone."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from personalization.actions.base import ActionContext
from personalization.models import RegionSet
from personalization.visitor import resolve_visitor
from shop.basket.models import Basket, BasketLine
from shop.checkout.models import Payment, PaymentStatus
from shop.lifecycle import providers
from shop.lifecycle.models import CareGuide
from shop.orders.delivery import delivery_estimate
from shop.orders.models import Order, OrderStatus
from tests.factories import StoreFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def home(client) -> str:
    return client.get("/").content.decode()


# Order on its way ----------------------------------------------------------------------------


def test_a_shipped_order_says_when_it_arrives_on_the_home_and_order_pages(
    client, user, make_order, dog_food
):
    shipped = timezone.now() - datetime.timedelta(hours=1)
    order = make_order(user=user, products=[dog_food], status=OrderStatus.SHIPPED,
                       at={OrderStatus.SHIPPED: shipped})  # fmt: skip
    client.force_login(user)
    arrives = delivery_estimate(order)
    assert arrives is not None
    tokyo_today = timezone.localtime(timezone.now()).date()
    assert (arrives - tokyo_today).days in (1, 2)  # standard: two days from dispatch
    page = home(client)
    assert "Arriving tomorrow — track it" in page or (
        f"Arriving {arrives.strftime('%A')} — track it" in page
    )
    order_page = client.get(order.get_absolute_url()).content.decode()
    assert "Expected delivery" in order_page
    assert arrives.strftime("%A") in order_page


def test_rural_and_island_addresses_take_longer(make_order, dog_food):
    RegionSet.objects.create(name="Rural Japan", slug="rural-japan", country="JP",
                             regions=["JP-01"], is_rural=True)  # fmt: skip
    shipped = {OrderStatus.SHIPPED: timezone.now()}
    tokyo = make_order(products=[dog_food], status=OrderStatus.SHIPPED, at=shipped)
    hokkaido = make_order(products=[dog_food], status=OrderStatus.SHIPPED, at=shipped,
                          region="JP-01", postal_code="060-0001")  # fmt: skip
    okinawa = make_order(products=[dog_food], status=OrderStatus.SHIPPED, at=shipped,
                         region="JP-47", postal_code="900-0001")  # fmt: skip
    izu = make_order(products=[dog_food], status=OrderStatus.SHIPPED, at=shipped,
                     postal_code="100-1101")  # fmt: skip
    express = make_order(products=[dog_food], status=OrderStatus.SHIPPED, at=shipped,
                         method="express")  # fmt: skip
    days = {o.region + o.postal_code + o.shipping_method: delivery_estimate(o) for o in
            (tokyo, hokkaido, okinawa, izu, express)}  # fmt: skip
    base = delivery_estimate(tokyo)
    assert base is not None
    assert delivery_estimate(hokkaido) == base + DAY
    assert delivery_estimate(okinawa) == base + 2 * DAY
    assert delivery_estimate(izu) == base + 2 * DAY
    assert delivery_estimate(express) == base - DAY
    assert len(days) == 5


def test_a_paid_order_not_yet_shipped_counts_a_day_for_packing(make_order, dog_food):
    paid = make_order(products=[dog_food], status=OrderStatus.PAID)
    today = timezone.localtime(paid.created_at).date()
    assert delivery_estimate(paid) == today + 3 * DAY


def test_a_delivered_or_cancelled_order_has_no_estimate_and_no_arriving_action(
    client, user, make_order, dog_food
):
    make_order(user=user, products=[dog_food], status=OrderStatus.DELIVERED)
    make_order(user=user, products=[dog_food], status=OrderStatus.CANCELLED)
    client.force_login(user)
    assert "track it" not in home(client)


def test_someone_else_s_order_is_never_suggested(client, user, make_order, dog_food):
    make_order(products=[dog_food], status=OrderStatus.SHIPPED)  # a guest's order
    client.force_login(user)
    assert "track it" not in home(client)


# Delivered: care guide, then review ------------------------------------------------------------


@pytest.fixture
def tree_guide(cat_tree):
    return CareGuide.objects.create(
        category=cat_tree.category, slug="settling-a-new-cat-tree",
        title_en="Settling a new cat tree", title_ja="新しいキャットタワーに慣れるまで",
        summary_en="Put it by a window <and> rub a little catnip on it.",
        body_en="Cats like a view.\n\nGive it a few days.", body_ja="猫は眺めが好きです。",
    )  # fmt: skip


def test_after_delivery_the_care_guide_for_what_was_bought(
    client, user, make_order, cat_tree, tree_guide
):
    make_order(user=user, products=[cat_tree], status=OrderStatus.DELIVERED,
               at={OrderStatus.DELIVERED: timezone.now() - 2 * DAY})  # fmt: skip
    client.force_login(user)
    page = home(client)
    assert "Settling a new cat tree" in page
    assert "Put it by a window &lt;and&gt; rub" in page  # editor text, escaped
    guide = client.get(tree_guide.get_absolute_url())
    assert "Give it a few days." in guide.content.decode()


def test_the_care_guide_is_in_japanese_for_a_japanese_reader(
    client, user, make_order, cat_tree, tree_guide
):
    make_order(user=user, products=[cat_tree], status=OrderStatus.DELIVERED,
               at={OrderStatus.DELIVERED: timezone.now() - DAY})  # fmt: skip
    client.force_login(user)
    page = client.get("/", headers={"Accept-Language": "ja"}).content.decode()
    assert "新しいキャットタワーに慣れるまで" in page


def test_the_care_guide_gives_way_to_a_review_request_a_week_later(
    client, user, make_order, cat_tree, tree_guide
):
    make_order(user=user, products=[cat_tree], status=OrderStatus.DELIVERED,
               at={OrderStatus.DELIVERED: timezone.now() - 12 * DAY})  # fmt: skip
    client.force_login(user)
    page = home(client)
    assert "Settling a new cat tree" not in page
    assert "How is the Tall cat tree? Tell other pet owners" in page


# Running low ---------------------------------------------------------------------------------


def test_running_low_appears_on_the_right_day(client, user, make_order, dog_food):
    # 2 kg at 0.25 kg a day: eight days; suggested from five days before it runs out.
    order = make_order(user=user, products=[dog_food], status=OrderStatus.DELIVERED,
                       at={OrderStatus.DELIVERED: timezone.now() - 2 * DAY})  # fmt: skip
    client.force_login(user)
    assert "running low" not in home(client)
    order.events.filter(status=OrderStatus.DELIVERED).update(created_at=timezone.now() - 4 * DAY)
    assert "Your 2 kg dry food should be running low — reorder" in home(client)


def test_reorder_is_one_post_to_a_basket_with_the_product_and_only_once(
    client, user, make_order, dog_food
):
    make_order(user=user, products=[dog_food], status=OrderStatus.DELIVERED,
               at={OrderStatus.DELIVERED: timezone.now() - 6 * DAY})  # fmt: skip
    client.force_login(user)
    assert "running low" in home(client)
    url = reverse("lifecycle:reorder", args=[dog_food.pk])
    response = client.post(url, {"nba": "running-low"})
    assert response.status_code == 302 and response["Location"] == reverse("basket:detail")
    client.post(url, {"nba": "running-low"})  # pressed twice
    line = BasketLine.objects.get(basket__owner=user)
    assert (line.product, line.quantity) == (dog_food, 1)
    assert "running low" not in home(client)  # in the basket now: no more reminder
    assert client.get(url).status_code == 405  # never on a GET (a prefetch or a crawler)


def test_a_newer_order_of_the_same_food_silences_the_reminder(client, user, make_order, dog_food):
    make_order(user=user, products=[dog_food], status=OrderStatus.DELIVERED,
               created=timezone.now() - 10 * DAY,
               at={OrderStatus.DELIVERED: timezone.now() - 6 * DAY})  # fmt: skip
    make_order(user=user, products=[dog_food], status=OrderStatus.PAID)
    client.force_login(user)
    assert "running low" not in home(client)


# Basket waiting, payment failed ----------------------------------------------------------------


def _basket(client, products, *, idle: datetime.timedelta) -> Basket:
    basket = Basket.objects.create()
    for product in products:
        BasketLine.objects.create(basket=basket, product=product, quantity=1)
    Basket.objects.filter(pk=basket.pk).update(updated_at=timezone.now() - idle)
    session = client.session
    session["basket_id"] = basket.pk
    session.save()
    return basket


def test_a_basket_left_for_an_hour_is_remembered(client, dog_food, cat_tree):
    _basket(client, [dog_food, cat_tree], idle=2 * datetime.timedelta(hours=1))
    assert "You left 2 items in your basket" in home(client)


def test_a_basket_just_touched_is_not_nagged_about(client, dog_food):
    _basket(client, [dog_food], idle=datetime.timedelta(minutes=5))
    assert "in your basket" not in home(client)


def test_a_declined_card_says_try_again_while_the_basket_is_kept(
    client, user, make_order, dog_food
):
    order = make_order(user=user, products=[dog_food], status=OrderStatus.CANCELLED)
    Payment.objects.create(order=order, provider="test", idempotency_key="p-1",
                           amount=order.total, status=PaymentStatus.FAILED)  # fmt: skip
    basket = Basket.objects.create(owner=user)
    BasketLine.objects.create(basket=basket, product=dog_food, quantity=1)
    client.force_login(user)
    page = home(client)
    assert "Your card was declined — try again" in page
    assert reverse("checkout:checkout") in page
    basket.lines.all().delete()
    assert "declined" not in home(client)  # nothing left to pay for


# Season ahead ------------------------------------------------------------------------------------


def _offered(visitor, place="home", now=None) -> list:
    context = ActionContext(place=place, now=now or visitor.now)
    return [a for provider in (providers.season_ahead, providers.early_morning)
            for a in provider(visitor, context)]  # fmt: skip


def test_hokkaido_gets_ready_for_winter_weeks_before_tokyo():
    early_november = datetime.datetime(2026, 11, 3, 3, tzinfo=datetime.UTC)
    hokkaido = resolve_visitor(overrides={"country": "JP", "region": "JP-01"}, now=early_november)
    tokyo = resolve_visitor(overrides={"country": "JP", "region": "JP-13"}, now=early_november)
    titles = [a.title for a in _offered(hokkaido)]
    assert titles == ["Winter is coming to Hokkaido — get ready"]
    assert _offered(tokyo) == []


def test_sydney_gets_ready_for_summer_in_november():
    november = datetime.datetime(2026, 11, 20, 3, tzinfo=datetime.UTC)
    sydney = resolve_visitor(overrides={"country": "AU", "region": "AU-NSW"}, now=november)
    assert [a.kind for a in _offered(sydney)] == ["season-ahead"]
    assert "Summer is coming" in _offered(sydney)[0].title


# Early morning -------------------------------------------------------------------------------


def test_a_phone_at_five_in_the_morning_is_asked_whether_it_is_urgent():
    StoreFactory(name="Kobe Night Vet", country="JP", region="JP-28", is_vet_partner=True,
                 phone="078-000-0000", opens_at="00:00", closes_at="23:59")  # fmt: skip
    visitor = resolve_visitor(overrides={"country": "JP", "device": "mobile", "local_hour": 5})
    (action,) = [a for a in _offered(visitor) if a.kind == "early-morning"]
    assert action.title == "Is it urgent?"
    assert action.url == reverse("stores:emergency")
    assert "Kobe Night Vet" in action.body
    assert action.secondary_url == "tel:078-000-0000".replace("-", "")


@pytest.mark.parametrize(("device", "hour"), [("desktop", 5), ("mobile", 14), ("mobile", 6)])
def test_no_urgent_question_at_other_hours_or_on_a_computer(device, hour):
    visitor = resolve_visitor(overrides={"country": "JP", "device": device, "local_hour": hour})
    assert [a for a in _offered(visitor) if a.kind == "early-morning"] == []


def test_query_count_does_not_grow_with_orders(client, user, make_order, dog_food, cat_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    make_order(user=user, products=[dog_food], status=OrderStatus.SHIPPED)
    client.get("/")  # warm the snapshots
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(9):
        make_order(user=user, products=[dog_food, cat_tree], status=OrderStatus.DELIVERED)
    client.get("/")
    with CaptureQueriesContext(connection) as ten:
        client.get("/")
    assert len(ten) == len(one)


def test_never_for_the_arriving_order_lets_the_running_low_reminder_through(
    client, user, make_order, dog_food, cat_tree
):
    make_order(user=user, products=[cat_tree], status=OrderStatus.SHIPPED)
    make_order(user=user, products=[dog_food], status=OrderStatus.DELIVERED,
               created=timezone.now() - 9 * DAY,
               at={OrderStatus.DELIVERED: timezone.now() - 6 * DAY})  # fmt: skip
    client.force_login(user)
    assert "track it" in home(client)
    client.post(reverse("actions:dismiss"),
                {"place": "home", "kind": "order-arriving", "forever": "1"})  # fmt: skip
    page = home(client)
    assert "track it" not in page
    assert "Your 2 kg dry food should be running low — reorder" in page
    assert "track it" not in client.get("/accounts/profile/").content.decode()  # every place


def test_the_waiting_basket_is_mentioned_three_times_a_week_at_most(client, dog_food):
    from django.http import HttpResponse

    from personalization.conf import app_settings
    from personalization.consent import consent_store

    response = HttpResponse()
    consent_store(response, purposes={"personalization"})
    name = app_settings.CONSENT_COOKIE
    client.cookies[name] = response.cookies[name].value
    _basket(client, [dog_food], idle=datetime.timedelta(hours=3))
    shown = ["You left 1 item in your basket" in home(client) for _ in range(4)]
    assert shown == [True, True, True, False]


def test_an_order_still_awaiting_payment_says_so_after_ten_minutes(
    client, user, make_order, dog_food
):
    order = make_order(user=user, products=[dog_food], status=OrderStatus.AWAITING_PAYMENT,
                       created=timezone.now() - datetime.timedelta(minutes=3))  # fmt: skip
    client.force_login(user)
    assert "still confirming" not in home(client)  # the checkout page said it a moment ago
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=15)
    )
    page = home(client)
    assert f"We are still confirming the payment for order {order.number}" in page
    assert order.get_absolute_url() in page


def test_a_script_reordering_in_a_loop_makes_no_baskets(client, dog_food, settings):
    settings.PERSONALIZATION_ACTION_RATE = "2/m"
    url = reverse("lifecycle:reorder", args=[dog_food.pk])
    for _ in range(5):
        client.cookies.clear()  # a script without cookies: a new session every time
        client.post(url)
    assert Basket.objects.count() == 2


def test_a_new_anonymous_visitor_pays_no_query_for_the_shop_s_providers(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/")  # warm the snapshots
    with CaptureQueriesContext(connection) as with_providers:
        client.get("/")
    settings.PERSONALIZATION_ACTION_PROVIDERS = []
    client.get("/")
    with CaptureQueriesContext(connection) as without:
        client.get("/")
    assert len(with_providers) == len(without)
