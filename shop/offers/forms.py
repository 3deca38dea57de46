"""The offer form merchandisers fill in: pickers instead of JSON, and only the fields an offer's
kind and scope use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kernel.regions import country_choices_grouped, region_choices
from personalization.models import RegionSet
from shop.catalog.models import PetType

from .models import Offer, OfferKind, OfferScope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# When a field matters: the control it depends on and the values of that control that make it
# matter (a ticked box reads "on"). The form ignores a field that does not matter, storing its
# default instead, and offer_form.js hides its row; both read this one table.
SHOWN_WHEN: dict[str, tuple[str, frozenset[str]]] = {
    "value": ("kind", frozenset({OfferKind.PERCENT, OfferKind.FIXED})),
    "buy_quantity": ("kind", frozenset({OfferKind.BUY_X_GET_Y})),
    "get_quantity": ("kind", frozenset({OfferKind.BUY_X_GET_Y})),
    "categories": ("scope", frozenset({OfferScope.CATEGORIES})),
    "products": ("scope", frozenset({OfferScope.PRODUCTS})),
    "store": ("store_only", frozenset({"on"})),
}

# A scope with nothing chosen would cover no product at all.
SCOPE_NEEDS: dict[str, tuple[str, StrOrPromise]] = {
    OfferScope.CATEGORIES: ("categories", _("Choose the categories the offer applies to.")),
    OfferScope.PRODUCTS: ("products", _("Choose the products the offer applies to.")),
    OfferScope.PET_TYPES: ("pet_types", _("Choose the pet types the offer applies to.")),
}

REGION_SET_PREFIX = "set:"


def _control_value(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value) if value is not None else ""


def field_applies(name: str, data: dict[str, Any]) -> bool:
    """Whether a field is used by an offer whose controls (kind, scope, ...) hold `data`."""
    if name not in SHOWN_WHEN:
        return True
    control, values = SHOWN_WHEN[name]
    return _control_value(data.get(control)) in values


class RegionPicker(forms.CheckboxSelectMultiple):
    """Region sets and regions as grouped boxes to tick in a scrolling box; offer_form.js adds a
    search box that filters them and the chosen ones as removable chips."""

    template_name = "admin/offers/widgets/region_picker.html"

    def render(self, name, value, attrs=None, renderer=None):
        # Rendered with the project's templates: the default form renderer looks only in
        # Django's and the apps' template folders.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class OfferForm(forms.ModelForm):
    """Countries from a picker, region sets and regions from one searchable picker, pet types as
    boxes to tick: no JSON to type. Fields the kind and scope do not use are ignored."""

    countries = forms.MultipleChoiceField(
        label=_("Countries"), required=False, help_text=_("Empty: every country.")
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        widget=RegionPicker,
        help_text=_("Region sets and regions. Empty: every region."),
    )
    pet_types = forms.MultipleChoiceField(
        label=_("Pet types"),
        required=False,
        choices=PetType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Offer
        exclude = ("times_used", "region_sets")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["countries"]).choices = country_choices_grouped()
        region_sets = list(RegionSet.objects.order_by("name"))
        self._region_sets = {region_set.slug: region_set for region_set in region_sets}
        cast(forms.ChoiceField, self.fields["regions"]).choices = [
            (_("Region sets"), [(f"{REGION_SET_PREFIX}{s.slug}", s.name) for s in region_sets]),
            *region_choices(),
        ]
        if self.instance.pk:
            chosen = [f"{REGION_SET_PREFIX}{s.slug}" for s in self.instance.region_sets.all()]
            self.initial["regions"] = [*chosen, *self.instance.regions]
        for name, (control, values) in SHOWN_WHEN.items():
            if name in self.fields:
                widget = self.fields[name].widget
                # The admin wraps related fields' widgets ("add another" links): mark the inner one.
                widget = cast(forms.Widget, getattr(widget, "widget", widget))
                widget.attrs["data-shown-when"] = f"{control}:{' '.join(sorted(values))}"
        self.chosen_region_sets: list[RegionSet] = []

    def clean_regions(self) -> list[str]:
        """Region codes for `Offer.regions`; the region sets picked with them are kept aside."""
        picked = self.cleaned_data["regions"]
        self.chosen_region_sets = [
            self._region_sets[value.removeprefix(REGION_SET_PREFIX)]
            for value in picked
            if value.startswith(REGION_SET_PREFIX)
        ]
        return [value for value in picked if not value.startswith(REGION_SET_PREFIX)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name in SHOWN_WHEN:
            if name in self.fields and not field_applies(name, cleaned):
                # Whatever was typed there (even nonsense) is not used: store the default.
                self.errors.pop(name, None)
                cleaned[name] = self.default_of(name)
        need = SCOPE_NEEDS.get(str(cleaned.get("scope")))
        if need and need[0] in self.fields and not cleaned.get(need[0]):
            self.add_error(need[0], need[1])
        return cleaned

    def default_of(self, name: str) -> Any:
        """What a field that does not apply stores: the model's default, or nothing chosen."""
        field = Offer._meta.get_field(name)
        if field.many_to_many or not isinstance(field, models.Field):
            return []
        return field.get_default()

    def _save_m2m(self) -> None:
        # Django's hook behind save() and the admin's save_m2m(), absent from django-stubs.
        super()._save_m2m()  # type: ignore[misc]
        self.instance.region_sets.set(self.chosen_region_sets)
