from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from kernel.languages import text_in

from ..blocks import block_get
from ..decisions import decision, fact_decided
from ..experiments.events import record_exposure
from ..experiments.views import click_url
from ..facts import fact_display, fact_label, fact_spec, location_label
from ..preview import preview_overrides
from ..slots import decision_keep, slot_choose

register = template.Library()


@register.filter
def visitor_location(visitor) -> str:
    """{{ request.visitor|visitor_location }} → "Tokyo, Japan"."""
    return location_label(visitor)


@register.filter
def fact(visitor, name: str) -> str:
    """{{ request.visitor|fact:"device" }} → "phone", in the active language."""
    return fact_display(name, visitor.get(name))


@register.simple_tag
def visitor_place(request) -> str:
    """{% visitor_place request as place %}: "Tokyo, Japan", where the visitor is delivering to."""
    return place_decided(request) if hasattr(request, "visitor") else ""


@decision("place", shared=True)
def place_decided(request) -> str:
    return location_label(request.visitor)


@decision("consent-banner", shared=True)
def consent_banner_decided(request) -> bool:
    """Whether the page asks for consent: until the visitor chose, and never to a robot."""
    visitor = request.visitor
    return not visitor.get("consent_chosen") and not visitor.is_bot


@register.simple_tag
def consent_banner_due(request) -> bool:
    """{% consent_banner_due request as due %}"""
    return consent_banner_decided(request) if hasattr(request, "visitor") else False


def _slot_shown(decision) -> tuple:
    """What a slot's decision shows: the variant, and in the "why" panel its reasons and arm."""
    if decision is None:
        return ()
    return (
        decision.variant,
        decision.segment,
        tuple(str(reason) for reason in decision.reasons),
        getattr(decision.experiment, "key", None),
        getattr(decision.arm, "name", None),
    )


@decision("slot-choice", key=_slot_shown, shared=True)
def slot_choice_decided(request, key: str):
    """The slot's variant for the visitor and why: the same for every visitor with the same
    values of the facts it read."""
    return slot_choose(key, request.visitor)


def _shown_by_its_choice(_decision) -> tuple:
    # What a slot shows is its "slot-choice" answer, recorded with the page beside this one.
    return ()


@decision("slot", key=_shown_by_its_choice)
def slot_decided(request, key: str):
    """The slot's decision for the visitor, kept for the "why" panel; shown in a test, it is an
    exposure (also when the page comes from the decision cache: answering again records it)."""
    visitor = request.visitor
    decision = decision_keep(visitor, slot_choice_decided(request, key))
    # Most slots are in no test: asked first, before what the variant shows (six slots a page).
    if decision is None or decision.experiment is None or decision.variant is None:
        return decision
    if not decision.variant.block and not decision.variant.shows_nothing:
        # Nothing touches the database: buffered with the page's other exposures. (A block
        # counts only once it has something to show: `block_exposure_decided`.)
        record_exposure(request, visitor, decision.experiment.key)
    return decision


@decision("block-exposure")
def block_exposure_decided(request, experiment_key: str) -> bool:
    """A tested block that showed something: the exposure (a decision, so a page from the
    decision cache counts it too)."""
    record_exposure(request, request.visitor, experiment_key)
    return True


@register.simple_tag(takes_context=True)
def slot(context, key: str, oob: bool = False) -> str:
    """{% slot "home-hero" %}: the slot's variant for this visitor, with its "why" link."""
    request = context.get("request")
    if getattr(request, "visitor", None) is None:
        return ""
    decision = slot_decided(request, key)
    if decision is None or decision.variant is None or decision.variant.shows_nothing:
        return ""
    cta_href = decision.variant.cta_url
    if decision.experiment is not None:
        cta_href = click_url(decision.experiment.key, cta_href)
    if decision.variant.block:
        return _block_render(context, request, decision, oob=oob)
    return render_to_string(
        f"personalization/slots/{decision.slot.kind}.html",
        {
            "decision": decision,
            "variant": decision.variant,
            # The snapshot's variant has its text sanitized in every language: pick this one.
            "body_html": text_in(getattr(decision.variant, "bodies_html", {})),
            "slot": decision.slot,
            "oob": oob,
            # Through the click counter when the slot is tested and the link is on this site.
            "cta_href": cta_href,
        },
        request=request,
    )


