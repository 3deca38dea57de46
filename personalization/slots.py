"""Choosing what a slot shows a visitor.

All active segments, slots and variants are loaded in one go, compiled to predicates and kept
per process under a version that every save bumps (see snapshot.py): in the steady state a page
costs no SQL query for personalization however many segments and variants there are, and
matching is done in memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

import nh3
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe

from kernel.snapshot import snapshot, snapshot_bump

from .conf import app_settings
from .experiments.assignment import experiments
from .models import Segment, SegmentMatch, Slot, Variant
from .rules import Predicate, condition_clean, condition_compile, condition_describe
from .visitor import Visitor

describe_lazy = lazy(condition_describe, str)

logger = logging.getLogger(__name__)

SNAPSHOT = "content"
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


@dataclass(frozen=True)
class Content:
    slots: dict[str, CompiledSlot]
    segments: dict[int, CompiledSegment] = field(default_factory=dict)


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
        for condition in segment.conditions.all():
            value = condition_clean(condition.fact, condition.operator, condition.value)
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
        segment.pk, segment.name, segment.match, tuple(conditions), facts, segment.slug
    )


def content_load() -> Content:
    segments = {}
    for segment in Segment.objects.filter(is_active=True).prefetch_related("conditions"):
        compiled = segment_compile(segment)
        if compiled is not None:
            segments[segment.pk] = compiled
    variants: dict[int, list[Variant]] = {}
    every: dict[int, dict[int, Variant]] = {}
    for variant in Variant.objects.order_by("priority", "id"):
        variant.body_html = body_sanitize(variant.body)
        every.setdefault(variant.slot_id, {})[variant.pk] = variant
        if variant.is_active:
            variants.setdefault(variant.slot_id, []).append(variant)
    slots = {}
    for slot in Slot.objects.all():
        own = variants.get(slot.pk, [])
        default = next((v for v in own if v.is_default), None)
        targeted = tuple(v for v in own if not v.is_default)
        entries = tuple((v.starts_at, v.ends_at, v.language, v.segment_id, v) for v in targeted)
        slots[slot.key] = CompiledSlot(
            slot.key, slot.kind, slot.name, default, targeted, entries, every.get(slot.pk, {})
        )
    return Content(slots=slots, segments=segments)


def content() -> Content:
    return snapshot(SNAPSHOT, content_load)


def content_changed() -> None:
    snapshot_bump(SNAPSHOT)


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
    """The first live, matching variant by priority, else the default."""
    language = visitor.get("language", "")
    now = visitor.now
    for starts, ends, variant_language, segment_id, variant in slot.entries:
        if (starts is not None and starts > now) or (ends is not None and ends <= now):
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


def slot_decide(key: str, visitor: Visitor) -> Decision | None:
    """Choose, and keep the decision on the visitor for the "why" panel."""
    decision = slot_choose(key, visitor)
    if decision is not None and all(d.slot.key != key for d in visitor.decisions):
        visitor.decisions.append(decision)
    return decision


def slot_decisions(visitor: Visitor) -> list[Decision]:
    """What every slot shows this visitor now, for /why/."""
    return [d for key in sorted(content().slots) if (d := slot_choose(key, visitor)) is not None]
