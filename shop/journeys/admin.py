"""Journeys in the admin: merchandisers build a journey and its steps on one page.

Placeholders are checked on save in every language, with the placeholders allowed named in the
message; switching a journey on records when, so earlier orders and baskets never start it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline
from modeltranslation.utils import get_translation_fields

from .models import Journey, Message, MessageState, Step
from .placeholders import PLACEHOLDER_LIST, placeholders_check
from .services import emails_retry

TEMPLATED = ("subject", "body", "cta")


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in TEMPLATED:
            for field in get_translation_fields(name):
                for problem in placeholders_check(data.get(field) or ""):
                    self.add_error(field, problem)
        return data


class StepInline(TranslationStackedInline):
    model = Step
    form = StepForm
    extra = 0
    ordering = ("position", "id")
    autocomplete_fields = ("segment",)
    fieldsets = (
        (None, {"fields": (("position", "kind"), ("anchor", "delay_days", "delay_hours"))}),
        (_("Conditions"), {"fields": ("segment", "only_without_new_order")}),
        (
            _("Message"),
            {
                "fields": ("subject", "body", ("link", "cta"), "send_email"),
                "description": format_lazy(
                    _("Placeholders you may use: {names}."), names=PLACEHOLDER_LIST
                ),
            },
        ),
    )


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ("name", "trigger", "active", "holdout_percent", "runs", "held_out", "sent")
    list_filter = ("active", "trigger")
    prepopulated_fields = {"key": ("name",)}
    readonly_fields = ("active_since",)
    fields = ("name", "key", "trigger", "active", "active_since", "holdout_percent", "experiment")
    inlines = [StepInline]
    actions = ["activate", "deactivate"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                run_count=Count("runs", distinct=True),
                holdout_count=Count("runs", filter=Q(runs__holdout=True), distinct=True),
                sent_count=Count(
                    "runs__messages",
                    filter=Q(runs__messages__state=MessageState.SENT),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("runs"), ordering="run_count")
    def runs(self, journey: Journey) -> int:
        return journey.run_count  # type: ignore[attr-defined]  # annotated above

    @admin.display(description=_("held out"))
    def held_out(self, journey: Journey) -> int:
        return journey.holdout_count  # type: ignore[attr-defined]  # annotated above

    @admin.display(description=_("messages sent"))
    def sent(self, journey: Journey) -> int:
        return journey.sent_count  # type: ignore[attr-defined]  # annotated above

    def save_model(self, request, obj: Journey, form, change) -> None:
        if obj.active and obj.active_since is None:
            obj.active_since = timezone.now()
        if not obj.active:
            obj.active_since = None
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Switch the selected journeys on"), permissions=["change"])
    def activate(self, request, queryset) -> None:
        count = queryset.filter(active=False).update(active=True, active_since=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d journey switched on.", "%(count)d journeys switched on.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Switch the selected journeys off"), permissions=["change"])
    def deactivate(self, request, queryset) -> None:
        count = queryset.filter(active=True).update(active=False, active_since=None)
        self.message_user(
            request,
            ngettext("%(count)d journey switched off.", "%(count)d journeys switched off.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """What was sent to whom, read-only; failed e-mails can be tried again."""

    list_display = ("subject", "step", "state", "due_at", "sent_at", "email_state", "read_at")
    list_filter = ("state", "email_state", "kind", "step__journey")
    date_hierarchy = "due_at"
    list_select_related = ("step", "step__journey")
    actions = ["retry_emails"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Message._meta.fields]

    @admin.action(description=_("Send their e-mails again"), permissions=["retry"])
    def retry_emails(self, request, queryset) -> None:
        count = emails_retry(messages=queryset.values("pk"))
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again.",
                "%(count)d e-mails will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("journeys.view_message") and request.user.has_perm(
            "journeys.change_journey"
        )
