"""The nightly rebuild: idempotent, safe to run twice at once, and all-or-nothing."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from shop.orders.recommending import recommendations_rebuild
from shop.orders.tasks import rebuild_recommendations
from shop.recommendations.compute import neighbours_compute
from shop.recommendations.models import Neighbour, Popularity
from shop.recommendations.seasons import shopping_season
from tests.factories import ProductFactory

from .conftest import ordered


def pairs() -> list[tuple]:
    return sorted(Neighbour.objects.values_list("product_id", "neighbour_id", "score", "support"))


def popularity() -> list[tuple]:
    return sorted(Popularity.objects.values_list("area", "season", "product_id", "units"))


@pytest.fixture
def sales(db):
    food, litter, bowl = (ProductFactory() for _ in range(3))
    for _ in range(3):
        ordered([food, litter], region="JP-01", month=1)
    ordered([food, bowl], region="JP-47", month=7)
    return food, litter, bowl


def test_the_beat_schedule_runs_the_rebuild_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["rebuild-recommendations"]
    assert entry["task"] == rebuild_recommendations.name


@pytest.mark.django_db
def test_running_it_again_changes_nothing(sales):
    counts = rebuild_recommendations.delay().get()
    first = (pairs(), popularity())
    assert counts == {"neighbours": 2, "popularity": len(first[1])}
    rebuild_recommendations.delay().get()
    assert (pairs(), popularity()) == first


@pytest.mark.django_db
def test_the_command_rebuilds(sales, capsys):
    call_command("rebuild_recommendations")
    assert "2 pairs" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_rebuild_that_dies_midway_leaves_yesterdays_recommendations(sales, monkeypatch):
    recommendations_rebuild()
    before = (pairs(), popularity())
    ordered([ProductFactory(), ProductFactory()])

    def connection_lost(*args, **kwargs):
        raise ConnectionError("the database went away")

    # After yesterday's rows are deleted, before the new ones are written.
    monkeypatch.setattr("shop.recommendations.services.popularity_top", connection_lost)
    with pytest.raises(ConnectionError):
        recommendations_rebuild()
    assert (pairs(), popularity()) == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time by design"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_rebuilds_at_once_give_the_same_tables_as_one(sales):
    recommendations_rebuild()
    expected = (pairs(), popularity())
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            recommendations_rebuild()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (pairs(), popularity()) == expected


def test_cosine_with_a_minimum_support():
    orders = np.array([1, 1, 2, 2, 3, 3, 4, 4])
    products = np.array([10, 20, 10, 20, 10, 30, 30, 40])
    rows = neighbours_compute(orders, products, min_support=2)
    # 10 and 20 share two orders of 10's three and 20's two: 2 / sqrt(3 * 2).
    assert list(zip(rows.product, rows.neighbour, strict=True)) == [(10, 20), (20, 10)]
    assert rows.score[0] == pytest.approx(2 / 6**0.5, abs=1e-6)
    assert list(rows.support) == [2, 2]


def test_each_product_keeps_its_best_neighbours_only():
    orders = np.repeat(np.arange(20), 2)
    products = np.array([[1, 2 + n % 10] for n in range(20)]).ravel()
    rows = neighbours_compute(orders, products, keep=3)
    assert list(rows.neighbour[rows.product == 1]) == [2, 3, 4]


@pytest.mark.parametrize(
    ("month", "country", "region", "latitude", "season"),
    [
        (11, "JP", "JP-01", None, "winter"),  # Hokkaido: snow from late October
        (10, "JP", "JP-01", None, "winter"),
        (11, "JP", "JP-47", None, "autumn"),  # Okinawa: still mild
        (10, "JP", "JP-47", None, "summer"),
        (11, "JP", "JP-13", None, "autumn"),
        (7, "AU", "AU-NSW", None, "winter"),  # the southern hemisphere
        (1, "NZ", "", -45.0, "summer"),
        (12, "US", "", 64.8, "winter"),  # Fairbanks, by latitude
        (3, "US", "", 64.8, "winter"),
    ],
)
def test_the_shopping_season_follows_hemisphere_and_climate(
    month, country, region, latitude, season
):
    assert shopping_season(month, country=country, region=region, latitude=latitude) == season


@pytest.mark.django_db
def test_staff_see_when_each_table_was_last_rebuilt(admin_client, sales):
    recommendations_rebuild()
    html = admin_client.get("/admin/recommendations/build/").content.decode()
    assert "neighbours" in html and "popularity" in html
    assert admin_client.get("/admin/recommendations/build/add/").status_code == 403
