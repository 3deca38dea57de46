from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from personalization.profiling import answers_shown

from .forms import ProfileForm
from .models import User


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    orders = user.orders.all()[:5]
    vouchers = user.vouchers.usable(at=timezone.now())
    answers = answers_shown(request, get_language())
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "orders": orders, "vouchers": vouchers, "answers": answers},
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The page django-axes shows a locked-out sign-in (AXES_LOCKOUT_CALLABLE), in the shop's
    look, for the admin's login too."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
