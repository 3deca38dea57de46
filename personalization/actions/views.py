from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from .base import PLACES
from .choose import DISMISSALS, context_for, kinds_offered, state_forget
from .memory import action_dismiss
from .services import action_for, action_html, action_rate_limited

if TYPE_CHECKING:
    from ..middleware import StorefrontRequest


def _back(request: StorefrontRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
@vary_on_headers("HX-Request")
def dismiss(request: StorefrontRequest) -> HttpResponse:
    """ "Not now" or "Don't show this again" for one kind of action. Only a kind this visitor
    is offered here can be turned away: anything else gets a 400 and changes nothing."""
    if action_rate_limited(request, "personalization.actions.dismiss"):
        message = _("Too many requests at once. Please try again in a minute.")
        if request.htmx:
            return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        messages.error(request, message)
        return redirect(_back(request))
    place = request.POST.get("place", "")
    kind = request.POST.get("kind", "")
    if place not in PLACES or kind not in kinds_offered(
        request.visitor, context_for(request, place)
    ):
        message = _("That suggestion is no longer offered to you.")
        if request.htmx:
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, message)
        return redirect(_back(request))
    forever = request.POST.get("forever") == "1"
    action_dismiss(request=request, kind=kind, forever=forever, now=request.visitor.now)
    # Chosen again without the kind just turned away: the next best one, or nothing.
    request.visitor.memo.pop(("next-best-action", place), None)
    state_forget(request, DISMISSALS)
    if request.htmx:
        return HttpResponse(action_html(request, place))
    messages.success(
        request,
        _("We will not show this again.") if forever else _("Hidden for now."),
    )
    return redirect(_back(request))


@never_cache
@require_safe
@vary_on_headers("HX-Request")
def why(request: StorefrontRequest, place: str) -> HttpResponse:
    """Why this place shows its action: a popover with htmx, a page without."""
    if place not in PLACES:
        raise Http404
    if request.htmx and "close" in request.GET:
        return HttpResponse("")  # the popover's close button empties it
    context = {"action": action_for(request, place), "place": place}
    if request.htmx:
        return render(request, "personalization/actions/_why.html", {**context, "popover": True})
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return render(request, "personalization/actions/why.html", {**context, "back": back})
