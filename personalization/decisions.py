"""Decisions: what a page shows because of who is looking, declared so that pages can be shared.

A page that adapts to its visitor asks questions while it renders: which variant of the slot
"home-hero", which offers apply, which store is near, what the profile card asks. Each question
is a *decision*: a function of the request's visitor (and of editor data under its snapshot
versions), declared with one line::

    @decision("store-near")
    def store_near_decided(request, *args) -> NearbyStore | None: ...

Declared decisions are remembered per request (asked twice, answered once) and, while a page is
being recorded (`recording()`), noted with a fingerprint of their answer. The page cache keeps a
page under the fingerprints of its questions' answers: a later visitor whose answers to the same
questions are the same would see the same page, so gets the stored one. Two visitors with
different raw facts but the same decisions share one entry.

Fail closed: while recording, the Visitor notes every fact read *outside* a decision (and the
session notes that it was read); such a page is never shared. A feature that reads the visitor
without declaring its decision makes its pages uncached, never leaks one visitor's page to
another.

An answer's fingerprint is taken from plain data (str, numbers, Decimal, dates, None, tuples,
lists, dicts, sets, dataclasses, lazy translations) and model rows (by label and primary key:
their content is covered by the snapshot versions). Anything else cannot be fingerprinted, and
the page is not shared. `key=` picks what of a richer answer the page shows.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import hashlib
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from django.db import models
from django.utils.functional import Promise

from .visitor import RECORDER_KEY

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.http import HttpRequest

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# A question: the decision's name and its arguments (plain values, kept in recipes).
Question = tuple[str, tuple[Any, ...]]

# Where a request keeps its answers and its recorder (in the request's own attributes: they
# live exactly as long as the request).
_ANSWERS = "_decisions_answered"
_RECORDER = RECORDER_KEY


class Unfingerprintable(TypeError):
    """An answer that is not plain data: the page cannot be shared."""


@dataclasses.dataclass
class Recorder:
    """What a page asked while it rendered, and what it read without asking."""

    questions: dict[Question, str] = dataclasses.field(default_factory=dict)
    # Facts read outside any decision ("session" for the session): a page with any is personal.
    undeclared: set[str] = dataclasses.field(default_factory=set)
    depth: int = 0  # > 0 while a decision is being answered

    @property
    def shareable(self) -> bool:
        return not self.undeclared

    def note_read(self, name: str) -> None:
        if self.depth == 0:
            self.undeclared.add(name)


_registry: dict[str, Callable[..., Any]] = {}


def decision(
    name: str, *, key: Callable[[Any], Any] | None = None
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Declare a function of `(request, *args)` as the decision `name`.

    Its answer may depend on the request's visitor, its session and editor data (under snapshot
    versions), never on anything else about the request. `args` must be plain values (they are
    kept to ask the question again for the next visitor). `key(answer)` is what the page shows
    of the answer, fingerprinted instead of the whole answer."""
    if name in _registry:
        raise ValueError(f"The decision {name!r} is declared twice.")

    def declare(function: Callable[P, T]) -> Callable[P, T]:
        @wraps(function)
        def decided(*args: P.args, **kwargs: P.kwargs) -> T:
            request = cast("HttpRequest", args[0])
            rest = args[1:]
            question: Question = (name, tuple(rest))
            answered: dict[Question, tuple[Any, str | None]] = vars(request).setdefault(
                _ANSWERS, {}
            )
            recorder: Recorder | None = vars(request).get(_RECORDER)
            if question not in answered:
                # The key is part of the decision: what it reads of the visitor (a lazy
                # reason, say) is the decision's own.
                with _answering(request, recorder):
                    answer = function(*args, **kwargs)
                    answered[question] = (answer, _fingerprint_or_none(name, answer, key))
            answer, fingerprint = answered[question]
            if recorder is not None:
                if fingerprint is None:
                    recorder.undeclared.add(f"decision:{name}")
                else:
                    recorder.questions.setdefault(question, fingerprint)
            return cast(T, answer)

        _registry[name] = decided
        return decided

    return declare


@contextmanager
def _answering(request: HttpRequest, recorder: Recorder | None) -> Iterator[None]:
    """Inside a decision, fact and session reads are the decision's own."""
    if recorder is None:
        yield
        return
    session = getattr(request, "session", None)
    accessed = getattr(session, "accessed", False)
    recorder.depth += 1
    try:
        yield
    finally:
        recorder.depth -= 1
        if session is not None and recorder.depth == 0:
            session.accessed = accessed


def _fingerprint_or_none(name: str, answer: Any, key: Callable[[Any], Any] | None) -> str | None:
    try:
        return fingerprint(key(answer) if key is not None else answer)
    except Unfingerprintable:
        logger.warning("The decision %r gave an answer that is not plain data", name)
        return None


def fingerprint(value: Any) -> str:
    """A stable digest of plain data: equal data, equal digest, in any process."""
    return hashlib.blake2b(_canonical(value).encode(), digest_size=16).hexdigest()


def _canonical(value: Any) -> str:
    if value is None or isinstance(value, bool | int | float | str | decimal.Decimal):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, datetime.date | datetime.time):
        return f"{type(value).__name__}:{value.isoformat()}"
    if isinstance(value, datetime.timedelta):
        return f"timedelta:{value.total_seconds()!r}"
    if isinstance(value, Promise):  # a lazy translation: the text in the active language
        return f"str:{str(value)!r}"
    if isinstance(value, models.Model):
        # Its content is under its snapshot's version (part of every key).
        return f"row:{value._meta.label}:{value.pk!r}"
    if isinstance(value, tuple | list):
        return "[" + ",".join(_canonical(item) for item in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_canonical(item) for item in value)) + "}"
    if isinstance(value, dict):
        items = sorted(f"{_canonical(k)}={_canonical(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (
            f"{field.name}={_canonical(getattr(value, field.name))}"
            for field in dataclasses.fields(value)
        )
        return f"{type(value).__qualname__}(" + ",".join(fields) + ")"
    raise Unfingerprintable(type(value).__qualname__)


@contextmanager
def recording(request: HttpRequest) -> Iterator[Recorder]:
    """Note the decisions the code inside asks, and the facts it reads without one."""
    recorder = Recorder()
    vars(request)[_RECORDER] = recorder
    visitor = request.visitor  # type: ignore[attr-defined]
    visitor.memo[_RECORDER] = recorder
    session = getattr(request, "session", None)
    if session is not None:
        session.accessed = False
    try:
        yield recorder
    finally:
        if session is not None and session.accessed:
            recorder.undeclared.add("session")
        visitor.memo.pop(_RECORDER, None)
        vars(request).pop(_RECORDER, None)


def answers(request: HttpRequest, questions: Iterable[Question]) -> tuple[str, ...] | None:
    """The fingerprints of this request's answers to `questions` (asked again, in memory), or
    None when one of them cannot be answered (not declared in this process, or failed)."""
    found = []
    for name, args in questions:
        decided = _registry.get(name)
        if decided is None:
            return None
        try:
            decided(request, *args)
        except Exception:
            logger.warning("The decision %r failed to answer again", name, exc_info=True)
            return None
        fingerprint = vars(request)[_ANSWERS][(name, tuple(args))][1]
        if fingerprint is None:
            return None
        found.append(fingerprint)
    return tuple(found)


# One generic decision: a page that shows a fact as it is ("Welcome, Aiko").
@decision("fact")
def fact_decided(request: HttpRequest, name: str) -> Any:
    """The visitor's fact `name`, as a decision: pages that show it differ by its value."""
    return request.visitor.get(name)  # type: ignore[attr-defined]
