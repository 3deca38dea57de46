"""Shoppers ask and read answers; agents answer from the inbox."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from personalization.middleware import StorefrontRequest
from shop.catalog.models import Product
from shop.orders.access import order_visible
from shop.orders.models import Order

from . import reports
from .access import conversation_remember, conversation_visible, is_agent, writing_limited
from .customer import customer_context, visitor_facts_capture
from .forms import AskForm, CsatForm, MessageForm, ReplyForm, SavedReplyChoiceForm
from .models import Conversation, ConversationStatus, SavedReply, Waiting
from .services import (
    ConversationClosed,
    LinkExpired,
    conversation_close,
    conversation_link_token,
    conversation_start,
    csat_record,
    link_token_read,
    message_add,
    replies_seen,
    reply_add,
    saved_reply_fill,
    shopper_zone,
    version_current,
)

INBOX_PAGE = 50


def _ask_subject(request: StorefrontRequest, data: Any) -> tuple[Order | None, Product | None]:
    """The order or product asked about, only if this shopper may see it."""
    order = product = None
    number = str(data.get("order", "")).strip().upper()[:20]
    if number:
        found = Order.objects.filter(number=number).first()
        if found is not None and order_visible(request, found):
            order = found
    slug = str(data.get("product", "")).strip()[:200]
    if slug:
        product = Product.objects.filter(slug=slug, is_active=True).first()
    return order, product


def _conversation_context(
    request: StorefrontRequest, conversation: Conversation, **extra: Any
) -> dict[str, Any]:
    signed = conversation_link_token(conversation)
    return {
        "conversation": conversation,
        "thread_messages": list(conversation.messages.select_related("author")),
        "link": reverse("support:conversation", args=[signed]),
        "poll": reverse("support:poll", args=[signed]),
        "rate": reverse("support:rate", args=[signed]),
        "form": extra.pop("form", None) or MessageForm(),
        "csat_form": CsatForm(),
        "poll_seconds": settings.SHOP_SUPPORT_POLL_SECONDS,
        **extra,
    }


def _visitor_zone(request: StorefrontRequest) -> str:
    return shopper_zone(user=request.user, visitor_zone=request.visitor.get("timezone"))


@vary_on_headers("HX-Request")
def ask(request: StorefrontRequest) -> HttpResponse:
    """The "Ask us" form (a fragment for htmx), and starting the conversation it sends."""
    signed_in = request.user.is_authenticated
    source = request.POST if request.method == "POST" else request.GET
    order, product = _ask_subject(request, source)
    initial = {"order": order.number if order else "", "product": product.slug if product else ""}
    if order is not None:
        initial["topic"] = "order"
    elif product is not None:
        initial["topic"] = "product"
    template = "support/partials/_ask.html" if request.htmx else "support/ask.html"
    if request.method != "POST":
        form = AskForm(initial=initial, signed_in=signed_in)
        return render(request, template, {"form": form, "order": order, "product": product})
    form = AskForm(request.POST, request.FILES, signed_in=signed_in)
    if writing_limited(request, starting=True):
        # The form comes back as typed: nothing the shopper wrote is lost.
        form.is_valid()
        context = {"form": form, "order": order, "product": product, "limited": True}
        return render(request, template, context, status=429)
    if not form.is_valid():
        context = {"form": form, "order": order, "product": product}
        return render(request, template, context, status=400 if request.htmx else 200)
    data = form.cleaned_data
    user = request.user if request.user.is_authenticated else None
    conversation = conversation_start(
        user=user,
        email=user.email if user else data["email"],
        name=(user.get_short_name() or user.get_full_name()) if user else data["name"],
        language=get_language() or "en",
        zone_name=_visitor_zone(request),
        topic=data["topic"],
        body=data["body"],
        order=order,
        product=product,
        attachment=data.get("attachment"),
        facts=visitor_facts_capture(request.visitor),
    )
    conversation_remember(request, conversation)
    if request.htmx:
        return render(
            request,
            "support/partials/_conversation.html",
            _conversation_context(request, conversation),
        )
    return redirect("support:conversation", conversation_link_token(conversation))


def _conversation_from_link(request: StorefrontRequest, signed: str) -> Conversation:
    try:
        token = link_token_read(signed)
        link_valid = token is not None
    except LinkExpired as expired:
        token, link_valid = expired.token, False
    if token is None:
        raise Http404
    conversation = get_object_or_404(Conversation.objects.select_related("order"), token=token)
    if not conversation_visible(request, conversation, link_valid=link_valid):
        raise LinkGone
    return conversation


class LinkGone(Http404):
    """Forged, expired or someone else's: the same answer to all three."""


@vary_on_headers("HX-Request")
def conversation_page(request: StorefrontRequest, signed: str) -> HttpResponse:
    """A conversation as its shopper sees it; writing again (htmx or a plain post)."""
    try:
        conversation = _conversation_from_link(request, signed)
    except LinkGone:
        return render(request, "support/expired.html", status=404)
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if writing_limited(request, starting=False):
            form.is_valid()
            status = 429
            form.add_error(
                None,
                _(
                    "You sent many messages in a short time. "
                    "Wait a few minutes and send this again."
                ),
            )
        elif form.is_valid():
            try:
                message_add(
                    conversation=conversation,
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data.get("attachment"),
                    facts=visitor_facts_capture(request.visitor),
                )
            except ConversationClosed:
                form.add_error(
                    None, _("This conversation is finished. Ask us again to start a new one.")
                )
                status = 400
            else:
                conversation_remember(request, conversation)
                if not request.htmx:
                    return redirect(request.path)
                conversation.refresh_from_db()
                form = MessageForm()
        else:
            status = 400
    if not is_agent(request):
        replies_seen(conversation=conversation)
    context = _conversation_context(request, conversation, form=form)
    template = (
        "support/partials/_conversation.html" if request.htmx else "support/conversation.html"
    )
    return render(
        request, template, context, status=status if request.htmx or status == 429 else 200
    )


