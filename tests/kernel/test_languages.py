from __future__ import annotations

from types import SimpleNamespace

from django.utils import translation

from kernel.languages import text_in, texts_of


def test_texts_of_reads_every_language_column_of_an_object():
    offer = SimpleNamespace(name="whatever is active", name_en="Treats", name_ja="おやつ")
    assert texts_of(offer, "name") == {"en": "Treats", "ja": "おやつ"}


def test_texts_of_reads_a_mapping_and_leaves_out_empty_languages():
    assert texts_of({"value": "cat", "label_en": "Cat", "label_ja": ""}, "label") == {"en": "Cat"}


def test_text_in_picks_the_active_language():
    with translation.override("ja"):
        assert text_in({"en": "Cat", "ja": "猫"}) == "猫"
    with translation.override("en"):
        assert text_in({"en": "Cat", "ja": "猫"}) == "Cat"


def test_text_in_falls_back_to_english_when_the_language_has_no_text():
    assert text_in({"en": "Cat"}, "ja") == "Cat"
    assert text_in({"en": "Cat", "ja": ""}, "ja") == "Cat"
    assert text_in({}, "ja") == ""
