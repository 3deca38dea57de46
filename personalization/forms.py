from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .regions import COUNTRIES, region_valid


def place_choices() -> list:
    """Countries, each with a "whole country" choice and its regions, for one <select>."""
    choices: list = [("", _("Work it out for me"))]
    for code, country in COUNTRIES.items():
        whole = (code, _("All of %(country)s") % {"country": country.name})
        choices.append((country.name, [whole, *country.regions.items()]))
    return choices


class RegionForm(forms.Form):
    place = forms.ChoiceField(label=_("Deliver to"), required=False)
    postal_code = forms.CharField(
        label=_("Postal code (optional)"),
        required=False,
        max_length=12,
        widget=forms.TextInput({"autocomplete": "postal-code"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = place_choices()

    def clean(self) -> dict:
        data = super().clean()
        place = data.get("place", "")
        postal_code = data.get("postal_code", "").strip()
        if postal_code:
            country = COUNTRIES.get(place.split("-")[0])
            if country is None:
                self.add_error("postal_code", _("Choose a country for the postal code."))
            elif not country.postal_code_valid(postal_code):
                self.add_error(
                    "postal_code",
                    _("Enter a postal code of %(country)s, like %(example)s.")
                    % {"country": country.name, "example": country.postal_example},
                )
            else:
                data["postal_code"] = country.postal_code_normalize(postal_code)
        if place and place not in COUNTRIES and not region_valid(place):
            self.add_error("place", _("Choose a place from the list."))
        return data


class ConsentForm(forms.Form):
    personalization = forms.BooleanField(
        label=_("Personalization"),
        required=False,
        help_text=_(
            "Remember your visits and answers on this device so that pages can fit you better."
        ),
    )
    analytics = forms.BooleanField(
        label=_("Analytics"),
        required=False,
        help_text=_("Count which content is shown and works, without identifying you."),
    )

    def purposes(self) -> set[str]:
        return {name for name in ("personalization", "analytics") if self.cleaned_data.get(name)}


class PreviewForm(forms.Form):
    """What a staff member can pretend to be; empty fields keep the real facts."""

    place = forms.ChoiceField(label=_("Place"), required=False)
    device = forms.ChoiceField(
        label=_("Device"),
        required=False,
        choices=[("", "—"), ("mobile", _("Phone")), ("tablet", _("Tablet")),
                 ("desktop", _("Desktop")), ("bot", _("Search engine"))],
    )  # fmt: skip
    local_hour = forms.IntegerField(
        label=_("Local hour"), required=False, min_value=0, max_value=23
    )
    season = forms.ChoiceField(
        label=_("Season"),
        required=False,
        choices=[("", "—"), ("spring", _("Spring")), ("summer", _("Summer")),
                 ("autumn", _("Autumn")), ("winter", _("Winter"))],
    )  # fmt: skip
    visits = forms.IntegerField(label=_("Visit number"), required=False, min_value=1, max_value=999)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = place_choices()

    def facts(self) -> dict:
        data = dict(self.cleaned_data)
        place = data.pop("place", "")
        if place:
            data["country"] = place.split("-")[0]
            data["region"] = place if "-" in place else None
        return data
