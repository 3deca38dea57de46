"""What a signed-in shopper said about a kind of action: "not now" (until a moment) or "never".

Anonymous visitors' choices live in their session (memory.py); on sign-in they move here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionDismissal(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer account"),
        on_delete=models.CASCADE,
        related_name="action_dismissals",
    )
    kind = models.CharField(_("kind of action"), max_length=50)
    # Empty: "never"; else hidden until this moment ("not now").
    until = models.DateTimeField(_("hidden until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        verbose_name = _("dismissed action")
        verbose_name_plural = _("dismissed actions")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="action_dismissal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.until or 'never'})"
