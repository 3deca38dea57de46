"""Choosing what a slot shows a visitor.

All active segments, slots and variants are loaded in one go, compiled to predicates and kept
per process under a version that every save bumps (see snapshot.py): in the steady state a page
costs no SQL query for personalization however many segments and variants there are, and
matching is done in memory.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import nh3
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe

from kernel.languages import texts_of
from kernel.scheduling import is_live
from kernel.snapshot import Snapshot

from .conf import app_settings
from .experiments.assignment import experiments
from .models import Segment, SegmentMatch, Slot, Variant
from .rules import (
    IndexKeys,
    Predicate,
    condition_clean,
    condition_compile,
    condition_describe,
    condition_index_keys,
    visitor_index_keys,
)
from .visitor import Visitor

describe_lazy = lazy(condition_describe, str)

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li"}


def body_sanitize(html: str) -> SafeString:
    """Editors' HTML with only harmless tags; links only to http(s) or this site."""
    return mark_safe(  # noqa: S308 - nh3 has just removed everything not allow-listed
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href"}},
            url_schemes={"http", "https"},
            link_rel="noopener noreferrer",
        )
    )


@dataclass(frozen=True)
class CompiledSegment:
    id: int
    name: str
    match: str
    conditions: tuple[tuple[Predicate, str], ...]
    facts: frozenset[str] = frozenset()
    slug: str = ""
    # (fact, kind, values): a visitor whose fact has none of a triple's values cannot match,
    # whichever triple it is. Empty when the segment must always be evaluated.
    index_on: tuple[tuple[str, str, IndexKeys], ...] = ()

    def matches(self, visitor: Visitor) -> tuple[str, ...] | None:
        """The descriptions of the conditions that made the visitor match, or None.

        Stops at the first condition that decides, as most visitors match few segments."""
        if self.match == SegmentMatch.ALL:
            for test, _text in self.conditions:
                if not test(visitor):
                    return None
            return tuple(text for _test, text in self.conditions)
        passed = tuple(text for test, text in self.conditions if test(visitor))
        if self.match == SegmentMatch.ANY:
            return passed or None
        # NONE: every condition failed, and those are the reasons.
        return None if passed else tuple(text for _test, text in self.conditions)