def poll(request: StorefrontRequest, signed: str) -> HttpResponse:
    """The thread again only if it changed. Nothing changed: 204, no query (the version is
    in the cache). The link expired or the conversation is gone: 286 stops htmx polling."""
    try:
        token = link_token_read(signed)
    except LinkExpired:
        token = None
    current = version_current(token) if token else None
    if current is None:
        return render(request, "support/partials/_thread_stopped.html", status=286)
    if str(current) == request.GET.get("v"):
        return HttpResponse(status=204)
    conversation = get_object_or_404(Conversation, token=token)
    replies_seen(conversation=conversation)
    return render(
        request, "support/partials/_thread.html", _conversation_context(request, conversation)
    )


@require_POST
def rate(request: StorefrontRequest, signed: str) -> HttpResponse:
    """Was this helpful? Once per closed conversation."""
    try:
        conversation = _conversation_from_link(request, signed)
    except LinkGone:
        return render(request, "support/expired.html", status=404)
    form = CsatForm(request.POST)
    thanked = form.is_valid() and csat_record(
        conversation=conversation, score=form.cleaned_data["score"]
    )
    conversation.refresh_from_db()
    if not request.htmx:
        return redirect("support:conversation", signed)
    context = _conversation_context(request, conversation, thanked=thanked)
    return render(request, "support/partials/_conversation.html", context)


# Staff.


def agent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Agents only (the Support group): others get the 404 a stranger gets."""

    @wraps(view)
    def wrapped(request: StorefrontRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_agent(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


FILTERS = {
    "open": lambda: Q(status=ConversationStatus.OPEN),
    "us": lambda: Q(status=ConversationStatus.OPEN, waiting=Waiting.US),
    "shopper": lambda: Q(status=ConversationStatus.OPEN, waiting=Waiting.SHOPPER),
    "overdue": lambda: Q(
        status=ConversationStatus.OPEN, waiting=Waiting.US, due_at__lt=timezone.now()
    ),
    "mine": None,
    "closed": lambda: Q(status=ConversationStatus.CLOSED),
}


@agent_required
def inbox(request: StorefrontRequest) -> HttpResponse:
    """Conversations by filter, newest activity first (overdue: most overdue first)."""
    chosen = request.GET.get("filter", "us")
    if chosen not in FILTERS:
        chosen = "us"
    rows = Conversation.objects.select_related("assignee", "order")
    condition = FILTERS[chosen]
    if chosen == "mine":
        rows = rows.filter(status=ConversationStatus.OPEN, assignee_id=request.user.pk)
    elif condition is not None:
        rows = rows.filter(condition())
    rows = (
        rows.order_by("due_at", "pk")
        if chosen == "overdue"
        else rows.order_by("-updated_at", "-pk")
    )
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    start = (page - 1) * INBOX_PAGE
    # One row more than a page tells whether there is a next one, without counting them all.
    found = list(rows[start : start + INBOX_PAGE + 1])
    context = {
        "conversations": found[:INBOX_PAGE],
        "filter": chosen,
        "filters": [
            ("us", _("Waiting for us")),
            ("overdue", _("Overdue")),
            ("shopper", _("Waiting for the shopper")),
            ("open", _("Open")),
            ("mine", _("Mine")),
            ("closed", _("Closed")),
        ],
        "page": page,
        "has_next": len(found) > INBOX_PAGE,
        "now": timezone.now(),
    }
    return render(request, "support/inbox.html", context)


@agent_required
def inbox_conversation(request: StorefrontRequest, token: str) -> HttpResponse:
    """One conversation beside its customer; the reply form, with saved replies."""
    conversation = get_object_or_404(
        Conversation.objects.select_related("order", "product", "assignee", "user"), token=token
    )
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("support.change_conversation"):
            raise PermissionDenied
        if "close" in request.POST and not request.POST.get("body", "").strip():
            conversation_close(conversation=conversation)
            return redirect("support:inbox_conversation", token)
        form = ReplyForm(request.POST)
        if form.is_valid():
            reply_add(
                conversation=conversation,
                agent=request.user,  # type: ignore[arg-type]  # agent_required: signed in
                body=form.cleaned_data["body"],
                close=form.cleaned_data["close"],
            )
            return redirect("support:inbox_conversation", token)
        status = 400
    saved_form = SavedReplyChoiceForm(request.GET or None)
    if "saved" in request.GET and saved_form.is_valid():
        filled = saved_reply_fill(reply=saved_form.cleaned_data["saved"], conversation=conversation)
        if request.htmx:
            form = ReplyForm(initial={"body": filled})
            return render(
                request,
                "support/partials/_reply_form.html",
                {"form": form, "conversation": conversation},
            )
        form = ReplyForm(initial={"body": filled})
    context = {
        "conversation": conversation,
        "thread_messages": list(conversation.messages.select_related("author")),
        "form": form,
        "saved_form": saved_form if saved_form.is_bound else SavedReplyChoiceForm(),
        "has_saved": SavedReply.objects.exists(),
        "customer": customer_context(conversation),
        "now": timezone.now(),
        "can_reply": request.user.has_perm("support.change_conversation"),
    }
    return render(request, "support/inbox_conversation.html", context, status=status)


@agent_required
def report(request: StorefrontRequest) -> HttpResponse:
    return render(request, "support/report.html", reports.support_report())
