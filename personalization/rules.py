"""Segment rules: conditions on registered facts (see facts.py for which facts, types and
operators), checked and compiled to plain predicates over a Visitor (no database access while
matching).

A condition is `fact operator value`, e.g. `country in [JP, KR]`, `device == mobile`,
`local_time between 22:00 and 02:00` (windows may wrap midnight), `answer.pet == cat`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from .facts import (
    ANSWER_PREFIX,
    BOOL,
    CHOICE,
    DATE,
    KIND_OPERATORS,
    LIST,
    NUMBER,
    OPERATOR_LABELS,
    TEXT,
    TIME,
    FactSpec,
    Operator,
    fact_spec,
)

# Re-exported: rules are where editors meet facts, and older code imports these from here.
__all__ = [
    "ANSWER_PREFIX", "BOOL", "CHOICE", "DATE", "KIND_OPERATORS", "LIST", "NUMBER",
    "OPERATOR_LABELS", "TEXT", "TIME", "FactSpec", "Operator", "fact_spec",
    "condition_clean", "condition_compile", "condition_describe", "condition_index_keys",
    "condition_phrase", "segment_describe", "visitor_index_keys",
]  # fmt: skip


# Values -----------------------------------------------------------------------------------


def _time(value: Any) -> datetime.time:
    # To the minute, as a clock on a page reads: a window then depends only on the minute
    # (which shared answers are kept under, personalization/decisions.py).
    return datetime.time.fromisoformat(str(value)).replace(second=0, microsecond=0)


def _date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(str(value))


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in {"true", "yes", "1"}:
        return True
    if str(value).lower() in {"false", "no", "0"}:
        return False
    raise ValueError(value)


def _text(value: Any) -> str:
    return str(value).strip()


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    TIME: _time,
    DATE: _date,
    NUMBER: _number,
    BOOL: _bool,
}


def condition_clean(fact: str, operator: str, value: Any) -> Any:
    """Check a condition and return its value in canonical form, or raise ValidationError."""
    spec = fact_spec(fact)
    if spec is None:
        raise ValidationError(_("“%(fact)s” is not a fact we know.") % {"fact": fact})
    if not spec.rule_operators:
        raise ValidationError(_("“%(fact)s” is not a fact we know.") % {"fact": fact})
    if operator not in spec.rule_operators:
        raise ValidationError(
            _("“%(operator)s” cannot be used with %(fact)s.")
            % {"operator": OPERATOR_LABELS.get(operator, operator), "fact": spec.label}
        )
    if operator == Operator.IS_SET:
        return None
    convert: Callable[[Any], Any] = CONVERTERS.get(spec.kind, _text)
    try:
        if operator == Operator.BETWEEN:
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise ValueError(value)
            cleaned: Any = [convert(value[0]), convert(value[1])]
        elif operator in (Operator.IN, Operator.NOT_IN) or (
            spec.kind == LIST and operator == Operator.CONTAINS and isinstance(value, list)
        ):
            items = value if isinstance(value, list | tuple) else [value]
            cleaned = [convert(item) for item in items if str(item).strip()]
            if not cleaned:
                raise ValueError(value)
        else:
            cleaned = convert(value[0] if isinstance(value, list | tuple) and value else value)
            if cleaned == "":
                raise ValueError(value)
    except (ValueError, TypeError):
        raise ValidationError(
            _("The value for %(fact)s is missing or not valid.") % {"fact": spec.label}
        ) from None
    # Facts whose choices change over time (region sets, answers) accept any value.
    if spec.kind in (CHOICE, LIST) and spec.choices is not None and spec.strict_choices:
        known = {code for code, _label in spec.choices()}
        unknown = [
            v for v in (cleaned if isinstance(cleaned, list) else [cleaned]) if v not in known
        ]
        if unknown:
            raise ValidationError(
                _("Not a choice for %(fact)s: %(values)s")
                % {"fact": spec.label, "values": ", ".join(map(str, unknown))}
            )
    if spec.kind == NUMBER:
        for number in cleaned if isinstance(cleaned, list) else [cleaned]:
            if (spec.minimum is not None and number < spec.minimum) or (
                spec.maximum is not None and number > spec.maximum
            ):
                raise ValidationError(
                    _("%(fact)s must be between %(low)s and %(high)s.")
                    % {"fact": spec.label, "low": spec.minimum, "high": spec.maximum or "…"}
                )
    # Stored as JSON: times and dates as ISO strings.
    return _jsonable(cleaned)


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime.time | datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Compilation --------------------------------------------------------------------------------

Predicate = Callable[[Any], bool]


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def condition_compile(fact: str, operator: str, value: Any) -> Predicate:
    """A predicate over a Visitor for one (already cleaned) condition."""
    spec = fact_spec(fact)
    assert spec is not None
    kind = spec.kind

    def read(visitor: Any) -> Any:
        current = visitor.get(fact)
        if kind == TIME and isinstance(current, datetime.datetime):
            return current.time()
        return current

    if operator == Operator.IS_SET:
        return lambda v: read(v) not in (None, "", (), [])
    if kind == TIME:
        start, end = _time(value[0]), _time(value[1])

        def in_window(v: Any) -> bool:
            now = read(v)
            if now is None:
                return False
            # A window that wraps midnight (22:00–02:00) is the night between two days.
            return bool(start <= now < end if start <= end else now >= start or now < end)

        return in_window
    convert = CONVERTERS.get(kind, _fold)
    target = [convert(item) for item in value] if isinstance(value, list) else convert(value)

    def current(v: Any) -> Any:
        raw = read(v)
        if raw is None:
            return None
        if kind == LIST:
            return {_fold(item) for item in raw}
        return convert(raw) if kind in CONVERTERS else _fold(raw)

    def test(v: Any) -> bool:
        have = current(v)
        if have is None:
            return operator == Operator.NOT_IN
        if kind == LIST:
            wanted = set(target) if isinstance(target, list) else {target}
            if operator == Operator.NOT_IN:
                return not (have & wanted)
            if operator == Operator.IN:
                return bool(have & wanted)
            return bool(wanted <= have)  # contains
        if operator == Operator.EQ:
            return bool(have == target)
        if operator == Operator.IN:
            return bool(have in target)
        if operator == Operator.NOT_IN:
            return bool(have not in target)
        if operator == Operator.GTE:
            return bool(have >= target)
        if operator == Operator.LTE:
            return bool(have <= target)
        if operator == Operator.BETWEEN:
            return bool(target[0] <= have <= target[1])
        if operator == Operator.CONTAINS:
            return str(target) in str(have)
        if operator == Operator.STARTS_WITH:
            return str(have).startswith(str(target))
        return False

    return test


# Indexing: which visitors a condition can hold for, by the value of one fact -----------------

IndexKeys = frozenset[Any]


def condition_index_keys(fact: str, operator: str, value: Any) -> tuple[str, IndexKeys] | None:
    """For an equality or membership condition, the fact's kind and the values one of which
    the visitor's fact must have (as `visitor_index_keys` gives them) for the condition to
    hold; None for any other condition, which must be evaluated.

    Mirrors `condition_compile`: a visitor none of whose keys is here fails the condition."""
    spec = fact_spec(fact)
    if spec is None:
        return None
    kind = spec.kind
    items = value if isinstance(value, list) else [value]
    if kind in (CHOICE, TEXT) and operator == Operator.EQ and not isinstance(value, list):
        wanted = [value]
    elif kind in (CHOICE, TEXT, LIST) and operator == Operator.IN and isinstance(value, list):
        wanted = items  # a CHOICE or TEXT fact is one of them; a LIST has one of them
    elif kind == LIST and operator == Operator.CONTAINS and items:
        wanted = items[:1]  # it must hold all of them, so this one in particular
    else:
        return None
    try:
        return kind, frozenset(_fold(item) for item in wanted)
    except TypeError:  # an unhashable value: compared, never looked up
        return None


def visitor_index_keys(fact: str, kind: str, visitor: Any) -> tuple[Any, ...]:
    """The values of a visitor's fact that `condition_index_keys` looks up: the folded value,
    or each folded item of a LIST fact; none when the fact is unknown."""
    raw = visitor.get(fact)
    if raw is None:
        return ()
    try:
        return tuple(_fold(item) for item in raw) if kind == LIST else (_fold(raw),)
    except TypeError:  # not a list after all: the compiled condition fails on it too
        return ()


def condition_describe(fact: str, operator: str, value: Any) -> str:
    """A condition in plain words: "Country is one of Japan, South Korea"."""
    spec = fact_spec(fact)
    label = spec.label if spec else fact
    if fact.startswith(ANSWER_PREFIX):
        label = _("Your answer to “%(question)s”") % {"question": label}
    names = dict(spec.choices()) if spec and spec.choices else {}

    def show(item: Any) -> str:
        if isinstance(item, bool):
            return _("yes") if item else _("no")
        if spec is not None and spec.kind == TIME:
            return str(item)[:5]
        return str(names.get(item, item))

    if operator == Operator.IS_SET:
        shown = ""
    elif operator == Operator.BETWEEN:
        shown = _("%(low)s and %(high)s") % {"low": show(value[0]), "high": show(value[1])}
    elif isinstance(value, list):
        shown = ", ".join(show(item) for item in value)
    else:
        shown = show(value)
    return f"{label} {OPERATOR_LABELS.get(operator, operator)} {shown}".strip()


# The whole rule as one sentence -----------------------------------------------------------

# How a condition reads inside "Visitors …": (fact, operator) → words with %(values)s, and
# whether several values join with "or" or "and". Anything not listed reads
# "where <condition>" ("where Visit number is at least 3").
_OR, _AND = "or", "and"
_PHRASES: dict[tuple[str, str], tuple[Any, str]] = {
    ("country", Operator.EQ): (gettext_lazy("in %(values)s"), _OR),
    ("country", Operator.IN): (gettext_lazy("in %(values)s"), _OR),
    ("country", Operator.NOT_IN): (gettext_lazy("outside %(values)s"), _AND),
    ("region", Operator.EQ): (gettext_lazy("in %(values)s"), _OR),
    ("region", Operator.IN): (gettext_lazy("in %(values)s"), _OR),
    ("region", Operator.NOT_IN): (gettext_lazy("outside %(values)s"), _AND),
    ("region_sets", Operator.CONTAINS): (gettext_lazy("in %(values)s"), _AND),
    ("region_sets", Operator.IN): (gettext_lazy("in %(values)s"), _OR),
    ("region_sets", Operator.NOT_IN): (gettext_lazy("outside %(values)s"), _AND),
    ("area", Operator.EQ): (gettext_lazy("in %(values)s"), _OR),
    ("area", Operator.IN): (gettext_lazy("in %(values)s"), _OR),
    ("area", Operator.NOT_IN): (gettext_lazy("not in %(values)s"), _OR),
    ("device", Operator.EQ): (gettext_lazy("on %(values)s"), _OR),
    ("device", Operator.IN): (gettext_lazy("on %(values)s"), _OR),
    ("device", Operator.NOT_IN): (gettext_lazy("not on %(values)s"), _OR),
    ("language", Operator.EQ): (gettext_lazy("reading %(values)s"), _OR),
    ("language", Operator.IN): (gettext_lazy("reading %(values)s"), _OR),
    ("language", Operator.NOT_IN): (gettext_lazy("not reading %(values)s"), _OR),
    ("local_time", Operator.BETWEEN): (gettext_lazy("between %(low)s and %(high)s"), _AND),
    ("weekday", Operator.EQ): (pgettext_lazy("weekday", "on %(values)s"), _OR),
    ("weekday", Operator.IN): (pgettext_lazy("weekday", "on %(values)s"), _OR),
    ("weekday", Operator.NOT_IN): (pgettext_lazy("weekday", "not on %(values)s"), _OR),
    ("part_of_day", Operator.EQ): (gettext_lazy("in the %(values)s"), _OR),
    ("part_of_day", Operator.IN): (gettext_lazy("in the %(values)s"), _OR),
    ("season", Operator.EQ): (pgettext_lazy("season", "in %(values)s"), _OR),
    ("season", Operator.IN): (pgettext_lazy("season", "in %(values)s"), _OR),
    ("season", Operator.NOT_IN): (pgettext_lazy("season", "not in %(values)s"), _OR),
    ("visits", Operator.GTE): (gettext_lazy("who have visited at least %(values)s times"), _OR),
    ("utm_campaign", Operator.EQ): (gettext_lazy("from the campaign “%(values)s”"), _OR),
    ("utm_campaign", Operator.IN): (gettext_lazy("from the campaign “%(values)s”"), _OR),
}
# Values that read better as words of their own in a sentence ("on a phone").
_VALUE_WORDS: dict[tuple[str, Any], Any] = {
    ("device", "mobile"): pgettext_lazy("on …", "a phone"),
    ("device", "tablet"): pgettext_lazy("on …", "a tablet"),
    ("device", "desktop"): pgettext_lazy("on …", "a computer"),
    ("device", "bot"): pgettext_lazy("on …", "a search engine"),
    ("area", "rural"): pgettext_lazy("in …", "a rural area"),
    ("area", "urban"): pgettext_lazy("in …", "a town or city"),
    ("signed_in", True): pgettext_lazy("visitors who are …", "signed in"),
    ("signed_in", False): pgettext_lazy("visitors who are …", "not signed in"),
}
_ANSWER_PHRASES: dict[str, Any] = {
    Operator.EQ: gettext_lazy("who answered “%(question)s” with %(values)s"),
    Operator.IN: gettext_lazy("who answered “%(question)s” with %(values)s"),
    Operator.CONTAINS: gettext_lazy("who answered “%(question)s” with %(values)s"),
    Operator.NOT_IN: gettext_lazy("who did not answer “%(question)s” with %(values)s"),
    Operator.IS_SET: gettext_lazy("who answered “%(question)s”"),
}


def _values_joined(words: list[str], joiner: str) -> str:
    if len(words) < 2:
        return "".join(words)
    last = (
        pgettext("a list's last item", " or ")
        if joiner == _OR
        else pgettext("a list's last item", " and ")
    )
    return pgettext("between list items", ", ").join(words[:-1]) + last + words[-1]


def condition_phrase(fact: str, operator: str, value: Any) -> str:
    """A condition as words that follow "Visitors": "in Hokkaido", "on a phone"."""
    spec = fact_spec(fact)
    names = spec.value_labels() if spec else {}
    items = list(value) if isinstance(value, list | tuple) else [value]

    def word(item: Any) -> str:
        known = _VALUE_WORDS.get((fact, item))
        if known is not None:
            return str(known)
        if spec is not None and spec.kind == TIME:
            return str(item)[:5]
        if spec is not None and spec.kind == CHOICE and spec.display is not None:
            return spec.display(item)  # "Hokkaido" rather than the list's "Hokkaido (Japan)"
        return str(names.get(item, item))

    if spec is not None and spec.kind == BOOL and operator == Operator.EQ:
        known = _VALUE_WORDS.get((fact, value))
        if known is not None:
            return str(known)
    if fact.startswith(ANSWER_PREFIX) and operator in _ANSWER_PHRASES:
        question = spec.label if spec else fact.removeprefix(ANSWER_PREFIX)
        return str(_ANSWER_PHRASES[operator]) % {
            "question": question,
            "values": _values_joined([word(i) for i in items], _OR),
        }
    phrase = _PHRASES.get((fact, operator))
    if phrase is None:
        return _("where %(condition)s") % {"condition": condition_describe(fact, operator, value)}
    template, joiner = phrase
    if operator == Operator.BETWEEN:
        return str(template) % {"low": word(items[0]), "high": word(items[1])}
    return str(template) % {"values": _values_joined([word(i) for i in items], joiner)}


def segment_describe(match: str, conditions: Iterable[tuple[str, str, Any]]) -> str:
    """A whole rule as one sentence: "Visitors in Hokkaido, on a phone, between 05:00 and
    07:00". `match` is "all", "any" or "none"; conditions are cleaned (fact, operator, value)."""
    phrases = [condition_phrase(fact, operator, value) for fact, operator, value in conditions]
    if not phrases:
        return _("Everyone (no conditions yet)")
    # Phrases may hold "or" themselves ("on a phone or a tablet"): alternatives are set apart.
    alternatives = pgettext("between alternatives", ", or ").join(phrases)
    if match == "any":
        return _("Visitors %(conditions)s") % {"conditions": alternatives}
    if match == "none":
        return _("Everyone except visitors %(conditions)s") % {"conditions": alternatives}
    return _("Visitors %(conditions)s") % {
        "conditions": pgettext("between list items", ", ").join(phrases)
    }