def _block_render(context, request, decision, *, oob: bool = False) -> str:
    """A block's HTML in the slot's frame; nothing when the block is unknown or has nothing
    to show (no empty box, never an error page). Swapped out of band (after an htmx change of
    the basket), an empty block still answers, hidden, so that the stale one goes away."""
    block = block_get(decision.variant.block)
    if block is None:
        return ""
    experiment = decision.experiment

    def link(url: str) -> str:
        return click_url(experiment.key, url) if experiment is not None else url

    html = block.render(request=request, context=context.flatten(), link=link)
    if html and experiment is not None:
        # Shown: that is the exposure. A block with nothing to show was seen by nobody.
        block_exposure_decided(request, experiment.key)
    if not html and not oob:
        return ""
    return render_to_string(
        "personalization/slots/block.html",
        {"decision": decision, "slot": decision.slot, "block_html": html, "oob": oob},
        request=request,
    )


def profile_card_context(
    request, visitor, *, failed=None, error: str = "", rewarded: bool = False
) -> dict:
    """What the profile card shows: a question, a thank-you, or why we cannot ask."""
    from ..profiling import REWARD_KEY, answers_for, question_next

    language = visitor.get("language", "en")
    allowed = visitor.allows("personalization")
    question = failed or (
        question_next(request=request, visitor=visitor) if allowed and not rewarded else None
    )
    answered = bool(answers_for(request)) if allowed else False
    return {
        "request": request,
        "allowed": allowed,
        "question": question,
        "prompt": question.prompt_in(language) if question else "",
        "choices": question.choices_in(language) if question else [],
        "error": error,
        "thanks": allowed and answered and question is None,
        "reward": request.session.get(REWARD_KEY) if hasattr(request, "session") else None,
        "bot": visitor.is_bot,
    }


@register.inclusion_tag("personalization/partials/_profile_card.html", takes_context=True)
def profile_card(context) -> dict:
    """{% profile_card %}: one question at a time, or nothing to ask."""
    request = context.get("request")
    visitor = getattr(request, "visitor", None)
    if visitor is None:
        return {"card": None}
    return {"card": profile_card_decided(request)}


def _card_shown(card: dict) -> tuple:
    question = card["question"]
    return (
        card["allowed"],
        question,
        card["error"],
        card["thanks"],
        card["reward"],
        card["bot"],
        card["prompt"],
        card["choices"],
    )


@decision("profile-card", key=_card_shown)
def profile_card_decided(request) -> dict:
    """What the profile card shows this visitor (the question, thanks, the reward)."""
    return profile_card_context(request, request.visitor)


@register.simple_tag(takes_context=True)
def visitor_fact(context, name: str):
    """{% visitor_fact "answer.name" as name %}: a raw fact of this request's visitor (a page
    showing it differs by its value: see personalization/decisions.py)."""
    request = context.get("request")
    return fact_decided(request, name) if hasattr(request, "visitor") else None


# Facts the preview bar names already (the place, the area, the device) or that only make up
# the place.
_BAR_FACTS = {"country", "region", "city", "postal_code", "latitude", "longitude", "area",
              "device", "region_sets"}  # fmt: skip


@register.simple_tag(takes_context=True)
def preview_details(context) -> str:
    """The other facts a preview sets ("Local hour: 5 · Dog or cat?: Cat"), for the bar."""
    request = context.get("request")
    visitor = getattr(request, "visitor", None)
    overrides = preview_overrides(request) if request is not None else None
    if not overrides or visitor is None:
        return ""
    return " · ".join(
        f"{fact_label(name)}: {fact_display(name, visitor.get(name, value))}"
        for name, value in overrides.items()
        if name not in _BAR_FACTS and fact_spec(name) is not None
    )
