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

**Shared answers.** A decision declared `shared=True` promises more: its answer depends on
nothing but the visitor facts it reads, the editor data, the language and the clock as
`visitor.now` gives it (never `timezone.now()`), and answering it changes nothing. Then one
process answers it once for every visitor with the same values of the facts it read (tracked
while it answers, nested decisions included) and keeps the answer with its fingerprint
(`PERSONALIZATION_SHARED_ANSWERS` answers at most, under the snapshot versions). The clock
counts as one more fact, worth its minute: an answer that read it (a schedule, opening hours)
holds for that minute, one that did not (the store near a place) until the editor data changes.
A visitor whose facts differ in one that the decision read gets an answer of its own. While
it answers, the decision sees an empty `visitor.memo`, so that nothing another decision
derived from facts reaches it unread.

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

from django.core.signals import setting_changed
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from kernel.snapshot import snapshots_declared

from .conf import app_settings
from .visitor import CLOCK, READERS_KEY, RECORDER_KEY

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
_VERSIONS = "_decisions_versions"
_SHARED_WITH = "_decisions_shared_with"
_LANGUAGE = "_decisions_language"
_FACT_VALUES = "_decisions_fact_values"
# The session's contents, as one more "fact" a decision may read.
_SESSION = "\x00session"
# A fact name no visitor has a value for: reading all facts at once.
_EVERY_FACT = "*"
_UNSET = object()

