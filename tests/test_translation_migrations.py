"""The move to one column per language keeps the Japanese text already written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("offers", "0008_remove_offer_personal"), ("personalization", "0005_snapshot_versions")]
AFTER = [
    ("offers", "0010_translations_english"),
    ("personalization", "0007_translations_english"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migrating_keeps_names_prompts_and_choice_labels_in_both_languages():
    try:
        old = migrate(BEFORE)
        old.get_model("offers", "Offer").objects.create(
            name="Treats: buy 2, get 1 free", name_ja="おやつ2点購入でもう1点無料",
            kind="buy_x_get_y",
        )  # fmt: skip
        old.get_model("personalization", "Question").objects.create(
            key="pet", prompt="Dog or cat?", prompt_ja="犬派？猫派？", kind="single",
            choices=[{"value": "cat", "label": "Cat", "label_ja": "猫"}],
        )  # fmt: skip
        new = migrate(AFTER)
        offer = new.get_model("offers", "Offer").objects.get()
        assert (offer.name_en, offer.name_ja) == (
            "Treats: buy 2, get 1 free",
            "おやつ2点購入でもう1点無料",
        )
        question = new.get_model("personalization", "Question").objects.get()
        assert (question.prompt_en, question.prompt_ja) == ("Dog or cat?", "犬派？猫派？")
        assert question.choices == [{"value": "cat", "label_ja": "猫", "label_en": "Cat"}]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
