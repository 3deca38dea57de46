from __future__ import annotations

from django.db import transaction

from .models import User


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Close an account and remove its personal data.

    Orders stay (the law requires the shop to keep what was sold, for how much, when and where
    it was delivered) but lose their link to the account and the phone number; the e-mail
    address in them is replaced.
    """
    erased_email = f"erased-{user.pk}@invalid.example"
    user.orders.update(user=None, phone="", email=erased_email)
    user.email = erased_email
    user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.emailaddress_set.all().delete()
