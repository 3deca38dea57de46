"""The recommendation blocks as a shopper sees them: what, why, and what is never offered."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from personalization.models import RegionSet
from personalization.visitor import resolve_visitor
from shop.orders.models import OrderStatus
from shop.orders.recommending import recommendations_rebuild
from shop.recommendations.blocks import (
    BOUGHT_TOGETHER,
    FOR_YOUR_PET,
    POPULAR_NEAR_YOU,
    Page,
)
from tests.factories import ProductFactory, ProductImageFactory, UserFactory

from .conftest import consenting_browser, ordered

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.datetime(2026, 11, 10, 3, 0, tzinfo=datetime.UTC)  # midday in Japan


def titles(html: str) -> list[str]:
    return re.findall(r'class="recommendations-title">([^<]*)<', html)


def block(html: str, key: str) -> str:
    found = re.search(rf'data-block="{key}">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def visitor(rf, now=NOVEMBER, **facts):
    request = rf.get("/")
    request.user = AnonymousUser()
    return resolve_visitor(request=request, overrides=facts or None, now=now)


@pytest.fixture
def cat_shop(db):
    """Cat food is bought with litter (three times), once with a toy (too rare to count)."""
    food = ProductFactory(name="Tuna Kibble", pet_type="cat")
    litter = ProductFactory(name="Tofu Litter", pet_type="cat")
    toy = ProductFactory(name="Feather Wand", pet_type="cat")
    treats = ProductFactory(name="Bonito Flakes", pet_type="cat")
    for _ in range(3):
        ordered([food, litter])
    for _ in range(2):
        ordered([food, treats])
    ordered([food, toy])
    recommendations_rebuild()
    return food, litter, toy, treats


def test_the_product_page_shows_what_is_bought_with_it_and_says_why(client, cat_shop):
    food, litter, toy, treats = cat_shop
    html = client.get(food.get_absolute_url()).content.decode()
    assert "Often bought together" in titles(html)
    together = block(html, "bought-together")
    assert together.index("Tofu Litter") < together.index("Bonito Flakes")
    assert "Often bought with Tuna Kibble" in together
    assert "Feather Wand" not in together  # bought together once: below the minimum support


def test_out_of_stock_and_withdrawn_products_are_never_recommended(client, cat_shop):
    food, litter, toy, treats = cat_shop
    litter.stock = 0
    litter.save()
    treats.is_active = False
    treats.save()
    html = client.get(food.get_absolute_url()).content.decode()
    assert "Tofu Litter" not in html and "Bonito Flakes" not in html
    assert "Often bought together" not in titles(html)  # nothing left: no empty box


def test_what_is_in_the_basket_is_not_recommended_and_the_basket_says_what_goes_with_it(
    client, cat_shop
):
    food, litter, toy, treats = cat_shop
    client.post(reverse("basket:add"), {"product": litter.pk, "quantity": 1})
    html = client.get(food.get_absolute_url()).content.decode()
    assert "Tofu Litter" not in block(html, "bought-together")
    assert "Bonito Flakes" in block(html, "bought-together")

    client.post(reverse("basket:add"), {"product": food.pk, "quantity": 1})
    basket = client.get(reverse("basket:detail")).content.decode()
    goes = block(basket, "goes-well-with")
    assert "Goes well with your basket" in titles(basket)
    assert "Bonito Flakes" in goes and "Goes well with Tuna Kibble" in goes
    assert "Tofu Litter" not in goes  # already in the basket


def test_a_customer_sees_what_goes_with_what_they_bought(client, cat_shop):
    food, litter, toy, treats = cat_shop
    customer = UserFactory()
    ordered([food], user=customer)
    client.force_login(customer)
    html = client.get("/").content.decode()
    assert "Because you bought Tuna Kibble" in block(html, "because-you-bought")


def test_a_bought_together_block_costs_one_query_whatever_the_catalogue(
    rf, cat_shop, django_assert_num_queries
):
    food = cat_shop[0]
    for product in [ProductFactory() for _ in range(10)]:
        ordered([food, product])
        ordered([food, product])
    recommendations_rebuild()
    someone = visitor(rf)
    with django_assert_num_queries(1):
        choice = BOUGHT_TOGETHER.choose(visitor=someone, page=Page(product=food))
        [product.main_image for product, _why in choice.items]
    assert len(choice.items) == 8


# --- For your pet ----------------------------------------------------------------------------


@pytest.fixture
def pets_sold(db):
    cat = [ProductFactory(name=f"Cat thing {n}", pet_type="cat") for n in range(3)]
    dog = [ProductFactory(name=f"Dog thing {n}", pet_type="dog") for n in range(3)]
    for product in [*cat, *dog]:
        ordered([product])
    recommendations_rebuild()
    return cat, dog


def names(choice) -> list[str]:
    return [product.name for product, _why in choice.items]


def test_for_your_pet_follows_the_answer_and_says_so(rf, pets_sold):
    choice = FOR_YOUR_PET.choose(visitor=visitor(rf, **{"answer.pet": "cat"}), page=Page())
    assert choice.title == "For your cat"
    assert {why for _p, why in choice.items} == {"Because you have a cat"}
    assert all(name.startswith("Cat") for name in names(choice)) and len(choice.items) == 3


def test_for_your_pet_follows_past_orders_when_nobody_answered(client, pets_sold):
    cat, dog = pets_sold
    customer = UserFactory()
    ordered([dog[0]], user=customer)
    ordered([dog[1]], user=customer)
    client.force_login(customer)
    pet_block = block(client.get("/").content.decode(), "for-your-pet")
    assert "Because you shop for your dog" in pet_block and "Cat thing" not in pet_block


def test_a_new_visitor_gets_the_best_sellers_for_the_pet_they_looked_at_most(
    consenting_client, pets_sold
):
    cat, dog = pets_sold
    for product in (dog[0], cat[0], cat[1]):
        consenting_client.get(product.get_absolute_url())
    pet_block = block(consenting_client.get("/").content.decode(), "for-your-pet")
    assert "Because you looked at cat products most" in pet_block
    assert "Dog thing" not in pet_block


def test_without_anything_known_the_product_page_offers_its_pets_best_sellers(client, pets_sold):
    cat, dog = pets_sold
    pet_block = block(client.get(dog[0].get_absolute_url()).content.decode(), "for-your-pet")
    assert "Dog thing 1" in pet_block and "Cat thing" not in pet_block
    assert "Dog thing 0" not in pet_block  # the product on the page itself


def test_nobody_known_on_the_home_page_gets_no_pet_block(client, pets_sold):
    assert 'data-block="for-your-pet"' not in client.get("/").content.decode()


# --- Recently viewed ----------------------------------------------------------------------


def test_recently_viewed_and_continue_where_you_left_off_with_consent(consenting_client):
    first, second, third = (ProductFactory(name=f"Seen {n}") for n in range(3))
    for product in (first, second):
        consenting_client.get(product.get_absolute_url())
    home = consenting_client.get("/").content.decode()
    assert "Continue where you left off" in titles(home)
    assert "Seen 1" in block(home, "continue") and "Seen 0" not in block(home, "continue")
    page = consenting_client.get(third.get_absolute_url()).content.decode()
    viewed = block(page, "recently-viewed")
    assert viewed.index("Seen 1") < viewed.index("Seen 0")
    assert "You looked at this recently" in viewed


def test_a_product_page_from_the_decision_cache_is_remembered_as_viewed_too(db):
    product = ProductFactory(name="Seen by two")
    first, second = consenting_browser(), consenting_browser()
    assert first.get(product.get_absolute_url())["X-Page-Cache"] == "miss"
    page = second.get(product.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"  # the same decisions: the page the first one stored
    assert "sf_viewed" in page.cookies
    home = second.get("/").content.decode()
    assert "Seen by two" in block(home, "continue")


def test_without_consent_nothing_viewed_is_kept_or_shown(client):
    product = ProductFactory(name="Seen once")
    response = client.get(product.get_absolute_url())
    assert "sf_viewed" not in response.cookies
    assert "Continue where you left off" not in client.get("/").content.decode()


def test_withdrawing_consent_forgets_what_was_viewed(consenting_client):
    consenting_client.get(ProductFactory().get_absolute_url())
    assert consenting_client.cookies["sf_viewed"].value
    response = consenting_client.post(reverse("personalization:consent"), {"purposes": []})
    assert response.cookies["sf_viewed"].value == ""


@pytest.mark.parametrize("value", ["1:2:3", '"\\000"', "\x01\x02", "ü" * 50, ":::"])
def test_an_odd_or_tampered_viewed_cookie_is_ignored(consenting_client, value):
    consenting_client.cookies["sf_viewed"] = value
    product = ProductFactory()
    assert consenting_client.get("/").status_code == 200
    response = consenting_client.get(product.get_absolute_url())
    assert response.status_code == 200
    assert 'data-block="recently-viewed"' not in response.content.decode()


# --- Popular near you -----------------------------------------------------------------------


@pytest.fixture
def japan_sales(db):
    """Hokkaido buys heaters in November (its winter); Tokyo bowls in November (autumn)."""
    heaters = [ProductFactory(name=f"Heater {n}", season="winter") for n in range(5)]
    bowls = [ProductFactory(name=f"Bowl {n}") for n in range(4)]
    for units, heater in enumerate(heaters, start=1):
        for _ in range(units):
            ordered([heater], region="JP-01", month=11)
    for bowl in bowls:
        for _ in range(3):
            ordered([bowl], region="JP-13", month=11)
    recommendations_rebuild()
    return heaters, bowls


def test_hokkaido_in_november_gets_its_winter_best_sellers(rf, japan_sales):
    choice = POPULAR_NEAR_YOU.choose(visitor=visitor(rf, country="JP", region="JP-01"), page=Page())
    assert choice.title == "Popular in Hokkaido this winter"
    assert names(choice)[:2] == ["Heater 4", "Heater 3"]
    assert {why for _p, why in choice.items} == {"Popular in Hokkaido this winter"}


def test_okinawa_in_november_falls_back_honestly_and_gets_no_winter_gear(rf, japan_sales):
    choice = POPULAR_NEAR_YOU.choose(visitor=visitor(rf, country="JP", region="JP-47"), page=Page())
    assert choice.title == "Popular across Japan this autumn"
    assert sorted(names(choice)) == ["Bowl 0", "Bowl 1", "Bowl 2", "Bowl 3"]


def test_a_region_set_comes_before_the_country(rf, japan_sales, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        RegionSet.objects.create(
            name="Hokkaido & Tohoku", slug="north", country="JP", regions=["JP-01", "JP-02"]
        )
    recommendations_rebuild()
    choice = POPULAR_NEAR_YOU.choose(visitor=visitor(rf, country="JP", region="JP-02"), page=Page())
    assert choice.title == "Popular in Hokkaido & Tohoku this winter"


def test_a_country_without_sales_gets_the_whole_shop_named_as_such(rf, japan_sales):
    july = datetime.datetime(2026, 7, 10, 3, tzinfo=datetime.UTC)
    # Sydney in May is autumn: Tokyo's November bowls (autumn) are the shop's autumn sellers.
    may = datetime.datetime(2026, 5, 10, 3, tzinfo=datetime.UTC)
    choice = POPULAR_NEAR_YOU.choose(
        visitor=visitor(rf, now=may, country="AU", region="AU-NSW"), page=Page()
    )
    assert choice.title == "Popular in our shop this autumn"
    assert POPULAR_NEAR_YOU.choose(visitor=visitor(rf, now=july), page=Page()) is None


def test_cancelled_and_unpaid_orders_teach_nothing(rf, db):
    product = ProductFactory(name="Never paid")
    for status in (OrderStatus.CANCELLED, OrderStatus.AWAITING_PAYMENT):
        for _ in range(5):
            ordered([product, ProductFactory()], status=status)
    recommendations_rebuild()
    assert BOUGHT_TOGETHER.choose(visitor=visitor(rf), page=Page(product=product)).items == ()


def test_cards_show_each_products_picture_with_its_renditions(client, cat_shop):
    food, litter, toy, treats = cat_shop
    image = ProductImageFactory(product=litter, alt_text="A bag of tofu litter")
    image.renditions = {"webp": {"320": "renditions/litter-320.webp"}}
    image.save()
    together = block(client.get(food.get_absolute_url()).content.decode(), "bought-together")
    assert 'alt="A bag of tofu litter"' in together
    assert "renditions/litter-320.webp" in together


def test_a_block_whose_query_fails_is_left_out_not_an_error_page(client, cat_shop, monkeypatch):
    from django.db import OperationalError

    def lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("shop.recommendations.services.bought_together", lost)
    response = client.get(cat_shop[0].get_absolute_url())
    assert response.status_code == 200
    assert 'data-block="bought-together"' not in response.content.decode()
    assert "Add to basket" in response.content.decode()


def test_adding_with_htmx_swaps_goes_well_with_without_what_was_just_added(client, cat_shop):
    food, litter, toy, treats = cat_shop
    client.post(reverse("basket:add"), {"product": food.pk, "quantity": 1})
    assert "Tofu Litter" in block(client.get(reverse("basket:detail")).content.decode(),
                                  "goes-well-with")  # fmt: skip
    response = client.post(
        reverse("basket:add"), {"product": litter.pk, "quantity": 1}, HTTP_HX_REQUEST="true"
    )
    swapped = re.search(
        r'<section id="slot-basket-recs" hx-swap-oob="outerHTML".*?</section>',
        response.content.decode(),
        re.S,
    ).group(0)
    assert "Bonito Flakes" in swapped and "Tofu Litter" not in swapped


def test_a_stock_change_is_seen_on_the_next_page(client, cat_shop):
    """The checkout's update (no signal, no save, then the catalogue's version bumped, as
    shop/checkout/services.py does) takes a product out of every block at once, and a restock
    brings it back."""
    from shop.catalog.models import Product
    from shop.catalog.snapshots import CATALOG

    food, litter, toy, treats = cat_shop
    assert "Tofu Litter" in block(client.get(food.get_absolute_url()).content.decode(),
                                  "bought-together")  # fmt: skip
    Product.objects.filter(pk=litter.pk).update(stock=0)
    CATALOG.bump()
    assert "Tofu Litter" not in client.get(food.get_absolute_url()).content.decode()
    Product.objects.filter(pk=litter.pk).update(stock=5)
    CATALOG.bump()
    assert "Tofu Litter" in block(client.get(food.get_absolute_url()).content.decode(),
                                  "bought-together")  # fmt: skip


def test_cards_show_names_in_the_visitors_language_and_the_product_pages_price(client, cat_shop):
    food, litter, toy, treats = cat_shop
    litter.name_ja = "おからの猫砂"
    litter.price, litter.compare_at_price = Decimal("980"), Decimal("1200")
    litter.save()
    japanese = client.get(food.get_absolute_url(), headers={"accept-language": "ja"})
    together = block(japanese.content.decode(), "bought-together")
    assert "おからの猫砂" in together
    assert "Bonito Flakes" in together  # no Japanese name: the English one
    english = client.get(food.get_absolute_url(), headers={"accept-language": "en"})
    together = block(english.content.decode(), "bought-together")
    page = client.get(litter.get_absolute_url(), headers={"accept-language": "en"})
    price = re.search(r'<p class="price[^"]*">(.*?)</p>', page.content.decode(), re.S).group(1)
    card = re.search(r"Tofu Litter.*?<p class=\"price\">(.*?)</p>", together, re.S).group(1)
    assert price.startswith(card) and "980" in card and "1,200" in card
