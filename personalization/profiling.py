"""Progressive profiling: one question at a time, answers kept only with consent.

Anonymous visitors' answers live in their session (server side, already loaded for the basket:
no extra query); signed-in shoppers' in `Answer` rows (one query per request). On sign-in the
session's answers move to the account, the newer answer winning.
"""

from __future__ import annotations

import datetime
import re
import time
import unicodedata
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kernel.snapshot import Snapshot

from .consent import consent_for_request
from .facts import CHOICE, DATE, LIST, NUMBER, TEXT, FactSpec, answer_fact, facts_registered
from .models import Answer, Question, QuestionKind
from .slots import content, segment_result
from .visitor import Visitor

if TYPE_CHECKING:
    from .middleware import StorefrontRequest

ANSWERS_KEY = "profile_answers"
# Where a listener to profile_answered leaves the reward it granted ({"code", "sentence"}),
# for the thank-you card.
REWARD_KEY = "profile_reward"
DISMISSED_KEY = "profile_dismissed"
TEXT_LIMIT = 50
UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

# Sent after an answer is stored, with `request` and `answers` (key → value). The shop listens
# to reward answers (shop.offers) without personalization knowing anything about offers.
profile_answered = Signal()
# Sent with `request` when a visitor erases their data, so that other apps (the shop, accounts)
# erase what they keep about them too.
data_erased = Signal()
# Sent with `request` for "Download my data"; each receiver returns a dict of what its app keeps
# about the visitor (the shop adds orders), merged into the file.
data_exported = Signal()


def erased_email(user_pk: int) -> str:
    """The address that replaces an erased account's e-mail everywhere a copy was kept."""
    return f"erased-{user_pk}@invalid.example"


class AnswerRefused(Exception):
    """An answer we cannot take, with the reason for the visitor."""


QUESTIONS = Snapshot(
    "questions",
    load=lambda: tuple(Question.objects.filter(is_active=True)),
    depends_on=("personalization.Question",),
)


def questions_cached() -> tuple[Question, ...]:
    return QUESTIONS.get()


_KINDS: dict[str, str] = {
    QuestionKind.SINGLE: CHOICE,
    QuestionKind.MULTIPLE: LIST,
    QuestionKind.TEXT: TEXT,
    QuestionKind.NUMBER: NUMBER,
    QuestionKind.DATE: DATE,
}
_answer_facts_held: tuple[tuple[Question, ...], list[FactSpec]] = ((), [])


def answer_facts() -> list[FactSpec]:
    """The fact each active question's answer becomes (`answer.pet`), from the questions
    snapshot; registered as a fact source in the app's ready()."""
    global _answer_facts_held
    questions = questions_cached()
    if _answer_facts_held[0] is not questions:
        specs = [
            answer_fact(
                q.key,
                _KINDS.get(q.kind, TEXT),
                _answer_choices(q) if q.choices else None,
                prompt=_answer_prompt(q),
            )
            for q in questions
        ]
        _answer_facts_held = (questions, specs)
    return _answer_facts_held[1]


def _answer_choices(question: Question):
    return lambda: question.choices_in(get_language() or "en")


def _answer_prompt(question: Question):
    # Read when shown: the prompt in the reader's language (modeltranslation falls back to
    # English).
    return lambda: str(question.prompt or "")


def questions_changed() -> None:
    QUESTIONS.bump()


