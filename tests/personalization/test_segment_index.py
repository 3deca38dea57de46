"""The segment index: looking up a visitor's candidate segments by their facts chooses exactly
what evaluating every segment in priority order chooses, over many random rules and visitors."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kernel.scheduling import is_live
from personalization.facts import fact_spec
from personalization.models import Condition, Segment, SegmentMatch, Slot, Variant
from personalization.rules import condition_clean
from personalization.slots import (
    CompiledSegment,
    Content,
    Decision,
    SegmentIndex,
    content_changed,
    segment_compile,
    segment_result,
    slot_choose,
    slot_compile,
    slot_rules_choose,
)
from personalization.visitor import Fact, Source, Visitor

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
NOW = datetime.datetime(2025, 10, 15, 12, 0, tzinfo=TOKYO)

# Values chosen to collide: the same word in several cases, values a visitor may or may not
# have, and values of the wrong type for the fact.
POOLS: dict[str, list[Any]] = {
    "country": ["JP", "KR", "TW", "US"],
    "device": ["mobile", "desktop", "tablet", "bot"],
    "language": ["en", "ja"],
    "area": ["rural", "urban"],
    "region_sets": ["kanto", "Kyushu", "hokkaido-winter"],
    "utm_campaign": ["spring", "Spring", "autumn-sale", "sale"],
    "local_hour": [0, 3, 7, 12, 23],
    "visits": [1, 2, 3, 10],
    "signed_in": [True, False],
}
FACTS = sorted(POOLS)


@st.composite
def conditions(draw: st.DrawFn) -> tuple[str, str, Any]:
    fact = draw(st.sampled_from(FACTS))
    spec = fact_spec(fact)
    assert spec is not None
    operator = draw(st.sampled_from(spec.rule_operators))
    pool = st.sampled_from(POOLS[fact])
    if operator == "between":
        value: Any = sorted(draw(st.lists(pool, min_size=2, max_size=2)))
    elif operator in ("in", "not_in") or (operator == "contains" and draw(st.booleans())):
        value = draw(st.lists(pool, min_size=1, max_size=3, unique=True))
    else:
        value = draw(pool)
    try:
        return fact, operator, condition_clean(fact, operator, value)
    except ValidationError:
        assume(False)
        raise


@dataclass
class Rows:
    """A segment's rows as `segment_compile` reads them, without a database."""

    pk: int
    match: str
    rows: list[Any]
    name: str = ""
    slug: str = ""
    conditions: Any = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.slug = f"segment-{self.pk}"
        rows = [Condition(fact=f, operator=o, value=v) for f, o, v in self.rows]
        self.conditions = type("Rows", (), {"all": staticmethod(lambda: rows)})()


@st.composite
def segment_sets(draw: st.DrawFn) -> dict[int, CompiledSegment]:
    drawn = draw(
        st.lists(
            st.tuples(
                st.sampled_from([SegmentMatch.ALL, SegmentMatch.ANY, SegmentMatch.NONE]),
                st.lists(conditions(), min_size=1, max_size=3),
            ),
            min_size=1,
            max_size=12,
        )
    )
    compiled = {}
    for pk, (match, rows) in enumerate(drawn, start=1):
        segment = segment_compile(Rows(pk, match, rows))  # type: ignore[arg-type]
        assert segment is not None
        compiled[pk] = segment
    return compiled


def fact_values(fact: str) -> st.SearchStrategy[Any]:
    pool = POOLS[fact]
    if fact == "region_sets":
        return st.lists(st.sampled_from([*pool, "KANTO", "okinawa"]), max_size=3)
    odd = [str(pool[0]).upper(), str(pool[0]), ["not", "a", "value"], 7]
    return st.sampled_from([*pool, *odd])


visitors = st.fixed_dictionaries({}, optional={fact: fact_values(fact) for fact in FACTS}).map(
    lambda facts: Visitor(
        facts=MappingProxyType({n: Fact(v, Source.REQUEST) for n, v in facts.items()}), now=NOW
    )
)


def linear_choose(slot: Any, visitor: Visitor, data: Content) -> Decision:
    """Every variant in priority order, each segment evaluated: the rule the index must keep."""
    for starts, ends, language, segment_id, variant in slot.entries:
        if not is_live(starts, ends, visitor.now):
            continue
        if language and language != visitor.get("language", ""):
            continue
        if segment_id is None:
            return Decision(slot, variant)
        segment = data.segments.get(segment_id)
        if segment is None:
            continue
        try:
            reasons = segment.matches(visitor)
        except Exception:
            reasons = None
        if reasons is not None:
            return Decision(slot, variant, segment.name, reasons)
    return Decision(slot, slot.default)


