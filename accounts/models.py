from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager["User"]):
    """Create users by e-mail: the shop has no usernames.

    create_user and create_superuser take the e-mail where Django's take the username
    (`manage.py createsuperuser` passes it by name, so both work with it).
    """

    use_in_migrations = True

    def _create_user_by_email(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]  # e-mail in place of the username, see above
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user_by_email(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]  # e-mail in place of the username
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user_by_email(email, password, **extra_fields)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    # Setting an inherited field to None removes it (Django's documented way); the stubs type
    # `username` as a field of AbstractUser and cannot express its removal.
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        choices=time_zone_choices,
        help_text=_(
            "Staff read and enter dates in the admin in this time zone. Empty: the shop's."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone this person works in: their own setting, else the shop's, never a
        guess from their browser or address (an en-US browser in Tokyo is still in Tokyo)."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
