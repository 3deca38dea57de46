"""Staff accounts from `users.json`, with allauth e-mail addresses and groups.

The passwords in the file are only ever set when `settings.DEBUG` is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group

from shop.demo.rows import CREATED, UNCHANGED, UPDATED, Tally, records_read


@dataclass(frozen=True, kw_only=True)
class DemoUser:
    email: str
    password: str  # only ever used when settings.DEBUG is on
    first_name: str
    last_name: str
    is_superuser: bool = False
    group: str | None = None


def users_load(*, tally: Tally, name: str = "users") -> list[str]:
    """Load the staff accounts in `data/<name>.json`; return what to tell the operator about
    their passwords."""
    User = get_user_model()
    notes: list[str] = []
    for demo in records_read(name=name, record=DemoUser):
        user = User._default_manager.filter(email__iexact=demo.email).first()
        changed = False
        if user is None:
            user = User(
                email=demo.email,
                first_name=demo.first_name,
                last_name=demo.last_name,
                is_staff=True,
                is_superuser=demo.is_superuser,
            )
            # Well-known passwords are fine on a laptop and never acceptable on a server.
            if settings.DEBUG:
                user.set_password(demo.password)
            else:
                user.set_unusable_password()
            user.save()
            outcome = CREATED
        else:
            # Roles are restored, but an existing password is never touched: it may have
            # been changed on purpose.
            wanted = {"is_staff": True, "is_superuser": demo.is_superuser, "is_active": True}
            changed_fields = [
                name for name, value in wanted.items() if getattr(user, name) != value
            ]
            for name in changed_fields:
                setattr(user, name, wanted[name])
            if changed_fields:
                user.save(update_fields=changed_fields)
                changed = True
            outcome = UNCHANGED
        if demo.group:
            group, _created = Group.objects.get_or_create(name=demo.group)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
                changed = True
        changed |= _email_address_ensure(user=user, email=demo.email)
        if outcome == UNCHANGED and changed:
            outcome = UPDATED
        tally.add("Users", outcome)

        if not user.has_usable_password():
            notes.append(
                f"{demo.email}: no password set; run "
                f"`manage.py changepassword {demo.email}` before signing in."
            )
        elif outcome == CREATED:
            notes.append(f"{demo.email}: demo password “{demo.password}” (DEBUG only).")
        else:
            notes.append(f"{demo.email}: existing password kept.")
    return notes


def _email_address_ensure(*, user: AbstractBaseUser, email: str) -> bool:
    """Make `email` the user's verified, primary allauth address; return whether it changed.

    Without one the user could not sign in through allauth.
    """
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is not None and address.verified and address.primary:
        return False
    # Only one primary address per user: demote any other before promoting this one.
    EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
    if address is None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    else:
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    return True