def answers_for(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """key → {"value": …, "at": timestamp}, read once per request."""
    # Kept in the request's own attributes: it lives exactly as long as the request.
    cached = vars(request).get("_profile_answers")
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        answers = {
            a.key: {"value": a.value, "at": a.answered_at.timestamp()}
            for a in Answer.objects.filter(user=user)
        }
    elif hasattr(request, "session"):
        answers = dict(request.session.get(ANSWERS_KEY, {}))
    else:
        answers = {}
    vars(request)["_profile_answers"] = answers
    return answers


def answer_clean(question: Question, raw: list[str]) -> Any:
    """Validate an answer for its question's kind; raises AnswerRefused."""
    values = [value.strip() for value in raw if value is not None]
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        known = {c["value"] for c in question.choices}
        chosen = [value for value in values if value]
        if not chosen:
            raise AnswerRefused(_("Choose an answer."))
        if any(value not in known for value in chosen):
            raise AnswerRefused(_("That is not one of the choices."))
        return chosen[0] if question.kind == QuestionKind.SINGLE else sorted(set(chosen))
    value = values[0] if values else ""
    if not value:
        raise AnswerRefused(_("Type an answer, or choose “Not now”."))
    if question.kind == QuestionKind.NUMBER:
        if not re.fullmatch(r"\d{1,3}", value):
            raise AnswerRefused(_("Enter a whole number."))
        return int(value)
    if question.kind == QuestionKind.DATE:
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            raise AnswerRefused(_("Enter a date.")) from None
    if len(value) > TEXT_LIMIT:
        raise AnswerRefused(_("Please keep it to %(limit)d characters.") % {"limit": TEXT_LIMIT})
    # Control, format (right-to-left overrides, zero-width) and separator characters would let
    # an answer disguise itself when shown back; the ideographic space (U+3000) stays allowed.
    if any(unicodedata.category(char) in UNSAFE_CATEGORIES for char in value):
        raise AnswerRefused(_("Please use letters, numbers and punctuation only."))
    return value


def answer_store(*, request: HttpRequest, question: Question, raw: list[str]) -> Any:
    """Keep an answer (only with personalization consent) and tell listeners."""
    if not consent_for_request(request).allows("personalization"):
        raise AnswerRefused(_("We can only remember answers if you allow personalization."))
    value = answer_clean(question, raw)
    now = time.time()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        Answer.objects.update_or_create(
            user=user,
            key=question.key,
            defaults={"value": value, "answered_at": _moment(now)},
        )
    else:
        stored = dict(request.session.get(ANSWERS_KEY, {}))
        stored[question.key] = {"value": value, "at": now}
        request.session[ANSWERS_KEY] = stored
    vars(request)["_profile_answers"] = None
    answers = {key: entry["value"] for key, entry in answers_for(request).items()}
    profile_answered.send(sender=Question, request=request, answers=answers)
    return value


def answer_delete(*, request: HttpRequest, key: str) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        Answer.objects.filter(user=user, key=key).delete()
    stored = dict(request.session.get(ANSWERS_KEY, {}))
    stored.pop(key, None)
    request.session[ANSWERS_KEY] = stored
    vars(request)["_profile_answers"] = None


def answers_shown(request: HttpRequest, language: str) -> list[dict[str, Any]]:
    """Every stored answer as the shopper reads it: the question in their language and the
    answer's label ("Dog or cat?" — "Cat"), also for a question no longer asked (it can still be
    deleted), with the choices to change it."""
    questions = {q.key: q for q in questions_cached()}
    rows = []
    for key, entry in answers_for(request).items():
        question = questions.get(key)
        choices = question.choices_in(language) if question else []
        labels = dict(choices)
        value = entry["value"]
        shown = (
            ", ".join(str(labels.get(v, v)) for v in value)
            if isinstance(value, list)
            else str(labels.get(value, value))
        )
        rows.append(
            {"key": key, "question": question, "value": value, "shown": shown,
             "prompt": question.prompt_in(language) if question else key, "choices": choices}
        )  # fmt: skip
    return rows


def answers_forget(*, request: HttpRequest) -> None:
    """Delete every stored answer (consent withdrawn, or the visitor asked)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        Answer.objects.filter(user=user).delete()
    request.session.pop(ANSWERS_KEY, None)
    request.session.pop(DISMISSED_KEY, None)
    vars(request)["_profile_answers"] = None


@transaction.atomic
def answers_adopt(*, request: HttpRequest, user) -> None:
    """On sign-in, move the session's answers into the account; the newer answer wins."""
    stored = request.session.pop(ANSWERS_KEY, None) or {}
    existing = {a.key: a for a in Answer.objects.select_for_update().filter(user=user)}
    for key, entry in stored.items():
        current = existing.get(key)
        if current is None or current.answered_at.timestamp() < entry["at"]:
            Answer.objects.update_or_create(
                user=user,
                key=key,
                defaults={"value": entry["value"], "answered_at": _moment(entry["at"])},
            )
    vars(request)["_profile_answers"] = None


def question_dismiss(*, request: StorefrontRequest, key: str, forever: bool) -> None:
    """ "Not now" hides a question for this visit; "Don't ask again" for good."""
    dismissed = dict(request.session.get(DISMISSED_KEY, {}))
    dismissed[key] = "forever" if forever else f"visit:{request.visitor.get('visits') or 0}"
    request.session[DISMISSED_KEY] = dismissed


def _dismissed(request: StorefrontRequest, key: str) -> bool:
    mark = request.session.get(DISMISSED_KEY, {}).get(key)
    if mark is None:
        return False
    if mark == "forever":
        return True
    # "Not now" lasts for the visit it was said in (a new visit after 30 idle minutes).
    return mark == f"visit:{request.visitor.get('visits') or 0}"


def _impact(question: Question) -> int:
    """How much content depends on this answer: variants whose segments use the fact (counted
    when the content loads)."""
    return content().fact_uses.get(question.fact, 0)


def question_next(*, request: StorefrontRequest, visitor: Visitor) -> Question | None:
    """The question worth asking now: not answered or dismissed, allowed for this visitor,
    the one that changes the most content, the editor's order breaking ties."""
    answers = answers_for(request)
    candidates = []
    for question in questions_cached():
        if question.key in answers or _dismissed(request, question.key):
            continue
        if question.prerequisite_id is not None:
            prerequisite = next(
                (q for q in questions_cached() if q.pk == question.prerequisite_id), None
            )
            answer = answers.get(prerequisite.key) if prerequisite else None
            if answer is None:
                continue
            if question.prerequisite_value and not _answer_has(
                answer["value"], question.prerequisite_value
            ):
                continue
        if question.segment_id is not None:
            segment = content().segments.get(question.segment_id)
            if segment is None or segment_result(segment, visitor) is None:
                continue
        candidates.append((-_impact(question), question.position, question.pk, question))
    return min(candidates)[3] if candidates else None


def _answer_has(value: Any, wanted: str) -> bool:
    """Whether an answer is, or for several choices includes, a value."""
    if isinstance(value, list):
        return wanted in map(str, value)
    return str(value) == wanted


def profile_export(*, request: StorefrontRequest) -> dict[str, Any]:
    """Everything stored about the visitor, for "Download my data"."""
    visitor = request.visitor
    data: dict[str, Any] = {
        "answers": {key: entry["value"] for key, entry in answers_for(request).items()},
        "consent": list(visitor.get("consent", ())),
        # What the history cookie remembers about visits: the registered personal visit facts.
        "visits": {
            spec.name: visitor.get(spec.name)
            for spec in facts_registered()
            if spec.group == "visit" and spec.personal and visitor.source(spec.name) == "history"
        },
        # The tests the visitor takes part in (arm keys) and whether they are in the holdout.
        "experiments": {
            spec.name: visitor.get(spec.name)
            for spec in facts_registered()
            if spec.group == "experiments"
            and spec.shown
            and visitor.source(spec.name) == "experiment"
        },
    }
    for _receiver, extra in data_exported.send(sender=None, request=request):
        # Receivers answer a dict of their data or None (the stubs say str for any answer).
        data.update(cast("dict[str, Any] | None", extra) or {})
    return data


def _moment(stamp: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
