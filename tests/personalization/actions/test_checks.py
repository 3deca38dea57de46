from __future__ import annotations

from personalization.actions.checks import action_settings_check


def ids() -> list[str]:
    return [error.id for error in action_settings_check(None)]


def test_the_shipped_settings_pass(settings):
    settings.PERSONALIZATION_ACTION_PROVIDERS = ["shop.lifecycle.providers.order_arriving"]
    settings.PERSONALIZATION_ACTION_STATE = {"orders": "shop.lifecycle.state.orders_recent"}
    assert ids() == []


def test_a_provider_path_with_a_typo_is_refused_at_start_up(settings):
    settings.PERSONALIZATION_ACTION_PROVIDERS = ["shop.lifecycle.providers.order_arrivin"]
    assert ids() == ["actions.E001"]


def test_state_loaders_must_be_a_mapping_of_paths(settings):
    settings.PERSONALIZATION_ACTION_STATE = ["shop.lifecycle.state.orders_recent"]
    assert ids() == ["actions.E002"]


def test_the_snooze_must_be_a_positive_number(settings):
    settings.PERSONALIZATION_ACTION_SNOOZE_HOURS = "24"
    assert ids() == ["actions.E003"]