# A question asked while another was answered, with its answer's fingerprint.
_Asked = tuple[Question, "str | None"]
# A request's answer: the answer, its fingerprint (None: not plain data), the facts read and the
# questions asked while answering (they are part of the page too, when it is recorded).
_Answered = tuple[Any, "str | None", frozenset[str], tuple[_Asked, ...]]
_ASKED = "_decisions_asked"


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
    name: str, *, key: Callable[[Any], Any] | None = None, shared: bool = False
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Declare a function of `(request, *args)` as the decision `name`.

    Its answer may depend on the request's visitor, its session and editor data (under snapshot
    versions), never on anything else about the request. `args` must be plain values (they are
    kept to ask the question again for the next visitor). `key(answer)` is what the page shows
    of the answer, fingerprinted instead of the whole answer. `shared=True`: the answer depends
    only on the facts it reads (no session, no side effect) and is reused across requests."""
    if name in _registry:
        raise ValueError(f"The decision {name!r} is declared twice.")

    def declare(function: Callable[P, T]) -> Callable[P, T]:
        def answer_now(request: HttpRequest, args: tuple[Any, ...]) -> tuple[Any, str | None]:
            answer = cast("Callable[..., Any]", function)(request, *args)
            return answer, _fingerprint_or_none(name, answer, key)

        @wraps(function)
        def decided(*args: P.args, **kwargs: P.kwargs) -> T:
            # A page from the cache asks some thirty questions: this path stays lean (no casts,
            # one lookup of each request attribute).
            request: Any = args[0]
            question: Question = (name, args[1:])
            attributes = vars(request)
            answered: dict[Question, _Answered] | None = attributes.get(_ANSWERS)
            if answered is None:
                answered = attributes[_ANSWERS] = {}
            recorder: Recorder | None = attributes.get(_RECORDER)
            found = answered.get(question)
            if found is None:
                sharing = _sharing(request) if shared else None
                if sharing is not None:
                    found = _shared_answer(request, question, answer_now, sharing)
                else:
                    # The key is part of the decision: what it reads of the visitor (a lazy
                    # reason, say) is the decision's own.
                    with _answering(request, recorder) as (reading, asking):
                        answer, fingerprint = answer_now(request, question[1])
                    found = (answer, fingerprint, frozenset(reading), tuple(asking))
                answered[question] = found
            answer, fingerprint, read, nested = found
            if recorder is None and not attributes.get(_ASKED):
                return answer  # asked again at the top of a page being served: nobody to tell
            asked = (*nested, (question, fingerprint))
            # An enclosing decision depends on these too; a page being recorded asked them all,
            # also when this answer was given earlier in the request.
            _note(request, read, asked)
            if recorder is not None:
                for each, each_fingerprint in asked:
                    if each_fingerprint is None:
                        recorder.undeclared.add(f"decision:{each[0]}")
                    else:
                        recorder.questions.setdefault(each, each_fingerprint)
            return answer

        _registry[name] = decided
        return decided

    return declare


class _answering:
    """Inside a decision, fact and session reads are the decision's own: gives the names of
    the facts it reads (the session counts as one) and the questions it asks. (A class, not a
    generator: pages enter it a dozen times each.)"""

    def __init__(self, request: HttpRequest, recorder: Recorder | None) -> None:
        self.request = request
        self.recorder = recorder

    def __enter__(self) -> tuple[set[str], list[_Asked]]:
        request = self.request
        visitor = request.visitor  # type: ignore[attr-defined]
        self.readers: list[set[str]] = visitor.memo.setdefault(READERS_KEY, [])
        self.read: set[str] = set()
        self.readers.append(self.read)
        self.askers: list[list[_Asked]] = vars(request).setdefault(_ASKED, [])
        nested: list[_Asked] = []
        self.askers.append(nested)
        self.session = session = getattr(request, "session", None)
        self.accessed = getattr(session, "accessed", False)
        if session is not None:
            session.accessed = False
        if self.recorder is not None:
            self.recorder.depth += 1
        return self.read, nested

    def __exit__(self, *_exc: object) -> None:
        self.readers.pop()
        self.askers.pop()
        recorder, session = self.recorder, self.session
        if recorder is not None:
            recorder.depth -= 1
        if session is not None:
            if session.accessed:
                self.read.add(_SESSION)
            # A page being recorded does not read the session when one of its decisions does.
            outermost = recorder is not None and recorder.depth == 0
            session.accessed = self.accessed or (session.accessed and not outermost)


def _note(request: HttpRequest, read: Iterable[str], asked: tuple[_Asked, ...]) -> None:
    """Tell the decisions being answered what one they asked read and asked."""
    for nested in vars(request).get(_ASKED, ()):
        nested.extend(asked)
    visitor = getattr(request, "visitor", None)
    if visitor is not None:
        for reader in visitor.memo.get(READERS_KEY, ()):
            reader.update(read)


# Shared answers, in this process: by question, language and versions, the sets of facts
# its answers read, each with the answers (and their fingerprints) by those facts' values. Nested,
# so that a lookup hashes the question once, however many sets of facts it tries.
_shared: dict[tuple[Any, ...], dict[tuple[str, ...], dict[tuple[str, ...], _Answered]]] = {}
_shared_kept = 0
# Sets of facts kept per question: visitors whose answers read yet other facts answer afresh.
_SHARED_READS_KEPT = 8


def shared_answers_forget(**_kwargs: Any) -> None:
    """Drop every shared answer (settings changed, or a test starts)."""
    global _shared_kept
    _shared.clear()
    _shared_kept = 0


def shared_answers_kept() -> int:
    """How many shared answers this process keeps."""
    return _shared_kept


setting_changed.connect(shared_answers_forget)


def editor_versions(request: HttpRequest) -> str:
    """Every snapshot's version as this request sees it (worked out once per request)."""
    found = vars(request).get(_VERSIONS)
    if found is None:
        found = ",".join(f"{s.name}={s.version()}" for s in snapshots_declared())
        vars(request)[_VERSIONS] = found
    return cast(str, found)


def _sharing(request: HttpRequest) -> str | None:
    """What every shared answer of this request is kept under besides its question, language
    and facts: the editor data's versions; None when this request shares no answer (no
    visitor, a staff preview, sharing off). Worked out once per visitor."""
    visitor = getattr(request, "visitor", None)
    if visitor is None:
        return None
    held = visitor.memo.get(_SHARED_WITH, _UNSET)
    if held is _UNSET:
        held = None
        if app_settings.SHARED_ANSWERS and not visitor.is_preview:
            held = editor_versions(request)
        visitor.memo[_SHARED_WITH] = held
    return cast("str | None", held)


