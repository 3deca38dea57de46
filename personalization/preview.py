"""Staff "view as": facts a staff member sets for their own browser, to see the site as a given
visitor would. Kept in their session, so it never reaches anyone else; a previewing visitor is
marked `is_preview` and is never counted.

A staff member can share a preview as a signed link, valid for a few hours, with a colleague who
is not staff: opening it starts the same preview in the colleague's browser until it expires.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from kernel.regions import COUNTRIES, countries_ours_first

from .facts import BOOL, LIST, NUMBER, TEXT, fact_spec
from .models import RegionSet, Segment, SegmentMatch
from .rules import condition_clean, condition_compile
from .slots import segment_compile
from .visitor import resolve_visitor

SESSION_KEY = "visitor_preview"
EXPIRES_KEY = "visitor_preview_expires"
# The segment a preview stands for ({"id": …, "name": …}), for the preview bar.
SEGMENT_KEY = "visitor_preview_segment"
PREVIEW_LINK_HOURS = 4
SALT = "personalization.preview"


def preview_allowed(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_staff)


def preview_overrides(request: HttpRequest) -> dict[str, Any] | None:
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    expires = session.get(EXPIRES_KEY)
    if expires is not None:  # opened from a shared link: anyone, until it expires
        return session[SESSION_KEY] if time.time() < expires else None
    return session[SESSION_KEY] if preview_allowed(request) else None


def preview_start(
    request: HttpRequest,
    facts: dict[str, Any],
    *,
    shared: bool = False,
    segment: dict[str, Any] | None = None,
) -> None:
    """Preview `facts` in this browser; `segment` ({"id", "name"}) names what they stand for."""
    request.session[SESSION_KEY] = preview_facts_kept(facts)
    if segment:
        request.session[SEGMENT_KEY] = {"id": segment.get("id"), "name": segment.get("name")}
    else:
        request.session.pop(SEGMENT_KEY, None)
    if shared:
        request.session[EXPIRES_KEY] = time.time() + PREVIEW_LINK_HOURS * 3600
    else:
        request.session.pop(EXPIRES_KEY, None)


def preview_facts_kept(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts a preview sets: empty fields keep the real facts; a place keeps its region
    even when that is "none"."""
    kept = {name: value for name, value in facts.items() if value not in ("", None, [])}
    if "country" in kept:
        kept.setdefault("region", None)
    return kept