@dataclass(frozen=True)
class CompiledSlot:
    key: str
    kind: str
    name: str
    default: Variant | None
    variants: tuple[Variant, ...]  # tried in this order
    # (starts, ends, language, segment id, variant) per variant: plain values to test quickly.
    entries: tuple[tuple, ...] = ()
    # Every variant by id, switched off or not: an experiment's arm may show one that the rules
    # never do (editors switch a test's variant off so that only its arm sees it).
    by_id: dict[int, Variant] = field(default_factory=dict)
    # Positions in `entries` to try for every visitor (no segment, or one the index cannot
    # rule out), and by segment id those tried only when the segment is a candidate.
    open_positions: tuple[int, ...] = ()
    positions: dict[int, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class SegmentIndex:
    """Segments by the values of the facts they test for equality or membership, so that a
    visitor's facts look up the few segments they can match instead of evaluating them all."""

    # fact → (its kind, value → ids of the segments indexed on that value)
    by_fact: dict[str, tuple[str, dict[Any, frozenset[int]]]] = field(default_factory=dict)
    always: frozenset[int] = frozenset()  # evaluated for everyone

    @classmethod
    def build(cls, segments: dict[int, CompiledSegment]) -> SegmentIndex:
        by_fact: dict[str, tuple[str, dict[Any, set[int]]]] = {}
        always = set()
        for segment in segments.values():
            if not segment.index_on:
                always.add(segment.id)
            for fact, kind, keys in segment.index_on:
                values = by_fact.setdefault(fact, (kind, {}))[1]
                for key in keys:
                    values.setdefault(key, set()).add(segment.id)
        return cls(
            {
                fact: (kind, {key: frozenset(ids) for key, ids in values.items()})
                for fact, (kind, values) in by_fact.items()
            },
            frozenset(always),
        )

    def candidates(self, visitor: Visitor) -> frozenset[int]:
        """The segments the visitor may match (every other one certainly does not)."""
        found = set(self.always)
        for fact, (kind, values) in self.by_fact.items():
            for key in visitor_index_keys(fact, kind, visitor):
                try:
                    found.update(values.get(key, ()))
                except TypeError:  # an unhashable value equals none of the indexed ones
                    continue
        return frozenset(found)


@dataclass(frozen=True)
class Content:
    slots: dict[str, CompiledSlot]
    segments: dict[int, CompiledSegment] = field(default_factory=dict)
    index: SegmentIndex = field(default_factory=SegmentIndex)
    # fact → how many targeted variants have a segment that tests it (a question's impact).
    fact_uses: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    slot: CompiledSlot
    variant: Variant | None
    segment: str = ""
    reasons: tuple[str, ...] = ()
    # When a running experiment decided (or, for a control without a variant, let the rules
    # decide): its ExperimentEntry and the visitor's ArmEntry.
    experiment: Any = None
    arm: Any = None


def segment_compile(segment: Segment) -> CompiledSegment | None:
    """A segment's predicate; a broken one is logged and left out (it then matches nobody)."""
    try:
        conditions = []
        indexable: list[tuple[str, str, IndexKeys] | None] = []
        for condition in segment.conditions.all():
            value = condition_clean(condition.fact, condition.operator, condition.value)
            found = condition_index_keys(condition.fact, condition.operator, value)
            indexable.append(None if found is None else (condition.fact, *found))
            conditions.append(
                (
                    condition_compile(condition.fact, condition.operator, value),
                    # Lazy: read in the language of whoever is looking, not of the request
                    # that happened to load the shared content.
                    describe_lazy(condition.fact, condition.operator, value),
                )
            )
    except Exception:
        logger.warning(
            "Segment %s (%s) is broken and is skipped", segment.pk, segment, exc_info=True
        )
        return None
    if not conditions:
        logger.warning("Segment %s (%s) has no conditions and is skipped", segment.pk, segment)
        return None
    facts = frozenset(condition.fact for condition in segment.conditions.all())
    return CompiledSegment(
        segment.pk,
        segment.name,
        segment.match,
        tuple(conditions),
        facts,
        segment.slug,
        _index_on(segment.match, indexable),
    )


def _index_on(
    match: str, indexable: list[tuple[str, str, IndexKeys] | None]
) -> tuple[tuple[str, str, IndexKeys], ...]:
    """What to index a segment by: for "all", its equality or membership condition with the
    fewest values (every condition must hold, so that one must); for "any", every condition,
    when each is one (one must hold). Otherwise nothing: it is evaluated for every visitor."""
    indexed = [triple for triple in indexable if triple is not None]
    if match == SegmentMatch.ALL and indexed:
        return (min(indexed, key=lambda triple: len(triple[2])),)
    if match == SegmentMatch.ANY and len(indexed) == len(indexable):
        return tuple(indexed)
    return ()


def content_load() -> Content:
    segments = {}
    for segment in Segment.objects.filter(is_active=True).prefetch_related("conditions"):
        compiled = segment_compile(segment)
        if compiled is not None:
            segments[segment.pk] = compiled
    variants: dict[int, list[Variant]] = {}
    every: dict[int, dict[int, Variant]] = {}
    for variant in Variant.objects.order_by("priority", "id"):
        # Every language's text, sanitized once: the snapshot serves every language.
        variant.bodies_html = {
            language: body_sanitize(text) for language, text in texts_of(variant, "body").items()
        }
        every.setdefault(variant.slot_id, {})[variant.pk] = variant
        if variant.is_active:  # switched-off variants are shown only by an experiment's arm
            variants.setdefault(variant.slot_id, []).append(variant)
    index = SegmentIndex.build(segments)
    slots = {
        slot.key: slot_compile(
            slot, variants.get(slot.pk, []), every.get(slot.pk, {}), segments, index
        )
        for slot in Slot.objects.all()
    }
    fact_uses: Counter[str] = Counter(
        fact
        for slot in slots.values()
        for variant in slot.variants
        if variant.segment_id in segments
        for fact in segments[variant.segment_id].facts
    )
    return Content(slots=slots, segments=segments, index=index, fact_uses=dict(fact_uses))


def slot_compile(
    slot: Slot,
    variants: list[Variant],
    every: dict[int, Variant],
    segments: dict[int, CompiledSegment],
    index: SegmentIndex,
) -> CompiledSlot:
    """A slot with its active variants (in priority order), ready to choose from."""
    default = next((v for v in variants if v.is_default), None)
    targeted = tuple(v for v in variants if not v.is_default)
    entries = tuple((v.starts_at, v.ends_at, v.language, v.segment_id, v) for v in targeted)
    open_positions = []
    positions: dict[int, list[int]] = {}
    for position, variant in enumerate(targeted):
        if variant.segment_id is None or variant.segment_id in index.always:
            open_positions.append(position)
        elif variant.segment_id in segments:  # else inactive or broken: never shown
            positions.setdefault(variant.segment_id, []).append(position)
    return CompiledSlot(
        slot.key,
        slot.kind,
        slot.name,
        default,
        targeted,
        entries,
        every,
        tuple(open_positions),
        {segment_id: tuple(found) for segment_id, found in positions.items()},
    )


# Segments' conditions are checked against the question facts when compiled: a question's
# change recompiles them too (registered in PersonalizationConfig.ready()).
CONTENT = Snapshot(
    "content",
    load=content_load,
    depends_on=(
        "personalization.Segment",
        "personalization.Condition",
        "personalization.Slot",
        "personalization.Variant",
        "personalization.Question",
        # Rules may test experiment.<key> facts, declared from the experiments.
        "experiments.Experiment",
        "experiments.Arm",
    ),
)


def content() -> Content:
    return CONTENT.get()


def content_changed() -> None:
    CONTENT.bump()


def slot_choose(key: str, visitor: Visitor) -> Decision | None:
    """The variant of a slot for a visitor: the first live, matching one by priority, else the
    default. Search engines always get the default."""
    data = content()
    slot = data.slots.get(key)
    if slot is None:
        return None
    if not app_settings.ENABLED or visitor.is_bot or visitor.get("holdout"):
        # Search engines and the holdout see what everyone sees.
        return Decision(slot, slot.default)
    tested = slot_experiment_choose(slot, visitor)
    if tested is not None:
        return tested
    return slot_rules_choose(slot, visitor, data)


def slot_experiment_choose(slot: CompiledSlot, visitor: Visitor) -> Decision | None:
    """The visitor's arm of the slot's running experiment, when they take part in one."""
    entry = experiments().by_slot.get(slot.key)
    if entry is None or not entry.is_running(visitor.now):
        return None
    arm = entry.arm(visitor.get(entry.fact) or "")
    if arm is None:
        return None
    if arm.variant_id is None:  # a control without a variant: what the rules would show
        return replace(slot_rules_choose(slot, visitor, content()), experiment=entry, arm=arm)
    variant = slot.by_id.get(arm.variant_id)
    if variant is None:  # deleted since: the rules decide, and nothing is counted
        return None
    return Decision(slot, variant, experiment=entry, arm=arm)


def slot_rules_choose(slot: CompiledSlot, visitor: Visitor, data: Content) -> Decision:
    """The first live, matching variant by priority, else the default.

    Only the variants of segments the index says the visitor may match are tried, in the same
    order as all of them would be: the result is the same, at a cost that grows with the
    visitor's candidate segments rather than with every segment."""
    language = visitor.get("language", "")
    for position in _positions_to_try(slot, visitor, data):
        starts, ends, variant_language, segment_id, variant = slot.entries[position]
        # The clock is read only for a scheduled variant: a slot without one is answered for
        # as long as the content stands, not for the minute.
        if (starts is not None or ends is not None) and not is_live(starts, ends, visitor.now):
            continue  # scheduled or expired
        if variant_language and variant_language != language:
            continue
        if segment_id is None:
            return Decision(slot, variant)
        segment = data.segments.get(segment_id)
        if segment is None:
            continue  # inactive or broken: skipped, never an error page
        reasons = segment_result(segment, visitor)
        if reasons is not None:
            return Decision(slot, variant, segment.name, reasons)
    return Decision(slot, slot.default)


def _positions_to_try(slot: CompiledSlot, visitor: Visitor, data: Content) -> list[int]:
    candidates = segment_candidates(visitor, data)
    tried = list(slot.open_positions)
    if len(candidates) < len(slot.positions):
        for segment_id in candidates:
            tried.extend(slot.positions.get(segment_id, ()))
    else:
        for segment_id, found in slot.positions.items():
            if segment_id in candidates:
                tried.extend(found)
    tried.sort()
    return tried


def segment_candidates(visitor: Visitor, data: Content) -> frozenset[int]:
    """The segments this visitor may match, looked up once per request and content."""
    held = visitor.memo.get("segment-candidates")
    if held is None or held[0] is not data.index:
        held = (data.index, data.index.candidates(visitor))
        visitor.memo["segment-candidates"] = held
    return held[1]


def segment_result(segment: CompiledSegment, visitor: Visitor) -> tuple[str, ...] | None:
    key = ("segment", segment.id)
    memo = visitor.memo
    if key not in memo:
        try:
            memo[key] = segment.matches(visitor)
        except Exception:
            logger.warning("Segment %s failed while matching", segment.name, exc_info=True)
            memo[key] = None
    return memo[key]


def decision_keep(visitor: Visitor, decision: Decision | None) -> Decision | None:
    """Keep a slot's decision on the visitor for the "why" panel (once per slot)."""
    if decision is not None and all(d.slot.key != decision.slot.key for d in visitor.decisions):
        visitor.decisions.append(decision)
    return decision


def slot_decisions(visitor: Visitor) -> list[Decision]:
    """What every slot shows this visitor now, for /why/."""
    return [d for key in sorted(content().slots) if (d := slot_choose(key, visitor)) is not None]
