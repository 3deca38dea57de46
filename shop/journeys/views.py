from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Contact, Message
from .services import (
    UNSUBSCRIBE_SALT,
    marketing_choice_set,
    marketing_unsubscribe,
    message_click,
    message_open,
)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated  # login_required
    shown = Message.objects.shown().filter(user=request.user)
    page = Paginator(shown, 20).get_page(request.GET.get("page"))
    contact = Contact.objects.filter(user=request.user).first()
    return render(
        request,
        "journeys/inbox.html",
        {
            "page": page,
            "unread": shown.filter(read_at=None).count(),
            "marketing_email": bool(contact and contact.marketing_email),
        },
    )


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assert request.user.is_authenticated  # login_required
    # Someone else's message is a 404, the same as one that does not exist.
    message = get_object_or_404(Message.objects.shown(), pk=pk, user=request.user)
    message_open(message=message)
    return render(request, "journeys/message_detail.html", {"message": message})


@login_required
def message_go(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a message's button (from the inbox or its e-mail): counted, then redirected."""
    assert request.user.is_authenticated  # login_required
    message = get_object_or_404(Message.objects.shown(), pk=pk, user=request.user)
    message_click(message=message)
    # Only links to this site are ever followed (the shop writes them; this is a second lock).
    local = url_has_allowed_host_and_scheme(message.url, allowed_hosts=None)
    return redirect(message.url if local else "journeys:inbox")


@login_required
@require_POST
def marketing_choice(request: HttpRequest) -> HttpResponse:
    allowed = request.POST.get("marketing_email") == "on"
    marketing_choice_set(user=request.user, allowed=allowed, language=get_language())
    flash.success(
        request,
        _("We will e-mail you tips and offers.")
        if allowed
        else _("We will not e-mail you tips and offers. Order e-mails still come."),
    )
    return redirect("journeys:inbox")


# A mail client's one-click POST (RFC 8058) carries no cookie and no CSRF token: the signed
# token in the address is what proves the request, and it can only ever switch e-mails off.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners must not unsubscribe anyone); POST unsubscribes, no login."""
    try:
        signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(request, "journeys/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        marketing_unsubscribe(token=token)
        return render(request, "journeys/unsubscribe.html", {"done": True})
    return render(request, "journeys/unsubscribe.html", {"token": token})
