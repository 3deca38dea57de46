from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_ratelimit.core import get_usage

from .conf import app_settings
from .consent import consent_for_request, consent_state, consent_store
from .experiments.sticky import sticky_forget
from .facts import fact_display, fact_label, fact_spec
from .forms import ConditionForm, ConsentForm, EraseForm, PreviewForm, RegionForm
from .history import history_forget
from .identity import visitor_id_forget
from .models import Segment
from .preview import (
    PREVIEW_LINK_HOURS,
    SESSION_KEY,
    preview_from_token,
    preview_overrides,
    preview_start,
    preview_stop,
    preview_token,
    segment_example_facts,
)
from .profiling import (
    REWARD_KEY,
    AnswerRefused,
    answer_delete,
    answer_store,
    answers_for,
    answers_forget,
    data_erased,
    profile_export,
    question_dismiss,
    questions_cached,
)
from .resolvers.location import region_forget, region_store
from .resolvers.network import client_address
from .slots import content, slot_choose, slot_decisions
from .templatetags.personalization_tags import profile_card_context
from .visitor import resolve_visitor


def _why_shown(name: str, value) -> bool:
    """Whether /why/ lists a fact: as its registration says (bookkeeping and facts too precise
    to be useful to read are left out; unknown ones too, unless their absence explains
    something). A fact nobody registered is listed: the page hides nothing it cannot name."""
    spec = fact_spec(name)
    if spec is None:
        return value is not None
    return spec.shown and (value is not None or spec.shown_unknown)


def _back(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@never_cache
@vary_on_headers("Accept")
def why(request: HttpRequest) -> HttpResponse:
    """Every fact the site uses about the visitor, its value and where it came from."""
    visitor = request.visitor
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "facts": {
                    name: {"value": fact.value, "source": str(fact.source)}
                    for name, fact in visitor
                },
                "preview": visitor.is_preview,
            }
        )
    rows = [
        {
            "name": name,
            "label": fact_label(name),
            "value": fact_display(name, fact.value),
            "source": fact.source_description,
        }
        for name, fact in visitor
        if _why_shown(name, fact.value)
    ]
    language = visitor.get("language", "en")
    questions = {q.key: q for q in questions_cached()}
    # Every stored answer, also to a question no longer asked: it can still be deleted.
    answers = [
        {"key": key, "question": questions.get(key), "value": entry["value"],
         "prompt": questions[key].prompt_in(language) if key in questions else key,
         "choices": questions[key].choices_in(language) if key in questions else []}
        for key, entry in answers_for(request).items()
    ]  # fmt: skip
    return render(
        request,
        "personalization/why.html",
        {"rows": rows, "visitor": visitor, "decisions": slot_decisions(visitor),
         "answers": answers},
    )  # fmt: skip


def region(request: HttpRequest) -> HttpResponse:
    """The region picker: where we deliver to, which shapes prices, offers and content."""
    if request.method == "POST":
        form = RegionForm(request.POST)
        if form.is_valid():
            response = redirect(_back(request))
            place = form.cleaned_data["place"]
            if place:
                region_store(response, place=place, postal_code=form.cleaned_data["postal_code"])
                messages.success(request, _("Thanks, we will show what we deliver there."))
            else:
                region_forget(response)
                messages.info(request, _("We will work out where you are again."))
            return response
    else:
        visitor = request.visitor
        initial = visitor.region or visitor.country if visitor.source("country") == "chosen" else ""
        form = RegionForm(initial={"place": initial, "postal_code": visitor.get("postal_code", "")})
    return render(request, "personalization/region.html", {"form": form, "next": _back(request)})


def privacy(request: HttpRequest) -> HttpResponse:
    """Consent preferences: the same choices as the first-visit banner, changeable any time."""
    state = consent_for_request(request)
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            return _consent_saved(request, form.purposes())
    else:
        form = ConsentForm(
            initial={"personalization": state.allows("personalization"),
                     "analytics": state.allows("analytics")}
        )  # fmt: skip
    return render(request, "personalization/privacy.html", {"form": form, "state": state})


@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    """The banner's buttons: accept all, or essential only."""
    choice = request.POST.get("choice")
    purposes = {"personalization", "analytics"} if choice == "all" else set()
    return _consent_saved(request, purposes)


def _consent_saved(request: HttpRequest, purposes: set[str]) -> HttpResponse:
    if "personalization" not in purposes:
        # Withdrawing consent forgets what was remembered: visits and answers.
        answers_forget(request=request)
    if request.htmx:
        # The banner swaps itself out; the profile card, which depends on the choice, is
        # swapped out of band as it now is.
        request._consent_state = consent_state(request, purposes)
        request.visitor = resolve_visitor(request=request, overrides=preview_overrides(request))
        card = profile_card_context(request, request.visitor)
        card["oob"] = True
        response = render(request, "personalization/partials/_profile_card.html", {"card": card})
    else:
        response = redirect(_back(request))
        messages.success(request, _("Your privacy choice is saved."))
    consent_store(response, purposes=purposes)
    if "personalization" not in purposes:
        history_forget(response)
    return response


@staff_member_required
def preview(request: HttpRequest) -> HttpResponse:
    """Staff "view as": pretend to be another visitor in this browser only."""
    if request.method == "POST":
        if "stop" in request.POST:
            preview_stop(request)
            return redirect(_back(request))
        form = PreviewForm(request.POST)
        if form.is_valid():
            preview_start(request, form.facts())
            return redirect(_back(request))
    else:
        form = PreviewForm()
    return render(request, "personalization/preview.html", {"form": form, "next": _back(request)})


