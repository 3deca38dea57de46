"""Segment rules: which facts editors may use, with which operators, and their compilation to
plain predicates over a Visitor (no database access while matching).

A condition is `fact operator value`, e.g. `country in [JP, KR]`, `device == mobile`,
`local_time between 22:00 and 02:00` (windows may wrap midnight), `answer.pet == cat`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kernel.regions import COUNTRIES, countries_ours_first


class Operator:
    EQ = "eq"
    IN = "in"
    NOT_IN = "not_in"
    BETWEEN = "between"
    GTE = "gte"
    LTE = "lte"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    IS_SET = "is_set"


OPERATOR_LABELS = {
    Operator.EQ: gettext_lazy("is"),
    Operator.IN: gettext_lazy("is one of"),
    Operator.NOT_IN: gettext_lazy("is none of"),
    Operator.BETWEEN: gettext_lazy("is between"),
    Operator.GTE: gettext_lazy("is at least"),
    Operator.LTE: gettext_lazy("is at most"),
    Operator.CONTAINS: gettext_lazy("contains"),
    Operator.STARTS_WITH: gettext_lazy("starts with"),
    Operator.IS_SET: gettext_lazy("is known"),
}

# Value kinds, with the operators that make sense for each.
CHOICE, TEXT, NUMBER, TIME, DATE, BOOL, LIST = (
    "choice",
    "text",
    "number",
    "time",
    "date",
    "bool",
    "list",
)
KIND_OPERATORS = {
    CHOICE: (Operator.EQ, Operator.IN, Operator.NOT_IN, Operator.IS_SET),
    TEXT: (Operator.EQ, Operator.IN, Operator.NOT_IN, Operator.CONTAINS, Operator.STARTS_WITH,
           Operator.IS_SET),
    NUMBER: (Operator.EQ, Operator.GTE, Operator.LTE, Operator.BETWEEN, Operator.IS_SET),
    TIME: (Operator.BETWEEN,),
    DATE: (Operator.EQ, Operator.GTE, Operator.LTE, Operator.BETWEEN),
    BOOL: (Operator.EQ,),
    LIST: (Operator.CONTAINS, Operator.IN, Operator.NOT_IN, Operator.IS_SET),
}  # fmt: skip


def _regions() -> list[tuple[str, str]]:
    return [
        (code, f"{name} ({country.name})")
        for country in COUNTRIES.values()
        for code, name in country.regions.items()
    ]


def _region_sets() -> list[tuple[str, str]]:
    from .models import RegionSet

    return [(s.slug, s.name) for s in RegionSet.objects.cached()]


def _fixed(*pairs: tuple[str, str]) -> Callable[[], list[tuple[str, str]]]:
    return lambda: [(value, str(label)) for value, label in pairs]


@dataclass(frozen=True)
class FactSpec:
    label: Any
    kind: str
    choices: Callable[[], list[tuple[str, str]]] | None = None
    minimum: int | None = None
    maximum: int | None = None


FACTS: dict[str, FactSpec] = {
    "country": FactSpec(gettext_lazy("Country"), CHOICE, countries_ours_first),
    "region": FactSpec(gettext_lazy("Region"), CHOICE, _regions),
    "region_sets": FactSpec(gettext_lazy("Region set"), LIST, _region_sets),
    "area": FactSpec(
        gettext_lazy("Area"),
        CHOICE,
        _fixed(("urban", gettext_lazy("urban")), ("rural", gettext_lazy("rural"))),
    ),
    "device": FactSpec(
        gettext_lazy("Device"),
        CHOICE,
        _fixed(
            ("mobile", pgettext_lazy("device", "phone")),
            ("tablet", gettext_lazy("tablet")),
            ("desktop", gettext_lazy("desktop")),
            ("bot", gettext_lazy("search engine")),
        ),
    ),  # fmt: skip
    "os": FactSpec(gettext_lazy("Operating system"), TEXT),
    "browser": FactSpec(gettext_lazy("Browser"), TEXT),
    "language": FactSpec(
        gettext_lazy("Language"),
        CHOICE,
        _fixed(("en", gettext_lazy("English")), ("ja", gettext_lazy("Japanese"))),
    ),
    "local_time": FactSpec(gettext_lazy("Local time"), TIME),
    "local_hour": FactSpec(gettext_lazy("Local hour"), NUMBER, minimum=0, maximum=23),
    "weekday": FactSpec(
        gettext_lazy("Day of the week"),
        CHOICE,
        _fixed(
            ("monday", gettext_lazy("Monday")),
            ("tuesday", gettext_lazy("Tuesday")),
            ("wednesday", gettext_lazy("Wednesday")),
            ("thursday", gettext_lazy("Thursday")),
            ("friday", gettext_lazy("Friday")),
            ("saturday", gettext_lazy("Saturday")),
            ("sunday", gettext_lazy("Sunday")),
        ),
    ),  # fmt: skip
    "part_of_day": FactSpec(
        gettext_lazy("Part of the day"),
        CHOICE,
        _fixed(
            ("morning", gettext_lazy("morning")),
            ("afternoon", gettext_lazy("afternoon")),
            ("evening", gettext_lazy("evening")),
            ("night", gettext_lazy("night")),
        ),
    ),  # fmt: skip
    "season": FactSpec(
        gettext_lazy("Season"),
        CHOICE,
        _fixed(
            ("spring", gettext_lazy("spring")),
            ("summer", gettext_lazy("summer")),
            ("autumn", gettext_lazy("autumn")),
            ("winter", gettext_lazy("winter")),
        ),
    ),  # fmt: skip
    "local_date": FactSpec(gettext_lazy("Date"), DATE),
    "visits": FactSpec(gettext_lazy("Visit number"), NUMBER, minimum=0),
    "referrer_host": FactSpec(gettext_lazy("Came from (site)"), TEXT),
    "utm_campaign": FactSpec(gettext_lazy("Campaign"), TEXT),
    "utm_source": FactSpec(gettext_lazy("Campaign source"), TEXT),
    "utm_medium": FactSpec(gettext_lazy("Campaign medium"), TEXT),
    "consent": FactSpec(
        gettext_lazy("Consent"),
        LIST,
        _fixed(
            ("personalization", gettext_lazy("personalization")),
            ("analytics", gettext_lazy("analytics")),
        ),
    ),  # fmt: skip
    "signed_in": FactSpec(gettext_lazy("Signed in"), BOOL),
    "has_ordered": FactSpec(gettext_lazy("Has ordered"), BOOL),
}
ANSWER_PREFIX = "answer."
ANSWER_KEY = re.compile(r"answer\.[a-z][a-z0-9_]{0,39}")


def fact_spec(name: str) -> FactSpec | None:
    """The spec of a fact; profiling answers (`answer.pet`) are free text."""
    if name in FACTS:
        return FACTS[name]
    if ANSWER_KEY.fullmatch(name):
        return FactSpec(gettext_lazy("Answer"), TEXT)
    return None


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


CONVERTERS = {TIME: _time, DATE: _date, NUMBER: _number, BOOL: _bool}


def condition_clean(fact: str, operator: str, value: Any) -> Any:
    """Check a condition and return its value in canonical form, or raise ValidationError."""
    spec = fact_spec(fact)
    if spec is None:
        raise ValidationError(_("“%(fact)s” is not a fact we know.") % {"fact": fact})
    if operator not in KIND_OPERATORS[spec.kind]:
        raise ValidationError(
            _("“%(operator)s” cannot be used with %(fact)s.")
            % {"operator": OPERATOR_LABELS.get(operator, operator), "fact": spec.label}
        )
    if operator == Operator.IS_SET:
        return None
    convert = CONVERTERS.get(spec.kind, lambda v: str(v).strip())
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
    # Region sets are checked by their own model; regions by regions.py when used.
    if (
        spec.kind in (CHOICE, LIST)
        and spec.choices is not None
        and fact
        not in (
            "region",
            "region_sets",
        )
    ):
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
            return start <= now < end if start <= end else now >= start or now < end

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
            return wanted <= have  # contains
        if operator == Operator.EQ:
            return have == target
        if operator == Operator.IN:
            return have in target
        if operator == Operator.NOT_IN:
            return have not in target
        if operator == Operator.GTE:
            return have >= target
        if operator == Operator.LTE:
            return have <= target
        if operator == Operator.BETWEEN:
            return target[0] <= have <= target[1]
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
