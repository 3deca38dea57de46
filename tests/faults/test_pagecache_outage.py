"""The decision cache under a hung or lost Redis: pages this process holds are still served, the
others are rendered, quickly, never an error; once Redis is back pages are shared again."""

from __future__ import annotations

import time

import pytest

from shop.pagecache import HEADER
from tests.shop.test_pagecache import visitor_in

from .conftest import Stopwatch

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.mark.parametrize("fault", ["hang", "kill"])
def test_pages_are_rendered_while_redis_is_hung_or_dead(shared_cache, product, fault):
    visitor_in("JP-13").get("/")
    assert visitor_in("JP-13").get("/")[HEADER] == "hit"
    getattr(shared_cache, fault)()
    with Stopwatch() as took:
        # The page this process holds is still right (the versions come from the database
        # while Redis is away); a new combination is rendered, then held here too.
        for place, served in (("JP-13", "hit"), ("JP-27", "miss"), ("JP-27", "hit")):
            page = visitor_in(place).get("/")
            assert page.status_code == 200
            assert page[HEADER] == served
    # One 0.5 s timeout opens the breaker; the other calls fail at once.
    assert took.seconds < 3


def test_pages_are_shared_again_once_redis_is_back(shared_cache, product):
    shared_cache.kill()
    assert visitor_in("JP-13").get("/")[HEADER] == "miss"
    shared_cache.start()
    time.sleep(1.1)  # past the breaker's back-off
    visitor_in("JP-13").get("/")
    assert visitor_in("JP-13").get("/")[HEADER] == "hit"