def preview_stop(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(EXPIRES_KEY, None)
    request.session.pop(SEGMENT_KEY, None)


def preview_segment_of(request: HttpRequest) -> dict[str, Any] | None:
    """The segment the current preview stands for, if it stands for one."""
    session = getattr(request, "session", None)
    return session.get(SEGMENT_KEY) if session is not None else None


def preview_token(facts: dict[str, Any], segment: dict[str, Any] | None = None) -> str:
    payload: dict[str, Any] = {"facts": facts, "segment": segment} if segment else facts
    return signing.dumps(payload, salt=SALT, compress=True)


def preview_from_token(token: str) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """The facts of a shared preview and the segment they stand for; None if the link is
    not valid (tampered with or expired)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=PREVIEW_LINK_HOURS * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    if isinstance(payload.get("facts"), dict):
        segment = payload.get("segment")
        return payload["facts"], segment if isinstance(segment, dict) else None
    return payload, None


def preview_matches(request: HttpRequest, facts: dict[str, Any], segment_id: int) -> bool:
    """Whether a visitor with these preview facts (and this browser's others) is in the
    segment, as the pages would decide it."""
    # From the database rather than the shared snapshot: a staff action, and the segment may
    # be switched off or saved a moment ago.
    found = Segment.objects.prefetch_related("conditions").filter(pk=segment_id).first()
    compiled = segment_compile(found) if found is not None else None
    if compiled is None:
        return False
    visitor = resolve_visitor(request=request, overrides=preview_facts_kept(facts))
    return compiled.matches(visitor) is not None


# Facts the resolvers work out from others: a preview sets the source, never the result, so
# that everything derived from it (prices by region set, the clock) agrees with the rule.
PLACE_FACTS = frozenset({"country", "region", "region_sets", "area", "postal_code", "city"})
CLOCK_FACTS = frozenset({"local_time", "local_hour", "part_of_day"})


@dataclass(frozen=True)
class _Rule:
    fact: str
    operator: str
    value: Any
    test: Any  # the compiled predicate


def _rules(segment: Segment) -> list[_Rule]:
    rules = []
    for condition in segment.conditions.all():
        try:
            value = condition_clean(condition.fact, condition.operator, condition.value)
        except ValidationError:
            continue  # a broken condition matches nobody: nothing to satisfy
        test = condition_compile(condition.fact, condition.operator, value)
        rules.append(_Rule(condition.fact, condition.operator, value, test))
    return rules


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _place_candidates(rules: list[_Rule]) -> Iterator[dict[str, Any]]:
    """Places to try, those the rule names first, then every place the shop knows."""
    sets = RegionSet.objects.cached()
    named_sets = {
        slug for rule in rules if rule.fact == "region_sets" for slug in _items(rule.value)
    }
    for rule in rules:
        if rule.fact == "region":
            for code in _items(rule.value):
                yield {"country": str(code).split("-")[0], "region": code}
        elif rule.fact == "country":
            for code in _items(rule.value):
                yield {"country": code, "region": None}
    # Region sets the rule names, then the rural ones (for "area"), then the rest; in the
    # countries the shop delivers to first.
    ours = list(COUNTRIES)

    def order(region_set: RegionSet) -> tuple[bool, bool, int]:
        rank = ours.index(region_set.country) if region_set.country in ours else len(ours)
        return (region_set.slug not in named_sets, not region_set.is_rural, rank)

    for region_set in sorted(sets, key=order):
        for region in region_set.regions:
            yield {"country": region_set.country, "region": region}
        for prefix in region_set.postal_prefixes:
            yield {"country": region_set.country, "region": None, "postal_code": prefix}
        if not region_set.regions and not region_set.postal_prefixes:
            yield {"country": region_set.country, "region": None}
    for code, _name in countries_ours_first():
        yield {"country": code, "region": None}
        country = COUNTRIES.get(code)
        for region in country.regions if country else ():
            yield {"country": code, "region": region}


def _clock_candidates(rules: list[_Rule]) -> Iterator[dict[str, Any]]:
    for rule in rules:
        for item in _items(rule.value):
            if rule.fact == "local_time":
                yield {"local_hour": int(str(item)[:2])}
            elif rule.fact == "local_hour":
                yield {"local_hour": int(item)}
    for hour in range(24):
        yield {"local_hour": hour}


def _value_candidates(fact: str, rules: list[_Rule]) -> Iterator[dict[str, Any]]:
    spec = fact_spec(fact)
    kind = spec.kind if spec else TEXT
    named = [item for rule in rules for item in _items(rule.value) if item is not None]
    choices = [code for code, _label in spec.choices()] if spec and spec.choices else []
    if kind == LIST:
        for rule in rules:
            if rule.value is not None:
                yield {fact: _items(rule.value)}
        for item in [*named, *choices]:
            yield {fact: [item]}
        yield {fact: []}
        return
    if kind == BOOL:
        candidates: list[Any] = [*named, True, False]
    elif kind == NUMBER:
        low = spec.minimum if spec and spec.minimum is not None else 0
        candidates = [n + step for n in named for step in (0, 1, -1)] + [low, low + 1]
    else:
        candidates = [*named, *choices, "—"]
    for item in candidates:
        # How a value is set in a preview, when the fact says (a region sets its country too).
        if spec is not None and spec.preview_as is not None:
            yield spec.preview_as(item)
        else:
            yield {fact: item}


def _solve(
    rules: list[_Rule],
    candidates: Iterable[dict[str, Any]],
    facts: dict[str, Any],
    *,
    wanted: bool,
    now: datetime.datetime,
) -> dict[str, Any] | None:
    """The first candidate whose visitor meets (or, for "none of", fails) every rule."""
    for candidate in candidates:
        visitor = resolve_visitor(overrides={**facts, **candidate}, now=now)
        try:
            if all(bool(rule.test(visitor)) == wanted for rule in rules):
                return candidate
        except (TypeError, ValueError):
            continue
    return None


def segment_example_facts(
    segment: Segment, *, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """Facts of a visitor who matches the segment, consistent with each other: a place that
    lies in the named regions and region sets (so regional offers apply as they would), a
    local hour inside the time window, a device, answers… — each found by trying candidates
    against the segment's own compiled conditions. "Any of" is met by its first condition that
    can be; "none of" by facts that fail every condition."""
    now = now or timezone.now()
    rules = _rules(segment)
    if segment.match == SegmentMatch.ANY:
        for rule in rules:
            facts = _facts_for([rule], wanted=True, now=now)
            if facts is not None:
                return facts
        return {}
    wanted = segment.match != SegmentMatch.NONE
    return _facts_for(rules, wanted=wanted, now=now) or {}


def _facts_for(rules: list[_Rule], *, wanted: bool, now: datetime.datetime) -> dict | None:
    facts: dict[str, Any] = {}
    solved = True
    groups: list[tuple[list[_Rule], Iterable[dict[str, Any]]]] = []
    place = [rule for rule in rules if rule.fact in PLACE_FACTS]
    if place:
        groups.append((place, _place_candidates(place)))
    clock = [rule for rule in rules if rule.fact in CLOCK_FACTS]
    if clock:
        groups.append((clock, _clock_candidates(clock)))
    others: dict[str, list[_Rule]] = {}
    for rule in rules:
        if rule.fact not in PLACE_FACTS | CLOCK_FACTS:
            others.setdefault(rule.fact, []).append(rule)
    for fact, fact_rules in others.items():
        groups.append((fact_rules, _value_candidates(fact, fact_rules)))
    for group, candidates in groups:
        found = _solve(group, candidates, facts, wanted=wanted, now=now)
        if found is None:
            solved = False
            continue
        facts.update(found)
    if not solved and len(rules) == 1:
        return None
    return facts
