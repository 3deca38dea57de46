"""Pricing a basket for a visitor: what each kind of offer takes off, which products it covers,
who gets it and when, how offers stack, what codes do, and that all of it runs without SQL."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

import pytest

from personalization.models import Condition, Segment
from personalization.rules import condition_clean
from personalization.slots import content_changed
from shop.catalog.models import Product
from shop.offers.applicator import (
    basket_price,
    list_prices,
    offers_changed,
    pricing_context,
)
from shop.offers.models import Area, Offer, OfferKind, OfferScope
from tests.factories import CategoryFactory, ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db

# Noon in Tokyo.
NOW = datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def food(db):
    return CategoryFactory(name="Food", slug="food")


@pytest.fixture
def dry_food(food):
    return CategoryFactory(name="Dry food", slug="dry-food", parent=food)


@pytest.fixture
def toys(db):
    return CategoryFactory(name="Toys", slug="toys")


@pytest.fixture
def cat_kibble(dry_food):
    return ProductFactory(name="Cat kibble", price=Decimal(2000), category=dry_food, pet_type="cat")


@pytest.fixture
def dog_kibble(dry_food):
    return ProductFactory(name="Dog kibble", price=Decimal(3000), category=dry_food, pet_type="dog")


@pytest.fixture
def cat_toy(toys):
    return ProductFactory(name="Feather wand", price=Decimal(500), category=toys, pet_type="cat")


@pytest.fixture
def price(make_visitor):
    """The basket priced for a visitor in `place` (Tokyo unless told) at NOW."""

    def run(*lines, place="JP-13", codes=(), shipping_method="standard", **facts):
        return basket_price(
            lines=lines,
            context=pricing_context(make_visitor(place, now=NOW, **facts)),
            codes=codes,
            shipping_method=shipping_method,
        )

    return run


def discounts_by_product(result) -> dict[str, Decimal]:
    return {line.product.name: line.discount for line in result.lines}


# Kinds.


@pytest.mark.parametrize(
    ("unit_price", "discount"),
    [(Decimal(1005), Decimal(101)), (Decimal(1015), Decimal(102)), (Decimal(1004), Decimal(100))],
)
def test_percent_off_is_rounded_to_whole_yen_half_up(make_offer, price, unit_price, discount):
    make_offer()
    product = ProductFactory(price=unit_price)
    result = price((product, 1))
    assert result.discount_total == discount
    assert result.lines[0].total == unit_price - discount


def test_fixed_amount_is_spread_over_the_covered_lines(make_offer, price):
    make_offer(name="¥100 off", kind=OfferKind.FIXED, value=Decimal(100))
    products = [ProductFactory(price=Decimal(1000)) for _ in range(3)]
    result = price(*((product, 1) for product in products))
    assert [line.discount for line in result.lines] == [Decimal(33), Decimal(33), Decimal(34)]
    assert result.discount_total == Decimal(100)


def test_fixed_amount_is_never_more_than_the_covered_lines_cost(
    make_offer, price, toys, cat_toy, dog_kibble
):
    make_offer(name="¥1,000 off toys", kind=OfferKind.FIXED, value=Decimal(1000),
               scope=OfferScope.CATEGORIES, categories=[toys])  # fmt: skip
    result = price((cat_toy, 1), (dog_kibble, 1))
    assert discounts_by_product(result) == {"Feather wand": Decimal(500), "Dog kibble": 0}
    assert result.lines[0].total == 0
    assert result.total == Decimal(3000) + Decimal(600)


def test_fixed_amount_larger_than_the_basket_makes_it_free_but_not_negative(make_offer, price):
    make_offer(name="¥1,000 off", kind=OfferKind.FIXED, value=Decimal(1000))
    result = price((ProductFactory(price=Decimal(600)), 1))
    assert result.discount_total == Decimal(600)
    assert result.total == Decimal(600)  # the shipping only


def test_free_shipping_costs_nothing_and_is_listed(make_offer, price, cat_kibble):
    make_offer(name="Free shipping in Japan", kind=OfferKind.FREE_SHIPPING, value=0)
    result = price((cat_kibble, 1))
    assert result.shipping == 0
    assert result.free_shipping
    assert [(d.sentence, d.amount, d.free_shipping) for d in result.discounts] == [
        ("Free shipping in Japan", 0, True)
    ]
    assert result.total == Decimal(2000)
    assert result.missing_for_free_shipping is None


@pytest.mark.parametrize(("quantity", "free"), [(2, 0), (3, 1), (5, 1), (6, 2)])
def test_buy_two_get_one_free(make_offer, price, cat_toy, quantity, free):
    make_offer(name="Buy 2, get 1 free", kind=OfferKind.BUY_X_GET_Y, value=0,
               buy_quantity=2, get_quantity=1)  # fmt: skip
    result = price((cat_toy, quantity))
    assert result.discount_total == free * Decimal(500)


# Scopes.


def test_a_whole_basket_offer_covers_every_line(make_offer, price, cat_kibble, cat_toy):
    make_offer()
    assert discounts_by_product(price((cat_kibble, 1), (cat_toy, 1))) == {
        "Cat kibble": Decimal(200),
        "Feather wand": Decimal(50),
    }


def test_a_parent_category_covers_its_subcategories(make_offer, price, food, cat_kibble, cat_toy):
    make_offer(name="10% off food", scope=OfferScope.CATEGORIES, categories=[food])
    assert discounts_by_product(price((cat_kibble, 1), (cat_toy, 1))) == {
        "Cat kibble": Decimal(200),
        "Feather wand": 0,
    }


def test_a_category_offer_covers_only_its_category(make_offer, price, toys, cat_kibble, cat_toy):
    make_offer(name="10% off toys", scope=OfferScope.CATEGORIES, categories=[toys])
    assert discounts_by_product(price((cat_kibble, 1), (cat_toy, 1))) == {
        "Cat kibble": 0,
        "Feather wand": Decimal(50),
    }


def test_a_product_offer_covers_only_its_products(make_offer, price, cat_kibble, cat_toy):
    make_offer(name="10% off the wand", scope=OfferScope.PRODUCTS, products=[cat_toy])
    assert discounts_by_product(price((cat_kibble, 1), (cat_toy, 1))) == {
        "Cat kibble": 0,
        "Feather wand": Decimal(50),
    }


def test_a_pet_type_offer_covers_every_product_for_that_pet(
    make_offer, price, cat_kibble, dog_kibble, cat_toy
):
    make_offer(name="10% off for cats", scope=OfferScope.PET_TYPES, pet_types=["cat"])
    assert discounts_by_product(price((cat_kibble, 1), (dog_kibble, 1), (cat_toy, 1))) == {
        "Cat kibble": Decimal(200),
        "Dog kibble": 0,
        "Feather wand": Decimal(50),
    }


def test_pet_types_with_a_category_make_cat_food(
    make_offer, price, food, cat_kibble, dog_kibble, cat_toy
):
    make_offer(name="10% off cat food", scope=OfferScope.CATEGORIES, categories=[food],
               pet_types=["cat"])  # fmt: skip
    assert discounts_by_product(price((cat_kibble, 1), (dog_kibble, 1), (cat_toy, 1))) == {
        "Cat kibble": Decimal(200),
        "Dog kibble": 0,
        "Feather wand": 0,
    }


# Minimum basket.


@pytest.mark.parametrize(("quantity", "discount"), [(2, Decimal(0)), (3, Decimal(600))])
def test_a_minimum_basket_must_be_met(make_offer, price, cat_kibble, quantity, discount):
    make_offer(name="10% off from ¥5,000", min_subtotal=Decimal(5000))
    result = price((cat_kibble, quantity))  # ¥4,000 or ¥6,000
    assert result.discount_total == discount


def test_free_shipping_not_yet_reached_says_how_much_more_to_add(make_offer, price, cat_kibble):
    make_offer(name="Free shipping from ¥3,000", kind=OfferKind.FREE_SHIPPING, value=0,
               min_subtotal=Decimal(3000))  # fmt: skip
    result = price((cat_kibble, 1))
    assert result.discounts == []
    assert result.shipping == Decimal(600)
    assert result.missing_for_free_shipping == Decimal(1000)


def test_standard_shipping_says_how_much_more_to_add_without_offers(price, cat_kibble):
    result = price((cat_kibble, 1))
    assert result.shipping == Decimal(600)
    assert result.missing_for_free_shipping == Decimal(3000)


def test_the_free_shipping_hint_counts_the_basket_shipping_is_priced_on(
    make_offer, price, cat_kibble
):
    """Standard shipping is free from ¥5,000 after discounts: a ¥6,000 basket with 20% off
    (¥4,800) pays for shipping, and the hint says what is missing."""
    make_offer(name="20% off everything", value=Decimal(20))
    result = price((cat_kibble, 3))
    assert result.shipping == Decimal(600)
    assert result.missing_for_free_shipping == Decimal(200)


# Who gets it.


@pytest.mark.parametrize(("place", "applies"), [("JP-13", True), ("US", False)])
def test_an_offer_for_countries(make_offer, price, cat_kibble, place, applies):
    make_offer(countries=["JP"])
    assert bool(price((cat_kibble, 1), place=place).discounts) is applies


@pytest.mark.parametrize(("place", "applies"), [("JP-40", True), ("JP-13", False), ("JP", False)])
def test_an_offer_for_regions(make_offer, price, cat_kibble, place, applies):
    make_offer(name="10% off in Fukuoka", regions=["JP-40"])
    assert bool(price((cat_kibble, 1), place=place).discounts) is applies


@pytest.mark.parametrize(("place", "applies"), [("JP-40", True), ("JP-43", True), ("JP-13", False)])
def test_an_offer_for_region_sets(make_offer, make_region_set, price, cat_kibble, place, applies):
    kyushu = make_region_set("kyushu", regions=[f"JP-{n}" for n in range(40, 47)])
    make_offer(name="10% off in Kyushu", region_sets=[kyushu])
    assert bool(price((cat_kibble, 1), place=place).discounts) is applies


@pytest.mark.parametrize(
    ("area", "place", "applies"),
    [
        (Area.RURAL, "JP-01", True),
        (Area.RURAL, "JP-13", False),
        (Area.URBAN, "JP-13", True),
        (Area.URBAN, "JP-01", False),
    ],
)
def test_an_offer_for_rural_or_urban_areas(
    make_offer, make_region_set, price, cat_kibble, area, place, applies
):
    make_region_set("rural-japan", name="Rural Japan", regions=["JP-01"], is_rural=True)
    make_offer(area=area)
    assert bool(price((cat_kibble, 1), place=place).discounts) is applies


@pytest.mark.parametrize(("visits", "applies"), [(5, True), (1, False)])
def test_an_offer_for_a_segment(make_offer, price, cat_kibble, visits, applies):
    regulars = Segment.objects.create(name="Regulars", slug="regulars")
    Condition.objects.create(
        segment=regulars, fact="visits", operator="gte", value=condition_clean("visits", "gte", 3)
    )
    content_changed()
    make_offer(name="10% off for regulars", segment=regulars)
    assert bool(price((cat_kibble, 1), visits=visits).discounts) is applies


@pytest.mark.parametrize(("signed_in", "applies"), [(True, True), (False, False)])
def test_an_offer_for_signed_in_shoppers_only(make_offer, price, cat_kibble, signed_in, applies):
    make_offer(name="10% off for members", signed_in_only=True)
    assert bool(price((cat_kibble, 1), signed_in=signed_in).discounts) is applies


@pytest.mark.parametrize(("has_ordered", "applies"), [(False, True), (True, False)])
def test_an_offer_for_the_first_order_only(make_offer, price, cat_kibble, has_ordered, applies):
    make_offer(name="10% off your first order", first_order_only=True)
    assert bool(price((cat_kibble, 1), has_ordered=has_ordered).discounts) is applies


def test_the_visitor_is_told_why_an_offer_is_for_them(make_offer, make_visitor):
    make_offer(name="10% off in Fukuoka", countries=["JP"], regions=["JP-40"])
    [found] = pricing_context(make_visitor("JP-40", now=NOW)).offers
    assert found.sentence == "10% off in Fukuoka"
    assert found.reasons == ("you are in Japan", "you are in Fukuoka")


# When.


@pytest.mark.parametrize(
    ("dates", "applies"),
    [
        ({"starts_at": NOW}, True),
        ({"starts_at": NOW + SECOND}, False),
        ({"ends_at": NOW}, False),
        ({"ends_at": NOW + SECOND}, True),
        ({"starts_at": NOW - SECOND, "ends_at": NOW + SECOND}, True),
    ],
    ids=["starts-now", "starts-later", "ends-now", "ends-later", "running"],
)
def test_an_offer_applies_from_its_start_until_just_before_its_end(
    make_offer, price, cat_kibble, dates, applies
):
    make_offer(**dates)
    assert bool(price((cat_kibble, 1)).discounts) is applies


# Stacking.


def test_offers_apply_in_priority_order(make_offer, price):
    make_offer(name="10% off everything", priority=20)
    make_offer(name="¥500 off", kind=OfferKind.FIXED, value=Decimal(500), priority=10)
    result = price((ProductFactory(price=Decimal(5000)), 1))
    # ¥500 first, then 10% of what is left.
    assert [(d.sentence, d.amount) for d in result.discounts] == [
        ("¥500 off", Decimal(500)),
        ("10% off everything", Decimal(450)),
    ]


def test_stacked_offers_each_take_their_share_of_what_the_ones_before_left(make_offer, price):
    for priority in range(40):
        make_offer(name=f"5% off, number {priority}", value=Decimal(5), priority=priority)
    result = price((ProductFactory(price=Decimal(1999)), 3))
    expected, left = [], Decimal(5997)
    for _ in range(40):  # each 5 % of what is left, rounded half up to the yen
        amount = (left * Decimal("0.05")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        expected.append(amount)
        left -= amount
    assert [d.amount for d in result.discounts] == expected
    assert result.lines[0].total == left == Decimal(771)


def test_an_exclusive_offer_stops_stacking(make_offer, price, cat_kibble):
    make_offer(name="20% off for members", value=Decimal(20), exclusive=True, priority=10)
    make_offer(name="10% off everything", priority=20)
    result = price((cat_kibble, 1))
    assert [(d.sentence, d.amount) for d in result.discounts] == [
        ("20% off for members", Decimal(400))
    ]


def test_an_exclusive_offer_after_a_stackable_one_is_skipped(make_offer, price, cat_kibble):
    make_offer(name="10% off everything", priority=10)
    make_offer(name="20% off for members", value=Decimal(20), exclusive=True, priority=20)
    result = price((cat_kibble, 1))
    assert [(d.sentence, d.amount) for d in result.discounts] == [
        ("10% off everything", Decimal(200))
    ]


def test_an_exclusive_code_after_an_offer_says_it_cannot_be_combined(make_offer, price, cat_kibble):
    make_offer(name="10% off everything", priority=10)
    make_offer(name="20% off with VIP", value=Decimal(20), exclusive=True, code="VIP", priority=20)
    result = price((cat_kibble, 1), codes=["VIP"])
    assert [d.sentence for d in result.discounts] == ["10% off everything"]
    assert result.code_problems == {"VIP": "“VIP” cannot be combined with 10% off everything."}


@pytest.mark.parametrize(("times_used", "applies"), [(4, True), (5, False)])
def test_an_offer_used_up_no_longer_applies(make_offer, price, cat_kibble, times_used, applies):
    make_offer(usage_limit=5, times_used=times_used)
    assert bool(price((cat_kibble, 1)).discounts) is applies


# Codes.


@pytest.mark.parametrize("stored", ["KOBE10", "kobe10"])
@pytest.mark.parametrize("entered", [" kobe10 ", "KOBE10", "Kobe10"])
def test_codes_are_case_insensitive_and_trimmed(make_offer, price, cat_kibble, stored, entered):
    make_offer(name="10% off with KOBE10", code=stored)
    result = price((cat_kibble, 1), codes=[entered])
    assert [(d.sentence, d.code, d.amount) for d in result.discounts] == [
        ("10% off with KOBE10", "KOBE10", Decimal(200))
    ]
    assert result.code_problems == {}


def test_a_coded_offer_needs_its_code(make_offer, price, cat_kibble):
    make_offer(name="10% off with KOBE10", code="KOBE10")
    assert price((cat_kibble, 1)).discounts == []


def test_an_unknown_code_is_explained(price, cat_kibble):
    result = price((cat_kibble, 1), codes=["nope"])
    assert result.discounts == []
    assert result.code_problems == {"NOPE": "“NOPE” is not a code we know."}


def test_a_store_code_is_for_the_till(make_offer, price, cat_kibble):
    store = StoreFactory(name="Kobe")
    make_offer(name="10% off at our Kobe store", code="KOBE10", store_only=True, store=store)
    result = price((cat_kibble, 1), codes=["KOBE10"])
    assert result.discounts == []
    assert result.code_problems == {
        "KOBE10": "“KOBE10” is for use at our store: show it at the till."
    }


def test_a_code_for_another_region_is_explained(make_offer, price, cat_kibble):
    make_offer(name="5% off in Kyushu", value=Decimal(5), code="KYUSHU5", regions=["JP-40"])
    result = price((cat_kibble, 1), place="JP-13", codes=["KYUSHU5"])
    assert result.discounts == []
    assert result.code_problems == {"KYUSHU5": "“KYUSHU5” is not valid for you or your region."}


def test_an_ended_code_is_explained(make_offer, price, cat_kibble):
    make_offer(name="Golden week", code="GW", ends_at=NOW - SECOND)
    result = price((cat_kibble, 1), codes=["GW"])
    assert result.code_problems == {"GW": "“GW” is no longer valid."}


def test_a_code_below_its_minimum_basket_is_explained(make_offer, price, cat_kibble):
    make_offer(name="¥500 off", kind=OfferKind.FIXED, value=Decimal(500), code="BIG",
               min_subtotal=Decimal(5000))  # fmt: skip
    result = price((cat_kibble, 1), codes=["BIG"])
    assert result.code_problems == {"BIG": "“BIG” needs a basket of at least ¥5,000."}


# Sentences.


def test_the_sentence_is_the_offer_name_without_an_end(make_offer, make_visitor):
    make_offer(name="Spring sale")
    [found] = pricing_context(make_visitor(now=NOW)).offers
    assert found.sentence == "Spring sale"


def test_the_sentence_includes_the_end_date(make_offer, make_visitor):
    make_offer(name="Spring sale", ends_at=datetime.datetime(2025, 5, 31, 12, tzinfo=TOKYO))
    [found] = pricing_context(make_visitor(now=NOW)).offers
    assert found.sentence == "Spring sale, until May 31"


@pytest.mark.parametrize(
    ("ends_at", "until"),
    [
        # Ends at midnight starting 1 June, Tokyo time: the last day is 31 May.
        (datetime.datetime(2025, 6, 1, 0, 0, tzinfo=TOKYO), "until May 31"),
        # Ends at 05:00 on 1 June, Tokyo time (20:00 on 31 May in UTC): still on 1 June.
        (datetime.datetime(2025, 6, 1, 5, 0, tzinfo=TOKYO), "until June 1"),
    ],
    ids=["midnight", "early-morning"],
)
def test_the_end_date_is_the_last_day_in_the_shops_time_zone(
    make_offer, make_visitor, ends_at, until
):
    make_offer(name="Spring sale", ends_at=ends_at)
    [found] = pricing_context(make_visitor(now=NOW)).offers
    assert found.sentence == f"Spring sale, {until}"


# Product prices.


def test_a_category_offer_shows_the_lower_price_with_was_and_a_badge(
    make_offer, make_visitor, food, cat_kibble
):
    make_offer(name="10% off food", scope=OfferScope.CATEGORIES, categories=[food])
    shown = list_prices([cat_kibble], pricing_context(make_visitor(now=NOW)))[cat_kibble.pk]
    assert (shown.price, shown.was, shown.badges) == (
        Decimal(1800),
        Decimal(2000),
        ("10% off food",),
    )


def test_a_basket_wide_offer_lowers_the_price_without_a_badge(make_offer, make_visitor, cat_kibble):
    make_offer()
    shown = list_prices([cat_kibble], pricing_context(make_visitor(now=NOW)))[cat_kibble.pk]
    assert (shown.price, shown.was, shown.badges) == (Decimal(1800), Decimal(2000), ())


def test_a_coded_offer_neither_lowers_the_price_nor_shows_a_badge(
    make_offer, make_visitor, food, cat_kibble
):
    make_offer(name="10% off food with CATS", scope=OfferScope.CATEGORIES, categories=[food],
               code="CATS")  # fmt: skip
    shown = list_prices([cat_kibble], pricing_context(make_visitor(now=NOW)))[cat_kibble.pk]
    assert (shown.price, shown.was, shown.badges) == (Decimal(2000), None, ())


# Money and speed.


def test_amounts_are_whole_yen(make_offer, price):
    make_offer(name="15% off", value=Decimal(15))
    result = price((ProductFactory(price=Decimal(333)), 3))  # 15% of ¥999 is ¥149.85
    assert result.discount_total == Decimal(150)
    assert result.total == Decimal(999 - 150 + 600)
    assert result.currency == "JPY"


def test_amounts_are_whole_cents_in_a_currency_with_cents(make_offer, price, settings):
    settings.SHOP_CURRENCY = "USD"
    make_offer(name="15% off", value=Decimal(15))
    make_offer(name="$1 off", kind=OfferKind.FIXED, value=Decimal(1), priority=200)
    lines = [(ProductFactory(price=Decimal("9.99")), 1), (ProductFactory(price=Decimal("3.33")), 1)]
    result = price(*lines)
    # 15% of $9.99 is $1.4985, of $3.33 $0.4995: $1.50 and $0.50. Then $1 in proportion to
    # what is left, $8.49 and $2.83: $0.75, and the last line what rounding left.
    assert [line.discount for line in result.lines] == [Decimal("2.25"), Decimal("0.75")]
    assert [d.amount for d in result.discounts] == [Decimal("2.00"), Decimal("1.00")]
    assert result.currency == "USD"


def test_pricing_runs_no_query_once_the_snapshot_is_warm(
    make_offer, make_region_set, make_visitor, food, cat_kibble, dog_kibble, cat_toy,
    django_assert_num_queries, django_capture_on_commit_callbacks,
):  # fmt: skip
    # Warm means committed: the snapshots' versions are in the shared cache.
    with django_capture_on_commit_callbacks(execute=True):
        kyushu = make_region_set("kyushu", regions=["JP-40"])
        regulars = Segment.objects.create(name="Regulars", slug="regulars")
        Condition.objects.create(
            segment=regulars,
            fact="visits",
            operator="gte",
            value=condition_clean("visits", "gte", 3),
        )
        content_changed()
        make_offer(name="10% off food", scope=OfferScope.CATEGORIES, categories=[food])
        make_offer(name="5% off in Kyushu", value=Decimal(5), region_sets=[kyushu])
        make_offer(name="¥300 off for regulars", kind=OfferKind.FIXED, value=Decimal(300),
                   segment=regulars, code="REG")  # fmt: skip
    lines = [(product, 2) for product in Product.objects.select_related("category")]
    pricing_context(make_visitor("JP-40", visits=4))  # warms the snapshots
    visitor = make_visitor("JP-40", visits=4)
    with django_assert_num_queries(0):
        context = pricing_context(visitor)
        result = basket_price(lines=lines, context=context, codes=["REG", "NOPE"])
        list_prices([product for product, _quantity in lines], context)
    assert [d.sentence for d in result.discounts] == [
        "10% off food", "5% off in Kyushu", "¥300 off for regulars"
    ]  # fmt: skip


def test_a_changed_offer_reaches_pricing_when_its_save_is_committed(
    price, cat_kibble, django_capture_on_commit_callbacks
):
    assert price((cat_kibble, 1)).discounts == []  # the snapshot is loaded, with no offer
    with django_capture_on_commit_callbacks(execute=True):
        Offer.objects.create(name="10% off everything", kind=OfferKind.PERCENT, value=10)
    assert [d.sentence for d in price((cat_kibble, 1)).discounts] == ["10% off everything"]


def test_the_snapshot_is_kept_until_offers_change(
    price, cat_kibble, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = Offer.objects.create(name="10% off everything", kind=OfferKind.PERCENT, value=0)
    assert price((cat_kibble, 1)).discounts == []  # the snapshot is loaded, with 0 % off
    Offer.objects.filter(pk=offer.pk).update(value=10)  # no signal: nobody was told
    assert price((cat_kibble, 1)).discounts == []
    offers_changed()
    assert [d.sentence for d in price((cat_kibble, 1)).discounts] == ["10% off everything"]