def _shared_answer(
    request: HttpRequest,
    question: Question,
    answer_now: Callable[[HttpRequest, tuple[Any, ...]], tuple[Any, str | None]],
    sharing: str,
) -> _Answered:
    """The answer another visitor with the same values of the facts read got, else a new one
    (kept for the next)."""
    # The language as it is now (a page may word something in another one, an e-mail say): the
    # one `answers()` read for its questions, unless a decision is being answered, which may
    # have switched it for those it asks.
    attributes = vars(request)
    language = None if attributes.get(_ASKED) else attributes.get(_LANGUAGE)
    asked = (question, language or translation.get_language(), sharing)
    by_reads = _shared.get(asked)
    if by_reads:
        for names, by_values in by_reads.items():
            values = _values(request, names)
            if values is not None:
                found = by_values.get(values)
                if found is not None:
                    return found
    # Nothing another decision derived from this visitor's facts may reach the answer unread.
    visitor = request.visitor  # type: ignore[attr-defined]
    held = dict(visitor.memo)
    visitor.memo.clear()
    visitor.memo.update(
        {k: held[k] for k in (READERS_KEY, RECORDER_KEY) if k in held},
    )
    try:
        with _answering(request, vars(request).get(_RECORDER)) as (read, nested):
            answer, fingerprint = answer_now(request, question[1])
    finally:
        visitor.memo.clear()
        visitor.memo.update(held)
    names = tuple(sorted(read))
    answered = (answer, fingerprint, frozenset(read), tuple(nested))
    values = _values(request, names) if _EVERY_FACT not in read else None
    if values is not None:
        _shared_keep(asked, names, values, answered)
    return answered


def _shared_keep(
    asked: tuple[Any, ...], names: tuple[str, ...], values: tuple[str, ...], answered: _Answered
) -> None:
    global _shared_kept
    if _shared_kept >= app_settings.SHARED_ANSWERS:
        shared_answers_forget()  # bounded: the next requests answer afresh
    by_reads = _shared.setdefault(asked, {})
    by_values = by_reads.get(names)
    if by_values is None and len(by_reads) < _SHARED_READS_KEPT:
        by_values = by_reads[names] = {}
    if by_values is not None and values not in by_values:
        by_values[values] = answered
        _shared_kept += 1


