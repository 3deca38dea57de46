"""A wrong journeys setting is refused at start-up with a hint."""

from __future__ import annotations

import pytest

from shop.journeys.checks import journeys_demo_clock_check, journeys_settings_check


def ids(settings) -> list[str]:
    return [error.id for error in journeys_settings_check(None)]


def test_the_shipped_settings_pass(settings):
    assert ids(settings) == []


@pytest.mark.parametrize("daytime", [(20, 9), (9,), ("9", "20"), (9, 25), None])
def test_a_daytime_that_is_not_two_hours_in_order_is_refused(settings, daytime):
    settings.JOURNEYS_DAYTIME = daytime
    assert ids(settings) == ["journeys.E001"]


def test_a_cap_of_zero_is_refused(settings):
    settings.JOURNEYS_CAP_MESSAGES = 0
    assert ids(settings) == ["journeys.E002"]


def test_the_demo_clock_is_refused_in_production(settings):
    settings.DEBUG = False
    settings.JOURNEYS_DEMO_CLOCK = True
    assert [error.id for error in journeys_demo_clock_check(None)] == ["journeys.E003"]
    settings.JOURNEYS_DEMO_CLOCK = False
    assert journeys_demo_clock_check(None) == []
