from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kernel.regions import COUNTRIES, region_valid

from .facts import (
    ANSWER_PREFIX,
    BOOL,
    CHOICE,
    DATE,
    GROUPS,
    LIST,
    NUMBER,
    OPERATOR_LABELS,
    TIME,
    FactSpec,
    Operator,
    fact_spec,
    facts_registered,
)
from .models import Condition
from .rules import condition_clean


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
        cast(forms.ChoiceField, self.fields["place"]).choices = place_choices()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
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


def _preview_field(spec: FactSpec) -> forms.Field:
    """A form field that sets one fact in the preview, fitting its type."""
    label = spec.label
    if spec.kind == BOOL:
        return forms.TypedChoiceField(
            label=label, required=False, coerce=lambda v: v == "yes", empty_value=None,
            choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
        )  # fmt: skip
    if spec.kind == CHOICE and spec.choices is not None:
        return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *spec.choices()])
    if spec.kind == LIST and spec.choices is not None:
        return forms.MultipleChoiceField(label=label, required=False, choices=spec.choices())
    if spec.kind == NUMBER:
        return forms.IntegerField(
            label=label, required=False, min_value=spec.minimum, max_value=spec.maximum
        )
    if spec.kind == DATE:
        return forms.DateField(
            label=label, required=False, widget=forms.DateInput({"type": "date"})
        )
    if spec.kind == TIME:
        return forms.TimeField(
            label=label, required=False, widget=forms.TimeInput({"type": "time"})
        )
    return forms.CharField(label=label, required=False, max_length=50)


class PreviewForm(forms.Form):
    """What a staff member can pretend to be: every registered fact the preview may set, and the
    place (country and region in one list). Empty fields keep the real facts."""

    place = forms.ChoiceField(label=_("Place"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["place"]).choices = place_choices()
        self.field_facts: dict[str, str] = {}
        specs = [s for s in facts_registered() if s.preview and s.name not in PLACE_FACTS]
        names = {spec.name for spec in specs} | {"place"}
        for spec in specs:
            # An answer's field is named by its question's key (`pet`), unless that is taken.
            field_name = spec.name.removeprefix(ANSWER_PREFIX)
            if field_name in names and field_name != spec.name:
                field_name = spec.name.replace(".", "_")
            self.fields[field_name] = _preview_field(spec)
            self.field_facts[field_name] = spec.name

    def facts(self) -> dict:
        data: dict = {}
        for field_name, fact in self.field_facts.items():
            value = self.cleaned_data.get(field_name)
            if isinstance(value, str):
                value = value.strip()
            elif isinstance(value, datetime.date | datetime.time):
                value = value.isoformat()  # kept in the session as JSON
            data[fact] = value
        place = self.cleaned_data.get("place", "")
        if place:
            data["country"] = place.split("-")[0]
            data["region"] = place if "-" in place else None
        return data


# The place field sets these two.
PLACE_FACTS = ("country", "region")


def fact_choices(current: str = "") -> list:
    """Every fact rules may use, grouped; and a condition's current fact, if it is one no
    longer listed (an answer to a question since removed)."""
    specs = [spec for spec in facts_registered() if spec.rule_operators]
    listed = {spec.name for spec in specs}
    extra = fact_spec(current) if current and current not in listed else None
    if extra is not None and extra.rule_operators:
        specs.append(extra)
    return [("", _("Choose a fact…"))] + [
        (group_label, [(spec.name, str(spec.label)) for spec in specs if spec.group == group])
        for group, group_label in GROUPS.items()
        if any(spec.group == group for spec in specs)
    ]


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
        fact = self._fact()
        self.fields["fact"] = forms.ChoiceField(
            label=_("Fact"),
            choices=fact_choices(fact),
            widget=forms.Select(
                {
                    "hx-get": reverse_lazy("personalization:condition_widget"),
                    "hx-trigger": "change",
                    "hx-target": "next .field-value",
                    "hx-swap": "innerHTML",
                }
            ),
        )
        spec = fact_spec(fact) if fact else None
        operators = spec.rule_operators if spec and spec.rule_operators else tuple(OPERATOR_LABELS)
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

    def _raw_values(self) -> list[Any]:
        widget = self.fields["value"].widget
        raw = widget.value_from_datadict(self.data, self.files, self.add_prefix("value"))
        values = raw if isinstance(raw, list) else [raw]
        values = [v for v in values if v not in (None, "")]
        if len(values) == 1 and isinstance(values[0], str) and "," in values[0]:
            values = [part.strip() for part in values[0].split(",") if part.strip()]
        return values

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        fact, operator = data.get("fact"), data.get("operator")
        if not fact or not operator:
            return data
        values = self._raw_values()
        raw: list[Any] | str
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
