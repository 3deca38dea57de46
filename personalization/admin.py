from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from kernel.languages import language_codes, localized_name
from kernel.regions import country_choices_grouped, region_choices
from kernel.scheduling import STATE_LABELS, LocalTimesAdminMixin, ScheduleStateFilter

from . import views
from .blocks import block_choices
from .forms import ConditionForm, rule_sentence
from .models import Condition, Question, RegionSet, Segment, Slot, Variant
from .rules import segment_describe
from .services import variant_renditions_queue

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RegionSetForm(forms.ModelForm):
    """Pick a country and tick its regions; postal prefixes are typed as a list. No JSON."""

    country = forms.ChoiceField(label=_("Country"))
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty (and no prefixes) for the whole country."),
    )
    postal_prefixes = forms.CharField(
        label=_("Postal-code prefixes"),
        required=False,
        help_text=_("Separated by commas, e.g. 098, 099-12"),
    )

    class Meta:
        model = RegionSet
        fields = ("name", "slug", "country", "regions", "postal_prefixes", "is_rural", "is_active")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            ("", "—"),
            *country_choices_grouped(),
        ]
        cast(forms.ChoiceField, self.fields["regions"]).choices = region_choices()
        if self.instance.pk:
            self.initial["postal_prefixes"] = ", ".join(self.instance.postal_prefixes)

    def clean_postal_prefixes(self) -> list[str]:
        raw = self.cleaned_data.get("postal_prefixes") or ""
        return [part.strip() for part in re.split(r"[,\n]", raw) if part.strip()]


@admin.register(RegionSet)
class RegionSetAdmin(admin.ModelAdmin):
    form = RegionSetForm
    list_display = ("name", "country", "region_count", "is_rural", "is_active")
    list_filter = ("country", "is_rural", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description=_("regions"))
    def region_count(self, region_set: RegionSet) -> int:
        return len(region_set.regions)


class HtmxAdminMedia:
    """htmx in the admin (served by django-htmx) and the hook for rows added by "Add another"."""

    js = ("django_htmx/htmx-2.min.js", "js/admin_htmx_rows.js")


class RuleBuilderMedia:
    """The rule builder: htmx, checkbox lists that filter, and rows that stack on a phone."""

    js = ("django_htmx/htmx-2.min.js", "js/admin_htmx_rows.js", "js/admin_checklist.js")
    css = {"all": ("css/admin_rules.css",)}


class ConditionInline(admin.TabularInline):
    """A segment's conditions: whoever may not change the segment may not change these either,
    whatever path the post takes."""

    model = Condition
    form = ConditionForm
    extra = 1
    fields = ("fact", "operator", "value", "position")

    def _segment_changeable(self, request, obj) -> bool:
        return obj is None or not segment_locked_for(request.user, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._segment_changeable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and self._segment_changeable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._segment_changeable(request, obj)


# A segment's own parts (its conditions) are edited with it; every other model pointing at a
# segment uses it. Found through Segment's related objects, so that personalization never needs
# to know the apps (the shop's offers) that target segments.
SEGMENT_PARTS = {Condition}


def segment_users(segment: Segment) -> list[tuple[type[Model], list[Model]]]:
    """Each model that uses the segment, with the rows that do (models with none left out)."""
    found = []
    for relation in Segment._meta.related_objects:
        model = relation.related_model
        if model in SEGMENT_PARTS or relation.field is None:
            continue
        rows = list(model._default_manager.filter(**{relation.field.name: segment}))
        if rows:
            found.append((model, rows))
    return found


def segment_locked_for(user, segment: Segment) -> bool:
    """Whether the segment is used by something the user may not change: changing the segment
    would change who gets it (an editor widening a merchandiser's 30% offer)."""
    return bool(_blocking_users(user, segment))


def _blocking_users(user, segment: Segment) -> list[type[Model]]:
    return [
        model
        for model, _rows in segment_users(segment)
        if not user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
    ]


def _admin_link(row: Model) -> str:
    try:
        url = reverse(f"admin:{row._meta.app_label}_{row._meta.model_name}_change", args=[row.pk])
    except NoReverseMatch:
        return format_html("{}", row)
    return format_html('<a href="{}">{}</a>', url, row)


def segment_sentence(segment: Segment) -> str:
    """A saved segment's rule in one sentence ("Visitors in Hokkaido, on a phone")."""
    conditions = segment.conditions.all()
    return segment_describe(segment.match, [(c.fact, c.operator, c.value) for c in conditions])


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "rules", "is_active", "variant_count", "preview_link")
    list_filter = ("is_active", "match")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description", "match", "is_active", "used_by")
    readonly_fields = ("used_by",)
    inlines = [ConditionInline]
    Media = RuleBuilderMedia

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("conditions", "variants")

    def get_urls(self):
        sentence = self.admin_site.admin_view(self.sentence_view)
        return [
            path("sentence/", sentence, name="personalization_segment_sentence"),
            *super().get_urls(),
        ]

    def sentence_view(self, request):
        """The rule being edited, in one sentence (htmx, nothing saved)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        return views.segment_sentence(request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST":
            sentence = rule_sentence(request.POST)
        elif obj is not None:
            sentence = segment_sentence(obj)
        else:
            sentence = segment_describe("all", [])
        context["rule_sentence"] = sentence
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not segment_locked_for(request.user, obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not segment_locked_for(request.user, obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        segment = self.get_object(request, object_id)
        if request.method == "GET" and segment is not None:
            blocking = _blocking_users(request.user, segment)
            if blocking and super().has_change_permission(request, segment):
                names = ", ".join(str(model._meta.verbose_name_plural) for model in blocking)
                self.message_user(
                    request,
                    _(
                        "This segment is read-only for you: %(users)s use it, and changing it "
                        "would change who gets them. Only staff who may change %(users)s can "
                        "change this segment."
                    )
                    % {"users": names},
                    messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("used by"))
    def used_by(self, segment: Segment) -> StrOrPromise:
        if segment.pk is None:
            return "—"
        users = segment_users(segment)
        if not users:
            return _("Nothing uses this segment yet.")
        return format_html_join(
            "",
            "<div>{}: {}</div>",
            (
                (
                    str(model._meta.verbose_name_plural).capitalize(),
                    format_html_join(", ", "{}", ((_admin_link(row),) for row in rows)),
                )
                for model, rows in users
            ),
        )

    @admin.display(description=_("who"))
    def rules(self, segment: Segment) -> str:
        return segment_sentence(segment)

    @admin.display(description=_("variants"))
    def variant_count(self, segment: Segment) -> int:
        return len(segment.variants.all())

    @admin.display(description=_("preview"))
    def preview_link(self, segment: Segment) -> str:
        url = reverse("personalization:preview_segment", args=[segment.pk])
        return format_html('<a href="{}?next=/">{}</a>', url, _("Preview"))


class VariantOrderInline(admin.TabularInline):
    """A slot's variants in the order they are tried, with whether each is live now."""

    model = Variant
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("priority", "name", "block", "segment", "language", "starts_at", "ends_at", "state")
    readonly_fields = fields
    verbose_name_plural = _("variants, in the order they are tried")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("segment")
            # The default is what is left when no other variant applies: it is tried last.
            .order_by("is_default", "priority", "id")
        )

    @admin.display(description=_("state"))
    def state(self, variant: Variant) -> str:
        return _state_label(variant)


