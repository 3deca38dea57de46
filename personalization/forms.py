from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kernel.regions import COUNTRIES, region_valid

from .models import Condition
from .rules import (
    BOOL,
    CHOICE,
    DATE,
    KIND_OPERATORS,
    LIST,
    NUMBER,
    OPERATOR_LABELS,
    TIME,
    Operator,
    condition_clean,
    fact_spec,
)


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


class EraseForm(forms.Form):
    """Confirm erasing: a signed-in shopper types their password again, so that a borrowed or
    stolen session cannot close the account; an anonymous visitor just confirms."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.is_authenticated:
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


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
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        choices=[("", "—"), ("urban", _("urban")), ("rural", _("rural"))],
    )
    utm_campaign = forms.CharField(label=_("Campaign"), required=False, max_length=50)
    signed_in = forms.TypedChoiceField(
        label=_("Signed in"), required=False, coerce=lambda v: v == "yes", empty_value=None,
        choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
    )  # fmt: skip
    has_ordered = forms.TypedChoiceField(
        label=_("Has ordered before"), required=False, coerce=lambda v: v == "yes",
        empty_value=None, choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
    )  # fmt: skip
    pet = forms.ChoiceField(
        label=_("Answer: pet"),
        required=False,
        choices=[("", "—"), ("dog", _("Dog")), ("cat", _("Cat")), ("small_pet", _("Small pet")),
                 ("bird", _("Bird")), ("fish", _("Fish"))],
    )  # fmt: skip
    name = forms.CharField(label=_("Answer: name"), required=False, max_length=50)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = place_choices()

    def facts(self) -> dict:
        data = dict(self.cleaned_data)
        data["answer.pet"] = data.pop("pet", "")
        data["answer.name"] = data.pop("name", "").strip()
        place = data.pop("place", "")
        if place:
            data["country"] = place.split("-")[0]
            data["region"] = place if "-" in place else None
        return data


FACT_GROUPS = (
    (_("Where"), ("country", "region", "region_sets", "area")),
    (_("Device and language"), ("device", "os", "browser", "language")),
    (_("When (visitor's local time)"), ("local_time", "local_hour", "weekday", "part_of_day",
                                        "season", "local_date")),
    (_("Visits"), ("visits", "referrer_host", "utm_campaign", "utm_source", "utm_medium")),
    (_("Account and privacy"), ("signed_in", "has_ordered", "consent")),
    (_("Answers"), ("answer.name", "answer.pet", "answer.pet_name", "answer.pet_age")),
)  # fmt: skip


def fact_choices() -> list:
    return [("", _("Choose a fact…"))] + [
        (group, [(name, str(fact_spec(name).label) if not name.startswith("answer.")
                  else _("Answer: %(key)s") % {"key": name.removeprefix("answer.")})
                 for name in names])
        for group, names in FACT_GROUPS
    ]  # fmt: skip


class RangeWidget(forms.MultiWidget):
    """One value, or two for "between": from and to."""

    template_name = "admin/personalization/range_widget.html"

    def __init__(self, widget_class: type[forms.Widget], attrs: dict | None = None) -> None:
        super().__init__([widget_class(attrs), widget_class(attrs)])

    def decompress(self, value):
        if isinstance(value, list | tuple):
            return [*value, None][:2]
        return [value, None]


class ConditionForm(forms.ModelForm):
    """One row of a segment: fact, operator, value. The value widget fits the fact (a list of
    countries, a time, a number…) and is swapped with htmx when the fact changes."""

    value = forms.Field(label=_("Value"), required=False)

    class Meta:
        model = Condition
        fields = ("fact", "operator", "position")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fact"] = forms.ChoiceField(
            label=_("Fact"),
            choices=fact_choices(),
            widget=forms.Select(
                {
                    "hx-get": reverse_lazy("personalization:condition_widget"),
                    "hx-trigger": "change",
                    "hx-target": "next .field-value",
                    "hx-swap": "innerHTML",
                }
            ),
        )
        fact = self._fact()
        spec = fact_spec(fact) if fact else None
        operators = KIND_OPERATORS[spec.kind] if spec else tuple(OPERATOR_LABELS)
        self.fields["operator"] = forms.ChoiceField(
            label=_("Operator"), choices=[(op, OPERATOR_LABELS[op]) for op in operators]
        )
        self.fields["value"].widget = self._widget(spec)
        if self.instance.pk and not self.is_bound:
            self.initial["value"] = self.instance.value

    def _fact(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("fact"), "")
        return self.initial.get("fact") or self.instance.fact or ""

    @staticmethod
    def _widget(spec) -> forms.Widget:
        if spec is None:
            return forms.TextInput()
        if spec.kind in (CHOICE, LIST) and spec.choices is not None:
            return forms.SelectMultiple(choices=spec.choices())
        if spec.kind == BOOL:
            return forms.Select(choices=[("true", _("yes")), ("false", _("no"))])
        if spec.kind == NUMBER:
            return RangeWidget(forms.NumberInput)
        if spec.kind == TIME:
            return RangeWidget(forms.TimeInput, {"type": "time"})
        if spec.kind == DATE:
            return RangeWidget(forms.DateInput, {"type": "date"})
        return forms.TextInput({"placeholder": _("several: separate with commas")})

    def _raw_values(self) -> list:
        widget = self.fields["value"].widget
        raw = widget.value_from_datadict(self.data, self.files, self.add_prefix("value"))
        values = raw if isinstance(raw, list) else [raw]
        values = [v for v in values if v not in (None, "")]
        if len(values) == 1 and isinstance(values[0], str) and "," in values[0]:
            values = [part.strip() for part in values[0].split(",") if part.strip()]
        return values

    def clean(self) -> dict:
        data = super().clean()
        fact, operator = data.get("fact"), data.get("operator")
        if not fact or not operator:
            return data
        values = self._raw_values()
        if operator == Operator.BETWEEN or operator in (Operator.IN, Operator.NOT_IN):
            raw = values
        else:
            raw = values[0] if values else ""
        try:
            # Also in cleaned_data: the admin writes cleaned_data onto the instance afterwards.
            data["value"] = self.instance.value = condition_clean(fact, operator, raw)
        except forms.ValidationError as error:
            self.add_error("value", error)
        return data