@vary_on_headers("HX-Request")
def why_slot(request: HttpRequest, key: str) -> HttpResponse:
    """One slot's decision explained: a popover with htmx, the /why/ page without."""
    decision = slot_choose(key, request.visitor)
    if decision is None:
        raise Http404
    if not request.htmx:
        return redirect(f"{reverse('personalization:why')}#slot-{key}")
    return render(request, "personalization/partials/_decision.html", {"decision": decision})


@staff_member_required
def condition_widget(request: HttpRequest) -> HttpResponse:
    """The value widgets that fit a fact, for a segment condition row in the admin (htmx)."""
    field_name = next((name for name in request.GET if name.endswith("-fact")), "")
    prefix = field_name.removesuffix("-fact")
    form = ConditionForm(prefix=prefix or None, initial={"fact": request.GET.get(field_name)})
    return render(request, "admin/personalization/_condition_value.html", {"form": form})


@staff_member_required
def preview_segment(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the site as a visitor who matches a segment."""
    segment = get_object_or_404(Segment.objects.prefetch_related("conditions"), pk=pk)
    preview_start(request, segment_example_facts(segment))
    messages.info(request, _("Previewing as a visitor in “%(name)s”.") % {"name": segment.name})
    return redirect(_back(request))


@staff_member_required
def preview_link(request: HttpRequest) -> HttpResponse:
    """A signed link to the current preview, for a colleague who is not staff."""
    facts = request.session.get(SESSION_KEY)
    if not facts:
        messages.error(request, _("Start a preview first."))
        return redirect("personalization:preview")
    url = request.build_absolute_uri(
        reverse("personalization:preview_open", args=[preview_token(facts)])
    )
    return render(
        request, "personalization/preview_link.html", {"url": url, "hours": PREVIEW_LINK_HOURS}
    )


def preview_open(request: HttpRequest, token: str) -> HttpResponse:
    """Open a shared preview link: anyone holding it sees the site as that visitor for a while."""
    facts = preview_from_token(token)
    if facts is None:
        messages.error(request, _("This preview link has expired or is not valid."))
        return redirect("/")
    preview_start(request, facts, shared=True)
    return redirect("/")


def _profile_answer_response(
    request: HttpRequest, *, question=None, error: str = "", status=200, rewarded=False
):
    """The card after an answer: the next question or a thank-you, and with htmx every slot on
    the page re-rendered out of band, since the answer may have changed what they show."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_back(request))
    visitor = resolve_visitor(request=request, overrides=preview_overrides(request))
    request.visitor = visitor  # facts now include the answer just given
    return render(
        request,
        "personalization/partials/_profile_answered.html",
        {
            "card": profile_card_context(
                request, visitor, failed=question, error=error, rewarded=rewarded
            ),
            "slot_keys": sorted(content().slots),
        },
        status=status,
    )


@require_POST
def profile_answer(request: HttpRequest) -> HttpResponse:
    """Answer the profile card's question (htmx or a plain form post)."""
    usage = get_usage(
        request,
        group="personalization.answers",
        key=lambda group, request: client_address(request),
        rate=app_settings.ANSWER_RATE,
        increment=True,
    )
    # When the shared cache cannot count (django-ratelimit then reports a limit of 0), answers
    # go ahead (fail open): the limit only spares us floods, it protects nothing secret.
    if usage is not None and usage["should_limit"] and usage["limit"] > 0:
        return _profile_answer_response(
            request, error=_("Too many answers at once. Please try again in a minute."), status=429
        )
    question = next((q for q in questions_cached() if q.key == request.POST.get("key")), None)
    if question is None:
        return _profile_answer_response(
            request, error=_("That question does not exist (any more)."), status=400
        )
    had_reward = REWARD_KEY in request.session
    try:
        answer_store(request=request, question=question, raw=request.POST.getlist("value"))
    except AnswerRefused as refused:
        return _profile_answer_response(request, question=question, error=str(refused), status=400)
    if not request.htmx:
        messages.success(request, _("Thank you!"))
    # A reward granted by this answer is shown at once, before the next question.
    rewarded = not had_reward and REWARD_KEY in request.session
    return _profile_answer_response(request, rewarded=rewarded)


@require_POST
def profile_dismiss(request: HttpRequest) -> HttpResponse:
    """ "Not now" or "Don't ask again"."""
    key = request.POST.get("key", "")
    if any(q.key == key for q in questions_cached()):
        question_dismiss(request=request, key=key, forever=request.POST.get("forever") == "1")
    return _profile_answer_response(request)


@require_POST
def profile_forget(request: HttpRequest) -> HttpResponse:
    """Delete one stored answer (from /why/ or the account page)."""
    answer_delete(request=request, key=request.POST.get("key", ""))
    messages.success(request, _("The answer was deleted."))
    return redirect(_back(request, reverse("personalization:why")))


@never_cache
def profile_export_view(request: HttpRequest) -> HttpResponse:
    """Download everything stored about the visitor as a JSON file."""
    data = profile_export(request=request)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="storefront-my-data.json"'
    return response


@never_cache
def erase(request: HttpRequest) -> HttpResponse:
    """Erase everything stored about the visitor, after a confirmation (and for an account,
    its password)."""
    form = EraseForm(request.POST if request.method == "POST" else None, user=request.user)
    if not form.is_valid():
        return render(request, "personalization/erase.html", {"form": form})
    data_erased.send(sender=None, request=request)
    answers_forget(request=request)
    if request.user.is_authenticated:
        logout(request)  # the account is closed: sign out and start a fresh session
    else:
        request.session.flush()  # rewards, codes, dismissals: nothing of the visit stays
    response = redirect("personalization:why")
    history_forget(response)
    region_forget(response)
    visitor_id_forget(response)
    sticky_forget(response)
    response.delete_cookie(app_settings.CONSENT_COOKIE, samesite="Lax")
    messages.success(request, _("Everything we stored about you was erased."))
    return response
