"""Region sets: who is in them, what editors may save, the facts they give, and their snapshot."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse

from personalization.conf import app_settings
from personalization.models import REGION_SETS, RegionSet
from personalization.resolvers.location import region_store
from personalization.visitor import Source, Visitor, resolve_visitor

NOW = datetime.datetime(2025, 5, 1, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _japan(settings):
    # No test sees another's sets: the cache starts empty (tests/conftest.py), so the snapshot
    # reads its version from this test's database, where it is new.
    settings.PERSONALIZATION_DEFAULT_COUNTRY = "JP"


def region_set(**fields) -> RegionSet:
    fields.setdefault("name", fields["slug"].replace("-", " ").capitalize())
    fields.setdefault("country", "JP")
    return RegionSet.objects.create(**fields)


@pytest.fixture
def japan_sets(db, django_capture_on_commit_callbacks) -> None:
    """The sets, saved and committed (their snapshot version is in the shared cache)."""
    with django_capture_on_commit_callbacks(execute=True):
        _japan_sets()


def _japan_sets() -> None:
    region_set(slug="greater-tokyo", name="Greater Tokyo", regions=["JP-11", "JP-12", "JP-13"])
    region_set(slug="japan", name="Japan")
    region_set(slug="tokyo-islands", name="Tokyo islands", postal_prefixes=["100-1"], is_rural=True)
    region_set(slug="okinawa", name="Okinawa", regions=["JP-47"], is_rural=True)
    region_set(slug="outback", name="Outback", country="AU", regions=["AU-NT"], is_rural=True)


def visitor_in(rf, place: str | None = None, postal_code: str = "") -> Visitor:
    request = rf.get("/", REMOTE_ADDR="127.0.0.1")
    request.user = AnonymousUser()
    if place:
        response = HttpResponse()
        region_store(response, place=place, postal_code=postal_code)
        cookie = response.cookies[app_settings.REGION_COOKIE].value
        request.COOKIES[app_settings.REGION_COOKIE] = cookie
    return resolve_visitor(request=request, now=NOW)


def slugs() -> set[str]:
    return {region_set.slug for region_set in RegionSet.objects.cached()}


# Who is in a set.


def test_a_visitor_in_one_of_its_regions_is_in_the_set():
    kansai = RegionSet(country="JP", regions=["JP-26", "JP-27"])
    assert kansai.contains(country="JP", region="JP-27")


def test_a_visitor_in_another_region_is_not_in_the_set():
    kansai = RegionSet(country="JP", regions=["JP-26", "JP-27"])
    assert not kansai.contains(country="JP", region="JP-13")


def test_a_visitor_without_region_or_postal_code_is_not_in_a_regional_set():
    kansai = RegionSet(country="JP", regions=["JP-26", "JP-27"], postal_prefixes=["600"])
    assert not kansai.contains(country="JP")


def test_a_postal_code_starting_with_a_prefix_is_in_the_set():
    islands = RegionSet(country="JP", postal_prefixes=["100-1", "100-2"])
    assert islands.contains(country="JP", region="JP-13", postal_code="100-1234")


def test_a_postal_code_not_starting_with_a_prefix_is_not_in_the_set():
    islands = RegionSet(country="JP", postal_prefixes=["100-1", "100-2"])
    assert not islands.contains(country="JP", region="JP-13", postal_code="100-0001")


@pytest.mark.parametrize(
    ("prefix", "postal_code"),
    [("IV", "IV1 1AA"), ("SW1A 1", "SW1A1AA"), ("SW1A1", "SW1A 1AA"), ("iv", "iv2 3bb")],
)
def test_postal_prefixes_ignore_spaces_and_case(prefix, postal_code):
    highlands = RegionSet(country="GB", postal_prefixes=[prefix])
    assert highlands.contains(country="GB", postal_code=postal_code)


@pytest.mark.parametrize(
    ("prefix", "postal_code"),
    [("100-1", "1001234"), ("1001", "100-1234"), ("905-", "9050001"), ("905", "905-0001")],
)
def test_postal_prefixes_ignore_dashes(prefix, postal_code):
    region = RegionSet(country="JP", postal_prefixes=[prefix])
    assert region.contains(country="JP", postal_code=postal_code)


def test_a_set_without_regions_or_prefixes_covers_the_whole_country():
    japan = RegionSet(country="JP")
    assert japan.contains(country="JP")
    assert japan.contains(country="JP", region="JP-47", postal_code="900-0001")


@pytest.mark.parametrize(
    "region_set",
    [
        RegionSet(country="JP"),
        RegionSet(country="JP", regions=["JP-13"]),
        RegionSet(country="JP", postal_prefixes=["100"]),
    ],
    ids=["whole-country", "regions", "postal-prefixes"],
)
def test_a_set_never_contains_a_visitor_from_another_country(region_set):
    assert not region_set.contains(country="US", region="JP-13", postal_code="100-1234")
    assert not region_set.contains(country="", region="JP-13", postal_code="100-1234")


# What editors may save.


def test_clean_accepts_regions_and_prefixes_of_the_country():
    RegionSet(country="JP", regions=["JP-13"], postal_prefixes=["100-1", "098"]).clean()


def test_clean_rejects_an_unknown_country():
    with pytest.raises(ValidationError) as raised:
        RegionSet(country="XX").clean()
    assert set(raised.value.message_dict) == {"country"}


def test_clean_rejects_regions_of_another_country_naming_them():
    with pytest.raises(ValidationError) as raised:
        RegionSet(country="JP", regions=["JP-13", "US-CA", "GB-ENG"]).clean()
    assert raised.value.message_dict == {"regions": ["Not regions of this country: US-CA, GB-ENG"]}


def test_clean_rejects_regions_of_a_country_without_known_regions():
    with pytest.raises(ValidationError) as raised:
        RegionSet(country="FR", regions=["FR-IDF"]).clean()
    assert raised.value.message_dict == {"regions": ["Not regions of this country: FR-IDF"]}


def test_clean_rejects_bad_postal_prefixes_naming_them():
    with pytest.raises(ValidationError) as raised:
        RegionSet(country="JP", postal_prefixes=["098", "09*", "12345678901", "<b>"]).clean()
    assert raised.value.message_dict == {
        "postal_prefixes": ["Not postal-code prefixes: 09*, 12345678901, <b>"]
    }


@pytest.mark.parametrize("prefix", ["-", "--", " - "])
def test_clean_rejects_a_prefix_without_letters_or_digits(prefix):
    # Postal prefixes ignore dashes and spaces, so this one would match every postal code.
    with pytest.raises(ValidationError) as raised:
        RegionSet(country="JP", postal_prefixes=["098", prefix]).clean()
    assert set(raised.value.message_dict) == {"postal_prefixes"}


# The facts a visitor gets.


@pytest.mark.usefixtures("japan_sets")
def test_the_visitor_gets_the_slugs_of_the_sets_containing_them(rf):
    visitor = visitor_in(rf, "JP-13", postal_code="100-1234")
    assert visitor["region_sets"] == ("greater-tokyo", "japan", "tokyo-islands")
    assert visitor.source("region_sets") == Source.DERIVED


@pytest.mark.usefixtures("japan_sets")
def test_area_is_rural_when_any_matching_set_is_rural(rf):
    visitor = visitor_in(rf, "JP-13", postal_code="100-1234")
    assert visitor["area"] == "rural"
    assert visitor.source("area") == Source.DERIVED


@pytest.mark.usefixtures("japan_sets")
def test_area_is_urban_when_no_matching_set_is_rural(rf):
    visitor = visitor_in(rf, "JP-13", postal_code="100-0001")
    assert visitor["region_sets"] == ("greater-tokyo", "japan")
    assert visitor["area"] == "urban"
    assert visitor.source("area") == Source.DERIVED


@pytest.mark.usefixtures("japan_sets")
def test_a_visitor_in_no_set_has_no_region_sets_and_is_urban(rf):
    visitor = visitor_in(rf, "US-CA")
    assert visitor["region_sets"] == ()
    assert visitor["area"] == "urban"


@pytest.mark.usefixtures("japan_sets")
def test_a_visitor_placed_by_default_is_in_the_whole_country_set(rf):
    visitor = visitor_in(rf)
    assert (visitor.country, visitor.source("country")) == ("JP", Source.DEFAULT)
    assert visitor["region_sets"] == ("japan",)


@pytest.mark.usefixtures("japan_sets")
def test_an_inactive_set_is_never_matched(rf):
    RegionSet.objects.filter(slug="okinawa").update(is_active=False)
    REGION_SETS.bump()  # update() sends no signal
    visitor = visitor_in(rf, "JP-47")
    assert visitor["region_sets"] == ("japan",)
    assert visitor["area"] == "urban"


# The per-process snapshot: no query in the steady state, fresh data after every change.


@pytest.mark.usefixtures("japan_sets")
def test_warm_region_sets_cost_no_query(django_assert_num_queries):
    warm = RegionSet.objects.cached()
    with django_assert_num_queries(0):
        again = RegionSet.objects.cached()
    assert again == warm
    assert len(again) == 5


@pytest.mark.usefixtures("japan_sets")
def test_resolving_visitors_costs_no_query_once_warm(rf, django_assert_num_queries):
    visitor_in(rf, "JP-13")
    with django_assert_num_queries(0):
        visitors = [visitor_in(rf, "JP-13"), visitor_in(rf, "JP-47"), visitor_in(rf)]
    assert [v["region_sets"] for v in visitors] == [
        ("greater-tokyo", "japan"),
        ("japan", "okinawa"),
        ("japan",),
    ]


@pytest.mark.usefixtures("japan_sets")
def test_a_new_set_is_seen_on_the_next_read(django_capture_on_commit_callbacks):
    RegionSet.objects.cached()
    with django_capture_on_commit_callbacks(execute=True):
        region_set(slug="kansai", regions=["JP-27"])
    assert "kansai" in slugs()


@pytest.mark.usefixtures("japan_sets")
def test_an_edited_set_is_seen_on_the_next_read(django_capture_on_commit_callbacks):
    RegionSet.objects.cached()
    okinawa = RegionSet.objects.get(slug="okinawa")
    okinawa.regions = ["JP-46", "JP-47"]
    with django_capture_on_commit_callbacks(execute=True):
        okinawa.save()
    cached = {region_set.slug: region_set for region_set in RegionSet.objects.cached()}
    assert cached["okinawa"].regions == ["JP-46", "JP-47"]


@pytest.mark.usefixtures("japan_sets")
def test_a_deactivated_set_is_gone_on_the_next_read(django_capture_on_commit_callbacks):
    RegionSet.objects.cached()
    okinawa = RegionSet.objects.get(slug="okinawa")
    okinawa.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        okinawa.save()
    assert "okinawa" not in slugs()


@pytest.mark.usefixtures("japan_sets")
def test_a_deleted_set_is_gone_on_the_next_read(django_capture_on_commit_callbacks):
    RegionSet.objects.cached()
    with django_capture_on_commit_callbacks(execute=True):
        RegionSet.objects.get(slug="okinawa").delete()
    assert "okinawa" not in slugs()


class Abandoned(Exception):
    pass


@pytest.mark.usefixtures("japan_sets")
def test_a_rolled_back_save_leaves_no_phantom_set():
    RegionSet.objects.cached()
    with pytest.raises(Abandoned), transaction.atomic():
        region_set(slug="phantom", regions=["JP-27"])
        RegionSet.objects.cached()  # a read while the save is not yet committed
        raise Abandoned
    assert not RegionSet.objects.filter(slug="phantom").exists()
    assert "phantom" not in slugs()
