from __future__ import annotations

import re
import secrets
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from personalization.regions import COUNTRIES, country_choices, region_choices
from shop.money import money_format

from .payments import Card, luhn_valid
from .services import CheckoutDetails
from .shipping import SHIPPING_METHODS


def _price(amount: Decimal) -> str:
    return money_format(amount) if amount else gettext("free")


class CheckoutForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput({"autocomplete": "email"}))
    name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput({"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput({"autocomplete": "tel", "inputmode": "tel"}),
    )
    country = forms.ChoiceField(label=_("Country"), initial="JP")
    region = forms.ChoiceField(label=_("Prefecture, state or region"))
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=20,
        widget=forms.TextInput({"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("City"), max_length=100, widget=forms.TextInput({"autocomplete": "address-level2"})
    )
    address = forms.CharField(
        label=_("Street address"),
        max_length=300,
        widget=forms.TextInput({"autocomplete": "street-address"}),
    )
    shipping_method = forms.ChoiceField(
        label=_("Delivery"), widget=forms.RadioSelect, initial="standard"
    )
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput({"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    card_expiry = forms.CharField(
        label=_("Expiry (MM/YY)"),
        max_length=7,
        widget=forms.TextInput({"autocomplete": "cc-exp", "placeholder": "MM/YY"}),
    )
    card_cvc = forms.CharField(
        label=_("Security code"),
        max_length=4,
        widget=forms.TextInput({"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    expected_discount = forms.DecimalField(widget=forms.HiddenInput, required=False)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, shipping_prices: dict[str, Decimal] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        self.fields["region"].choices = [("", _("Choose…")), *region_choices()]
        self.shipping_prices_set(shipping_prices or {})
        if not self.is_bound:
            # A fresh token per form shown: submitting the same form twice places one order.
            self.initial.setdefault("token", secrets.token_urlsafe(24))

    def shipping_prices_set(self, prices: dict[str, Decimal]) -> None:
        """Label each delivery method with its price for this basket (and address)."""
        self.fields["shipping_method"].choices = [
            (
                code,
                f"{method.name}: {_price(prices.get(code, method.price))} — {method.description}",
            )
            for code, method in SHIPPING_METHODS.items()
        ]

    def clean_card_number(self) -> str:
        number = re.sub(r"[\s-]", "", self.cleaned_data["card_number"])
        if not luhn_valid(number):
            raise forms.ValidationError(_("This card number is not valid."))
        return number

    def clean_card_expiry(self) -> tuple[int, int]:
        match = re.fullmatch(
            r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", self.cleaned_data["card_expiry"]
        )
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError(_("Enter the expiry date as MM/YY."))
        month, year = int(match[1]), int(match[2])
        year = year + 2000 if year < 100 else year
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise forms.ValidationError(_("This card has expired."))
        return month, year

    def clean_card_cvc(self) -> str:
        cvc = self.cleaned_data["card_cvc"].strip()
        if not re.fullmatch(r"\d{3,4}", cvc):
            raise forms.ValidationError(_("The security code is the 3 or 4 digits on the card."))
        return cvc

    def clean(self) -> dict:
        data = super().clean()
        country = COUNTRIES.get(data.get("country", ""))
        region = data.get("region")
        if country and region and region not in country.regions:
            self.add_error(
                "region", _("Choose a region of %(country)s.") % {"country": country.name}
            )
        postal_code = data.get("postal_code")
        if country and postal_code:
            if country.postal_code_valid(postal_code):
                data["postal_code"] = country.postal_code_normalize(postal_code)
            else:
                self.add_error(
                    "postal_code",
                    _("Enter a postal code of %(country)s, like %(example)s.")
                    % {"country": country.name, "example": country.postal_example},
                )
        return data

    def details(self) -> CheckoutDetails:
        data = self.cleaned_data
        return CheckoutDetails(
            email=data["email"],
            name=data["name"],
            phone=data["phone"],
            country=data["country"],
            region=data["region"],
            postal_code=data["postal_code"],
            city=data["city"],
            address=data["address"],
            shipping_method=data["shipping_method"],
        )

    def card(self) -> Card:
        month, year = self.cleaned_data["card_expiry"]
        return Card(
            number=self.cleaned_data["card_number"],
            expiry_month=month,
            expiry_year=year,
            cvc=self.cleaned_data["card_cvc"],
        )