def _values(request: HttpRequest, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """This visitor's values of the facts `names` (not counted as read), or None when one is
    not plain data. Each fact's value is worked out once per visitor."""
    visitor = request.visitor  # type: ignore[attr-defined]
    facts = visitor.facts
    known: dict[str, str | None] = visitor.memo.setdefault(_FACT_VALUES, {})
    found = []
    for name in names:
        if name == _SESSION:  # the session may change during the request
            value = _value(request, facts, name)
        else:
            if name not in known:
                known[name] = _value(request, facts, name)
            value = known[name]
        if value is None:
            return None
        found.append(value)
    return tuple(found)


def _value(request: HttpRequest, facts: Any, name: str) -> str | None:
    try:
        if name == CLOCK:
            return str(int(request.visitor.moment.timestamp()) // 60)  # type: ignore[attr-defined]
        if name != _SESSION:
            fact = facts.get(name)
            value = None if fact is None else fact.value
            if isinstance(value, datetime.datetime):
                # As the clock itself, a time read holds for its minute: the local time a
                # "between 18:00 and 22:00" rule tests, say.
                value = value.replace(second=0, microsecond=0)
            return _canonical(value)
        session = request.session
        accessed = session.accessed
        try:
            return _canonical(dict(session.items()))
        finally:
            session.accessed = accessed
    except Unfingerprintable:
        return None


def _fingerprint_or_none(name: str, answer: Any, key: Callable[[Any], Any] | None) -> str | None:
    try:
        shown = key(answer) if key is not None else answer
        # Nothing shown (a slot's exposure: its choice is fingerprinted beside it) is common.
        return _NOTHING if shown == () else fingerprint(shown)
    except Unfingerprintable:
        logger.warning("The decision %r gave an answer that is not plain data", name)
        return None


def fingerprint(value: Any) -> str:
    """A stable digest of plain data: equal data, equal digest, in any process."""
    return hashlib.blake2b(_canonical(value).encode(), digest_size=16).hexdigest()


# Plain values by their exact type: the common case, tested first (a page's answers hold
# hundreds of them); any other type is written the way found for it once (`_way_for`).
_SCALARS = frozenset({str, int, float, bool, type(None), decimal.Decimal})


def _canonical(value: Any) -> str:
    kind = type(value)
    if kind in _SCALARS:
        return f"{kind.__name__}:{value!r}"
    way = _ways.get(kind)
    if way is None:
        way = _ways[kind] = _way_for(kind)
    return way(value)


def _way_for(kind: type) -> Callable[[Any], str]:
    """How a value of `kind` is written: subclasses of plain values (lazy or safe strings,
    enums), moments, rows, containers and dataclasses, checked in this order."""
    if issubclass(kind, bool | int | float | str | decimal.Decimal):
        return lambda value: f"{type(value).__name__}:{value!r}"
    if issubclass(kind, datetime.date | datetime.time):
        return lambda value: f"{type(value).__name__}:{value.isoformat()}"
    if issubclass(kind, datetime.timedelta):
        return lambda value: f"timedelta:{value.total_seconds()!r}"
    if issubclass(kind, Promise):  # a lazy translation: the text in the active language
        return lambda value: f"str:{str(value)!r}"
    if issubclass(kind, models.Model):
        # Its content is under its snapshot's version (part of every key).
        return lambda value: f"row:{value._meta.label}:{value.pk!r}"
    if issubclass(kind, tuple | list):
        return lambda value: "[" + ",".join(map(_canonical, value)) + "]"
    if issubclass(kind, set | frozenset):
        return lambda value: "{" + ",".join(sorted(map(_canonical, value))) + "}"
    if issubclass(kind, dict):
        return lambda value: (
            "{"
            + ",".join(sorted(f"{_canonical(k)}={_canonical(v)}" for k, v in value.items()))
            + "}"
        )
    if dataclasses.is_dataclass(kind):  # an instance of one (a class itself is of `type`)
        names = tuple(field.name for field in dataclasses.fields(kind))
        label = kind.__qualname__
        return lambda value: (
            f"{label}(" + ",".join(f"{n}={_canonical(getattr(value, n))}" for n in names) + ")"
        )

    def refused(value: Any) -> str:
        raise Unfingerprintable(type(value).__qualname__)

    return refused


_ways: dict[type, Callable[[Any], str]] = {}
_NOTHING = fingerprint(())


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
    attributes = vars(request)
    answered: dict[Question, _Answered] = attributes.setdefault(_ANSWERS, {})
    # Asked one after the other, in the page's language: read once for all of them, not once
    # per shared answer (Django keeps it in an asgiref Local, 2 µs a read).
    attributes[_LANGUAGE] = translation.get_language()
    found = []
    try:
        for question in questions:
            if question not in answered:
                name, args = question
                decided = _registry.get(name)
                if decided is None:
                    return None
                try:
                    decided(request, *args)
                except Exception:
                    logger.warning("The decision %r failed to answer again", name, exc_info=True)
                    return None
            fingerprint = answered[question][1]
            if fingerprint is None:
                return None
            found.append(fingerprint)
    finally:
        attributes.pop(_LANGUAGE, None)
    return tuple(found)


# One generic decision: a page that shows a fact as it is ("Welcome, Aiko").
@decision("fact")
def fact_decided(request: HttpRequest, name: str) -> Any:
    """The visitor's fact `name`, as a decision: pages that show it differ by its value."""
    return request.visitor.get(name)  # type: ignore[attr-defined]
