from __future__ import annotations

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction

from personalization.profiling import erased_email

from .models import User


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Close an account and remove its personal data.

    The account's orders are the shop's records: the shop scrubs them when it hears
    `data_erased` (shop.orders.receivers), with the same placeholder address.
    """
    # Failed (and any logged) sign-ins name the e-mail tried; they go with the account.
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=user.email).delete()
    user.email = erased_email(user.pk)
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
