from __future__ import annotations

from shop.support.checks import support_settings_check


def ids(settings) -> list[str]:
    return [error.id for error in support_settings_check(None)]


def test_the_shipped_settings_pass(settings):
    assert ids(settings) == []


def test_a_wrong_time_zone_holiday_country_or_rate_is_named_at_start_up(settings):
    settings.SHOP_SUPPORT_HOURS = {
        "opens": "9am",
        "closes": "18:00",
        "time_zone": "Tokyo",
        "city": "Tokyo",
        "holidays": "XX",
    }
    settings.SHOP_SUPPORT_RATES = {"start": "lots", "message": "30/h"}
    assert ids(settings) == ["support.E001", "support.E002", "support.E003", "support.E004"]
