from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import ProfileForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    orders = request.user.orders.all()[:5]
    vouchers = request.user.vouchers.usable(at=timezone.now())
    answers = request.user.profile_answers.all()
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "orders": orders, "vouchers": vouchers, "answers": answers},
    )
