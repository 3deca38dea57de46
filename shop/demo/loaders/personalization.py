"""Region sets, segments, slot variants and profiling questions.

`region_sets.json` is a sensible split of Japan (rural: far from our stores and sparsely
populated, plus Tokyo's outlying islands by postal code), and a few other countries.
`segments.json` and `variants.json` show the range of what editors can do; `questions.json`
holds the progressive-profiling questions, asked one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from personalization.models import Condition, Question, RegionSet, Segment, Slot, Variant
from personalization.services import variant_renditions_update
from shop.demo.pictures import banner_picture
from shop.demo.rows import UPDATED, Tally, records_read, upsert

# Japanese-only copies of variants that earlier demo data made; the variants now carry their
# Japanese text themselves, so a database loaded before is switched over.
RETIRED_VARIANTS = (
    "Cat people hero (ja)",
    "Dog people hero (ja)",
    "Japanese default hero",
    "Rural free shipping (ja)",
    "Welcome back (ja)",
    "Japanese default strip",
    "Japanese default aside",
    "Japanese default notice",
)


@dataclass(frozen=True, kw_only=True)
class DemoRegionSet:
    name: str
    slug: str
    country: str
    regions: list[str] = field(default_factory=list)
    postal_prefixes: list[str] = field(default_factory=list)
    is_rural: bool = False


@dataclass(frozen=True, kw_only=True)
class DemoSegment:
    name: str
    slug: str
    conditions: list[dict[str, Any]]  # {fact, operator, value}
    match: str = "all"


@dataclass(frozen=True, kw_only=True)
class DemoVariant:
    slot: str
    name: str
    segment: str | None  # slug; None shows the variant to everyone
    priority: int
    headline: str
    body: str = ""
    cta_label: str = ""
    headline_ja: str = ""
    body_ja: str = ""
    cta_label_ja: str = ""
    cta_url: str = ""
    language: str = ""  # only for visitors reading this language; empty: everyone
    is_default: bool = False  # the slot's default, made by a migration: its text in Japanese
    picture: dict[str, str] | None = None  # {pet_type, background, mood}


@dataclass(frozen=True, kw_only=True)
class DemoQuestion:
    key: str
    prompt: str
    prompt_ja: str
    kind: str
    position: int
    choices: list[dict[str, str]] = field(default_factory=list)  # {value, label_en, label_ja}
    prerequisite: str | None = None  # key of a question answered first


def region_sets_load(*, tally: Tally) -> None:
    """Load the region sets, keyed on their slug."""
    for demo in records_read(name="region_sets", record=DemoRegionSet):
        _region_set, outcome = upsert(
            RegionSet,
            {"slug": demo.slug},
            {
                "name": demo.name,
                "country": demo.country,
                "regions": list(demo.regions),
                "postal_prefixes": list(demo.postal_prefixes),
                "is_rural": demo.is_rural,
                "is_active": True,
            },
        )
        tally.add("Region sets", outcome)


def content_load(*, tally: Tally) -> None:
    """Load segments with their conditions, then slot variants with drawn banners."""
    segments = {}
    for demo in records_read(name="segments", record=DemoSegment):
        segment, outcome = upsert(
            Segment, {"slug": demo.slug}, {"name": demo.name, "match": demo.match}
        )
        segments[demo.slug] = segment
        tally.add("Segments", outcome)
        if not segment.conditions.exists():
            for position, condition in enumerate(demo.conditions):
                Condition.objects.create(
                    segment=segment,
                    fact=condition["fact"],
                    operator=condition["operator"],
                    value=condition["value"],
                    position=position,
                )
    slots = {slot.key: slot for slot in Slot.objects.all()}
    for demo_variant in records_read(name="variants", record=DemoVariant):
        variant, outcome = upsert(
            Variant,
            {"slot": slots[demo_variant.slot], "name": demo_variant.name},
            {
                "segment": segments[demo_variant.segment] if demo_variant.segment else None,
                "priority": demo_variant.priority,
                "headline_en": demo_variant.headline,
                "headline_ja": demo_variant.headline_ja,
                "body_en": demo_variant.body,
                "body_ja": demo_variant.body_ja,
                "cta_label_en": demo_variant.cta_label,
                "cta_label_ja": demo_variant.cta_label_ja,
                "cta_url": demo_variant.cta_url,
                "is_default": demo_variant.is_default,
                "language": demo_variant.language,
                "is_active": True,
            },
        )
        tally.add("Variants", outcome)
        if demo_variant.picture and not variant.image:
            picture = banner_picture(
                pet_type=demo_variant.picture["pet_type"],
                background=demo_variant.picture["background"],
                mood=demo_variant.picture["mood"],
            )
            variant.alt_text = picture.alt_text
            variant.image.save(
                f"{demo_variant.slot}-{variant.pk}.png", ContentFile(picture.content)
            )
            variant_renditions_update(variant_id=variant.pk)
    for variant in Variant.objects.filter(name__in=RETIRED_VARIANTS, is_active=True):
        variant.is_active = False
        variant.save(update_fields=["is_active", "updated_at"])
        tally.add("Variants", UPDATED)


def questions_load(*, tally: Tally) -> None:
    """Load the profiling questions, each after the question it depends on."""
    for demo in records_read(name="questions", record=DemoQuestion):
        _question, outcome = upsert(
            Question,
            {"key": demo.key},
            {
                "prompt_en": demo.prompt,
                "prompt_ja": demo.prompt_ja,
                "kind": demo.kind,
                "position": demo.position,
                "choices": demo.choices,
                "prerequisite": (
                    Question.objects.get(key=demo.prerequisite) if demo.prerequisite else None
                ),
                "is_active": True,
            },
        )
        tally.add("Questions", outcome)