def _state_label(variant: Variant) -> str:
    label = STATE_LABELS[variant.status(timezone.now())]
    return f"{label} · {_('default')}" if variant.is_default else str(label)


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "kind", "live_variants")
    search_fields = ("name", "key")
    prepopulated_fields = {"key": ("name",)}
    inlines = [VariantOrderInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("variants")

    @admin.display(description=_("live variants"))
    def live_variants(self, slot: Slot) -> int:
        now = timezone.now()
        return sum(variant.status(now) == "live" for variant in slot.variants.all())


@admin.register(Variant)
class VariantAdmin(LocalTimesAdminMixin, TranslationAdmin):
    list_display = ("name", "slot", "priority", "segment", "language", "state", "preview_link")
    list_filter = (ScheduleStateFilter, "slot", "language", "segment")
    list_select_related = ("slot", "segment")
    search_fields = ("name", *get_translation_fields("headline"), *get_translation_fields("body"))
    ordering = ("slot", "is_default", "priority", "id")
    fieldsets = (
        (None, {"fields": ("slot", "name", "is_default", "is_active")}),
        (_("Content"), {"fields": ("block", "headline", "body", "image", "alt_text",
                                   "cta_label", "cta_url")}),
        (_("Who and when"), {"fields": ("segment", "priority", "language", "starts_at",
                                        "ends_at")}),
    )  # fmt: skip

    @admin.display(description=_("state"))
    def state(self, variant: Variant) -> str:
        return _state_label(variant)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "block":
            # The blocks the project registered (PERSONALIZATION_BLOCKS), read when the form
            # is built: personalization never imports the shop that provides them.
            return forms.ChoiceField(
                choices=block_choices, required=False, label=db_field.verbose_name,
                help_text=db_field.help_text,
            )  # fmt: skip
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("preview"))
    def preview_link(self, variant: Variant) -> str:
        if variant.segment_id is None:
            return format_html('<a href="/">{}</a>', _("Preview"))
        url = reverse("personalization:preview_segment", args=[variant.segment_id])
        return format_html('<a href="{}?next=/">{}</a>', url, _("Preview"))

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "image" in form.changed_data and obj.image:
            variant_renditions_queue(variant=obj)


class QuestionForm(forms.ModelForm):
    """Choices typed one per line: the value, then its label in each of `settings.LANGUAGES`
    (value | English | 日本語); only the first label is required."""

    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea({"rows": 5}),
        help_text=_("One per line: value | English | 日本語, e.g. cat | Cat | 猫"),
    )

    class Meta:
        model = Question
        # "prompt" becomes one field per language in the admin (prompt_en, prompt_ja).
        fields = ("key", "prompt", "kind", "choices_text", "position", "segment", "prerequisite",
                  "prerequisite_value", "is_active")  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        codes = language_codes()
        self.initial["choices_text"] = "\n".join(
            " | ".join(
                [c["value"], *(c.get(localized_name("label", code)) or "" for code in codes)]
            ).rstrip(" |")
            for c in self.instance.choices
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        choices = []
        for number, line in enumerate(data.get("choices_text", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or not re.fullmatch(r"[a-z0-9_]{1,30}", parts[0]) or not parts[1]:
                self.add_error(
                    "choices_text",
                    _("Line %(n)d: write value | English | 日本語 (value in lower case).")
                    % {"n": number},
                )
                continue
            labels = dict(zip(language_codes(), parts[1:], strict=False))
            choices.append(
                {"value": parts[0]}
                | {localized_name("label", code): text for code, text in labels.items()}
            )
        if data.get("kind") in ("single", "multiple") and not choices:
            self.add_error("choices_text", _("A choice question needs its choices."))
        self.instance.choices = choices
        return data


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    form = QuestionForm
    list_display = ("prompt", "key", "kind", "position", "segment", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = (*get_translation_fields("prompt"), "key")
