from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from shop.orders.popularity import popularity_rebuild

from shop.catalog.services import popular_for
from shop.orders.models import Order, OrderLine, OrderStatus
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def sold(product, *, region: str, month: int, units: int = 1, status=OrderStatus.DELIVERED):
    order = Order.objects.create(
        email="x@example.com", name="X", country=region.split("-")[0], region=region,
        postal_code="000-0000", city="X", address="1", shipping_method="standard",
        shipping_price=Decimal(0), subtotal=product.price, total=product.price, currency="JPY",
        status=status, idempotency_key=f"{product.pk}-{region}-{month}-{units}-{status}",
    )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=product, product_name=product.name, unit_price=product.price,
        quantity=units, total=product.price * units,
    )  # fmt: skip
    year = timezone.localdate().year - (1 if month > timezone.localdate().month else 0)
    placed = timezone.make_aware(datetime.datetime(year, month, 15, 12))
    Order.objects.filter(pk=order.pk).update(created_at=placed)


def names(products) -> list[str]:
    return [product.name for product in products]


def test_each_region_gets_what_sells_there_in_its_season():
    heaters = [ProductFactory(name=f"Heater {n}") for n in range(4)]
    mats = [ProductFactory(name=f"Mat {n}") for n in range(4)]
    for units, product in enumerate(heaters, start=1):
        sold(product, region="JP-01", month=1, units=units)
    for units, product in enumerate(mats, start=1):
        sold(product, region="JP-47", month=7, units=units)
    popularity_rebuild()

    area, winter = popular_for(region="JP-01", country="JP", month=1)
    assert area == "JP-01"
    assert names(winter) == ["Heater 3", "Heater 2", "Heater 1", "Heater 0"]
    area, summer = popular_for(region="JP-47", country="JP", month=7)
    assert area == "JP-47" and names(summer)[0] == "Mat 3"


def test_thin_regional_data_falls_back_to_the_country_then_the_shop():
    products = [ProductFactory(name=f"Bowl {n}") for n in range(4)]
    for product in products:
        sold(product, region="JP-13", month=3)
    sold(ProductFactory(name="Lonely"), region="JP-40", month=3)
    popularity_rebuild()
    assert popular_for(region="JP-40", country="JP", month=3)[0] == "JP"
    area, products_anywhere = popular_for(region="US-CA", country="US", month=3)
    assert area == "" and len(products_anywhere) == 5


def test_cancelled_orders_and_other_seasons_do_not_count():
    product = ProductFactory(name="Cancelled")
    sold(product, region="JP-01", month=1, status=OrderStatus.CANCELLED)
    sold(ProductFactory(name="Summer only"), region="JP-01", month=7)
    popularity_rebuild()
    assert "Cancelled" not in names(popular_for(region="JP-01", country="JP", month=1)[1])
    assert names(popular_for(region="JP-01", country="JP", month=1)[1]) == []


def test_the_command_rebuilds(capsys):
    sold(ProductFactory(), region="JP-01", month=1)
    call_command("rebuild_popularity")
    assert "rows" in capsys.readouterr().out


def test_the_home_page_names_the_region(client):
    products = [ProductFactory(name=f"Warm {n}") for n in range(4)]
    month = timezone.localdate().month
    for product in products:
        sold(product, region="JP-01", month=month)
    popularity_rebuild()
    client.post("/region/", {"place": "JP-01"})
    content = client.get("/").content.decode()
    assert "Popular in Hokkaido this season" in content
    assert "Warm 0" in content
