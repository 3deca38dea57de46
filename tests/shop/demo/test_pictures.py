"""The demo catalogue's drawn product pictures: one recognisable object per kind of product,
colours per product, no text, honest alt text, and the same picture every time."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from shop.demo import pictures
from shop.demo.pictures import KINDS, detail_picture, product_kind, product_picture

DATA = Path(pictures.__file__).parent / "data" / "products.json"
DEMO_PRODUCTS = json.loads(DATA.read_text())


def pixels(content: bytes, size: int = 64) -> Image.Image:
    image = Image.open(io.BytesIO(content)).convert("RGB")
    return image.resize((size, size), Image.Resampling.BOX)


def difference(a: bytes, b: bytes) -> float:
    """Mean absolute difference of two pictures shrunk to thumbnails, 0–255."""
    return sum(ImageStat.Stat(ImageChops.difference(pixels(a), pixels(b))).mean) / 3


def main_colour(name: str) -> tuple[int, int, int]:
    return pictures._paint(name).main


def test_the_same_product_always_gets_the_same_picture():
    arguments = {"name": "Floating Fetch Ball", "pet_type": "dog", "label": "Toys"}
    first = product_picture(**arguments, theme="toys")
    second = product_picture(**arguments, theme="toys")
    assert first.content == second.content
    assert first.alt_text == second.alt_text
    assert detail_picture(**arguments).content == detail_picture(**arguments).content


def test_pictures_are_square_pngs_at_full_size():
    picture = product_picture(name="Floating Fetch Ball", pet_type="dog", label="x", theme="toys")
    image = Image.open(io.BytesIO(picture.content))
    assert (image.format, image.size) == ("PNG", (pictures.SIZE, pictures.SIZE))


@pytest.mark.parametrize("product", DEMO_PRODUCTS, ids=lambda product: product["name"])
def test_every_demo_product_is_drawn_as_a_specific_object_from_its_name(product):
    # From the name alone: the category fallback is for products added later.
    assert product_kind(name=product["name"]) != "generic"


def test_a_product_without_a_keyword_falls_back_to_its_category_then_its_theme():
    assert product_kind(name="Mystery Meal", label="Wet food") == "can"
    assert product_kind(name="Mystery Thing", label="Unknown", theme="rainy") == "raincoat"
    assert product_kind(name="Mystery Thing", label="Unknown", theme="unknown") == "generic"


def test_the_first_matching_keyword_wins_and_keywords_are_whole_words():
    assert product_kind(name="Window Perch with Suction Cups") == "window_perch"
    assert product_kind(name="Natural Wood Perch Set") == "perches"
    assert product_kind(name="Chicken & Pumpkin Puppy Food 2 kg") == "food_bag"  # not "pump"
    assert product_kind(name="Silent Air Pump for Tanks up to 60 L") == "pump"  # not "tank"


def test_every_kind_in_the_keyword_table_can_be_drawn():
    assert {kind for _, kind in pictures.KEYWORDS} <= set(KINDS)
    assert set(pictures.FALLBACKS.values()) <= set(KINDS)


def test_demo_products_of_the_same_kind_get_different_main_colours():
    colours_by_kind = defaultdict(list)
    for product in DEMO_PRODUCTS:
        colours_by_kind[product_kind(name=product["name"])].append(main_colour(product["name"]))
    shared = [kind for kind, colours in colours_by_kind.items() if len(colours) > 1]
    assert shared  # otherwise this test would prove nothing
    for kind in shared:
        colours = colours_by_kind[kind]
        assert len(set(colours)) == len(colours), kind


def test_two_products_of_the_same_kind_look_different():
    first = product_picture(
        name="Hokkaido Salmon Adult Dog Food 3 kg", pet_type="dog", label="Dry food", theme="food"
    )
    second = product_picture(
        name="Senior Cat Food with Chicken 1.2 kg", pet_type="dog", label="Dry food", theme="food"
    )
    assert difference(first.content, second.content) > 8


def test_products_of_different_kinds_look_substantially_different():
    # Same department, same pet: only the object (and its colours) tells them apart.
    names = [
        "Hokkaido Salmon Adult Dog Food 3 kg",
        "Slow-Cooked Beef Stew for Dogs, 6 Cans",
        "Natural Rubber Chew Bone, Medium",
        "Floating Fetch Ball",
        "Retractable Dog Lead, 5 m",
        "Folding Wire Crate for Medium Dogs",
        "Knitted Dog Sweater with Fleece Lining",
    ]
    assert len({product_kind(name=name) for name in names}) == len(names)
    drawn = {
        name: product_picture(name=name, pet_type="dog", label="x", theme="toys").content
        for name in names
    }
    for a, b in combinations(names, 2):
        assert difference(drawn[a], drawn[b]) > 10, (a, b)


def test_no_text_is_drawn_in_product_pictures(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("product pictures must not contain text")

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", refuse)
    monkeypatch.setattr(ImageDraw.ImageDraw, "multiline_text", refuse)
    for product in DEMO_PRODUCTS[:: len(DEMO_PRODUCTS) // 8]:
        arguments = {"name": product["name"], "pet_type": product["pet_type"], "label": "Food"}
        product_picture(**arguments, theme="food")
        detail_picture(**arguments)


def test_the_alt_text_describes_the_object_its_colour_the_background_and_the_pet():
    name = "Hokkaido Salmon Adult Dog Food 3 kg"
    alt = product_picture(name=name, pet_type="dog", label="Dry food", theme="food").alt_text
    colour = pictures._paint(name).name
    assert alt.startswith("Illustration of ")
    assert f"{colour} food bag with a paw print" in alt
    assert "soft peach background" in alt
    assert alt.endswith("with a small dog badge.")
    assert name not in alt  # the name is on the page already


def test_the_detail_picture_alt_text_names_the_same_object():
    name = "Five-Level Cat Tree with Hammock"
    alt = detail_picture(name=name, pet_type="cat", label="Cat trees & scratchers").alt_text
    assert "cat tree with" in alt
    assert "white card" in alt
    assert alt.endswith("with a small cat badge.")