def _variants(segment_ids: list[int | None], languages: list[str]) -> list[Variant]:
    later = NOW + datetime.timedelta(days=1)
    return [
        Variant(
            pk=n,
            name=f"v{n}",
            headline=f"v{n}",
            segment_id=segment_id,
            language=languages[n % len(languages)],
            starts_at=later if n % 7 == 6 else None,  # one in seven is not live yet
        )
        for n, segment_id in enumerate(segment_ids, start=1)
    ]


@hypothesis_settings(max_examples=300, deadline=None)
@given(segments=segment_sets(), people=st.lists(visitors, min_size=1, max_size=5))
def test_a_segment_left_out_of_the_candidates_never_matches(segments, people):
    index = SegmentIndex.build(segments)
    for person in people:
        candidates = index.candidates(person)
        for segment_id, segment in segments.items():
            if segment_id not in candidates:
                assert segment_result(segment, person) is None, (segment, person.facts)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    segments=segment_sets(),
    people=st.lists(visitors, min_size=1, max_size=5),
    picks=st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=30),
    languages=st.lists(st.sampled_from(["", "", "en", "ja"]), min_size=1, max_size=3),
)
def test_indexed_choice_is_the_linear_choice(segments, people, picks, languages):
    # 0 is a variant for everyone; ids past the drawn segments are inactive or broken ones.
    segment_ids = [pick or None for pick in picks]
    index = SegmentIndex.build(segments)
    slot = slot_compile(
        Slot(key="home-hero", kind="banner", name="Hero"),
        _variants(segment_ids, languages),
        {},
        segments,
        index,
    )
    data = Content(slots={slot.key: slot}, segments=segments, index=index)
    for person in people:
        indexed = slot_rules_choose(slot, person, data)
        linear = linear_choose(slot, person, data)
        assert indexed.variant is linear.variant
        assert indexed.segment == linear.segment
        # The same words, not only the same text: the very conditions that matched.
        assert len(indexed.reasons) == len(linear.reasons)
        assert all(a is b for a, b in zip(indexed.reasons, linear.reasons, strict=True))


def _visitor(**facts: Any) -> Visitor:
    return Visitor(
        facts=MappingProxyType({n: Fact(v, Source.REQUEST) for n, v in facts.items()}), now=NOW
    )


@pytest.mark.django_db
def test_a_thousand_segments_for_other_countries_are_not_evaluated(
    monkeypatch, django_capture_on_commit_callbacks
):
    hero = Slot.objects.get(key="home-hero")
    segments = Segment.objects.bulk_create(
        Segment(name=f"Korea {n}", slug=f"korea-{n}") for n in range(1000)
    )
    Condition.objects.bulk_create(
        Condition(segment=s, fact="country", operator="in", value=["KR"]) for s in segments
    )
    Variant.objects.bulk_create(
        Variant(slot=hero, name=f"v{s.pk}", headline=f"For Korea {s.pk}", segment=s)
        for s in segments
    )
    nearby = Segment.objects.create(name="Phones", slug="phones")
    Condition.objects.create(segment=nearby, fact="device", operator="eq", value="mobile")
    Variant.objects.create(slot=hero, name="phones", headline="On your phone", segment=nearby)
    with django_capture_on_commit_callbacks(execute=True):  # saved and committed
        content_changed()
    slot_choose("home-hero", _visitor(country="US"))  # content loaded once per process

    evaluated = []
    original = CompiledSegment.matches

    def counting(self: CompiledSegment, visitor: Visitor) -> Any:
        evaluated.append(self.name)
        return original(self, visitor)

    monkeypatch.setattr(CompiledSegment, "matches", counting)
    with CaptureQueriesContext(connection) as queries:
        phone = slot_choose("home-hero", _visitor(country="JP", device="mobile"))
        korea = slot_choose("home-hero", _visitor(country="KR", device="desktop"))
    assert phone.variant.headline == "On your phone"
    assert korea.variant.headline.startswith("For Korea")
    assert korea.segment == "Korea 0"  # the first by priority, as before
    # The Japanese phone evaluated only its own segment; the Korean visitor stopped at the
    # first Korean one.
    assert evaluated == ["Phones", "Korea 0"]
    assert len(queries) == 0
