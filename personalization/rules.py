"""Segment rules: conditions on registered facts (see facts.py for which facts, types and
operators), checked and compiled to plain predicates over a Visitor (no database access while
matching).

A condition is `fact operator value`, e.g. `country in [JP, KR]`, `device == mobile`,
`local_time between 22:00 and 02:00` (windows may wrap midnight), `answer.pet == cat`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
    "condition_clean", "condition_compile", "condition_describe",
]  # fmt: skip


# Values -----------------------------------------------------------------------------------


def _time(value: Any) -> datetime.time:
    return datetime.time.fromisoformat(str(value))


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


def condition_describe(fact: str, operator: str, value: Any) -> str:
    """A condition in plain words: "Country is one of Japan, South Korea"."""
    spec = fact_spec(fact)
    label = spec.label if spec else fact
    if fact.startswith(ANSWER_PREFIX):
        label = _("Your answer to “%(key)s”") % {"key": fact.removeprefix(ANSWER_PREFIX)}
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
