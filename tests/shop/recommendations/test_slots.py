"""Recommendation blocks are slots: editors place, order, switch off and test them."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from personalization.experiments.models import Arm, Experiment, ExperimentKind
from personalization.experiments.services import experiment_start
from personalization.models import Slot, Variant
from personalization.slots import content_changed
from shop.orders.recommending import recommendations_rebuild
from tests.factories import ProductFactory
from tests.personalization.experiments.conftest import buffered, visitor_with_arm

from .conftest import ordered

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    food = ProductFactory(name="Tuna Kibble", pet_type="cat")
    litter = ProductFactory(name="Tofu Litter", pet_type="cat")
    for _ in range(2):
        ordered([food, litter])
    recommendations_rebuild()
    return food, litter


def default(key: str) -> Variant:
    return Variant.objects.get(slot__key=key, is_default=True)


def titles(html: str) -> list[str]:
    return re.findall(r'class="recommendations-title">([^<]*)<', html)


def test_switching_a_block_off_leaves_it_out(client, shop):
    food, _litter = shop
    assert "Often bought together" in titles(client.get(food.get_absolute_url()).content.decode())
    variant = default("product-recs-1")
    variant.is_active = False
    variant.save()
    content_changed()
    html = client.get(food.get_absolute_url()).content.decode()
    assert "Often bought together" not in titles(html)
    assert 'id="slot-product-recs-1"' not in html


def test_editors_reorder_blocks_by_swapping_what_each_place_shows(client, shop):
    food, _litter = shop
    assert titles(client.get(food.get_absolute_url()).content.decode())[:2] == [
        "Often bought together",
        "Best sellers for a cat",
    ]
    first, second = default("product-recs-1"), default("product-recs-2")
    first.block, second.block = second.block, first.block
    first.save()
    second.save()
    content_changed()
    assert titles(client.get(food.get_absolute_url()).content.decode())[:2] == [
        "Best sellers for a cat",
        "Often bought together",
    ]


def test_an_experiment_compares_two_blocks_and_counts_exposures_and_clicks(as_visitor, shop):
    food, _litter = shop
    slot = Slot.objects.get(key="product-recs-1")
    challenger = Variant.objects.create(
        slot=slot, name="Pet block instead", block="for-your-pet", is_active=False
    )
    experiment = Experiment.objects.create(
        key="recs-test", name="Bought together or pet", kind=ExperimentKind.SLOT, slot=slot,
        traffic_percent=100,
    )  # fmt: skip
    Arm.objects.create(experiment=experiment, key="control", name="Control", is_control=True)
    Arm.objects.create(experiment=experiment, key="b", name="Pet", variant=challenger)
    experiment_start(experiment=experiment)

    html = as_visitor(visitor_with_arm("recs-test", "b")).get(food.get_absolute_url())
    section = re.search(
        r'id="slot-product-recs-1".*?</section>', html.content.decode(), re.S
    ).group(0)
    assert "Best sellers for a cat" in section
    click = reverse("experiments:click")
    assert f'href="{click}?e=recs-test' in section  # product links count the click
    events = [json.loads(item) for item in buffered()]
    assert [e["k"] for e in events] == ["exposure"], events


def test_a_variant_naming_an_unknown_block_is_refused():
    variant = Variant(slot=Slot.objects.get(key="home-recs-1"), name="x", block="nonsense")
    with pytest.raises(ValidationError) as error:
        variant.clean()
    assert "block" in error.value.message_dict


def test_a_block_removed_from_the_settings_leaves_its_slot_out(client, shop, settings):
    food, _litter = shop
    settings.PERSONALIZATION_BLOCKS = {}
    response = client.get(food.get_absolute_url())
    assert response.status_code == 200
    assert 'id="slot-product-recs-1"' not in response.content.decode()


def test_the_admin_offers_the_registered_blocks(admin_client):
    variant = default("home-recs-1")
    html = admin_client.get(
        reverse("admin:personalization_variant_change", args=[variant.pk])
    ).content.decode()
    assert '<option value="popular-near-you"' in html
    assert "Popular near you this season" in html


def test_a_block_path_that_does_not_import_is_named_at_start_up(settings):
    from personalization.checks import blocks_check

    settings.PERSONALIZATION_BLOCKS = {"ghost": "shop.recommendations.blocks.GHOST"}
    [error] = blocks_check(None)
    assert error.id == "personalization.E006" and "ghost" in error.msg
    settings.PERSONALIZATION_BLOCKS = {"ok": "shop.recommendations.blocks.FOR_YOUR_PET"}
    assert blocks_check(None) == []


def test_each_block_shown_costs_the_page_one_query(
    consenting_client, shop, django_capture_on_commit_callbacks, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # What a render costs: no page from the decision cache, no answer shared by another visitor.
    settings.PAGECACHE_ENABLED = False
    settings.PERSONALIZATION_SHARED_ANSWERS = 0
    food, litter = shop
    page = food.get_absolute_url()
    consenting_client.get(litter.get_absolute_url())  # for "Recently viewed"
    consenting_client.get(page)

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            html = consenting_client.get(page).content.decode()
        return len(captured), html.count('class="recommendations-title"')

    with_blocks, shown = counted()
    assert shown == 3  # bought together, for a cat, recently viewed
    with django_capture_on_commit_callbacks(execute=True):  # the new version is published
        Variant.objects.filter(slot__key__startswith="product-recs-").update(is_active=False)
        content_changed()
    consenting_client.get(page)  # the content snapshot reloads once
    without_blocks, none = counted()
    assert none == 0
    assert with_blocks - without_blocks == shown


def test_a_block_with_nothing_to_show_records_no_exposure(as_visitor, shop):
    food, _litter = shop
    slot = Slot.objects.get(key="product-recs-3")
    challenger = Variant.objects.create(
        slot=slot, name="Continue instead", block="continue", is_active=False
    )
    experiment = Experiment.objects.create(
        key="recs-empty", name="Recently viewed or continue", kind=ExperimentKind.SLOT,
        slot=slot, traffic_percent=100,
    )  # fmt: skip
    Arm.objects.create(experiment=experiment, key="control", name="Control", is_control=True)
    Arm.objects.create(experiment=experiment, key="b", name="Continue", variant=challenger)
    experiment_start(experiment=experiment)

    # Nothing viewed yet: neither arm has anything to show, and nobody was exposed.
    html = as_visitor(visitor_with_arm("recs-empty", "b")).get(food.get_absolute_url())
    assert 'id="slot-product-recs-3"' not in html.content.decode()
    assert [json.loads(item)["k"] for item in buffered()] == []


# --- The personalization holdout ------------------------------------------------------------


def held_out_id(held_out: bool) -> str:
    from personalization.experiments.assignment import in_holdout

    return next(
        vid for n in range(10_000) if in_holdout(vid := f"visitor-{n:014d}"[:22]) == held_out
    )


@pytest.mark.parametrize("held_out", [True, False])
def test_the_holdout_sees_only_what_everyone_sees(as_visitor, settings, db, held_out):
    settings.PERSONALIZATION_HOLDOUT_PERCENT = 50
    food = ProductFactory(name="Tuna Kibble", pet_type="cat")
    litter = ProductFactory(name="Tofu Litter", pet_type="cat")
    bowls = [ProductFactory(name=f"Bowl {n}", pet_type="dog") for n in range(4)]
    for _ in range(2):
        ordered([food, litter], days_ago=0)
    for bowl in bowls:
        ordered([bowl], region="JP-01", days_ago=0)
    recommendations_rebuild()
    client = as_visitor(held_out_id(held_out))
    client.get(litter.get_absolute_url())  # something viewed
    product_page = titles(client.get(food.get_absolute_url()).content.decode())
    home = titles(client.get("/", REMOTE_ADDR="1.0.16.1").content.decode())

    # What the page's product goes with, and its pet's best sellers: the same for everyone.
    assert product_page[:2] == ["Often bought together", "Best sellers for a cat"]
    if held_out:
        assert "Recently viewed" not in product_page
        assert "Continue where you left off" not in home
        # The whole shop's best sellers, named as such, wherever the visitor is.
        assert len(home) == 1 and home[0].startswith("Popular in our shop this ")
    else:
        assert "Recently viewed" in product_page
        assert "Continue where you left off" in home
