from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import RegionSet
from .regions import COUNTRIES, iso_countries, region_choices


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
        shop_countries = [(code, country.name) for code, country in COUNTRIES.items()]
        others = sorted(
            (code, name) for code, name in iso_countries().items() if code not in COUNTRIES
        )
        self.fields["country"].choices = [
            ("", "—"),
            (_("Countries we deliver to"), shop_countries),
            (_("Other countries"), others),
        ]
        self.fields["regions"].choices = region_choices()
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
