from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kernel.money import money_format
from kernel.regions import COUNTRIES, country_choices, region_choices
from shop.basket.models import Basket
from shop.offers.shipping import SHIPPING_METHODS

from .services import (
    CheckoutDetails,
    checkout_expired_message,
    checkout_token_key,
    checkout_token_new,
)


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
    token = forms.CharField(widget=forms.HiddenInput, max_length=300)
    expected_discount = forms.DecimalField(widget=forms.HiddenInput, required=False)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        basket: Basket,
        shipping_prices: dict[str, Decimal] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.basket = basket
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices()
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", _("Choose…")),
            *region_choices(),
        ]
        self.shipping_prices_set(shipping_prices or {})
        if not self.is_bound:
            # A fresh token per form shown: submitting the same form twice places one order.
            self.initial.setdefault("token", checkout_token_new(basket=basket))

    def shipping_prices_set(self, prices: dict[str, Decimal]) -> None:
        """Label each delivery method with its price for this basket (and address)."""
        cast(forms.ChoiceField, self.fields["shipping_method"]).choices = [
            (
                code,
                f"{method.name}: {_price(prices.get(code, method.price))} — {method.description}",
            )
            for code, method in SHIPPING_METHODS.items()
        ]

    def token_renew(self) -> None:
        """Give the page shown again a new token: its next submit is a new attempt."""
        self._data_set(token=checkout_token_new(basket=self.basket))

    def expected_set(self, *, discount: Decimal, total: Decimal) -> None:
        """Carry the totals the shopper sees now: placement refuses if the basket's differ."""
        self.fields["expected_discount"].initial = discount
        self.fields["expected_total"].initial = total
        if self.is_bound:
            self._data_set(expected_discount=str(discount), expected_total=str(total))

    def _data_set(self, **values: str) -> None:
        # The submitted data is the request's immutable QueryDict: change a copy.
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        for key, value in values.items():
            data[key] = value  # replaces; QueryDict.update would append
        self.data = data

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        key = checkout_token_key(token=data.get("token", ""), basket=self.basket)
        if key is None:
            # Tampered, too old, or made for another basket (another shopper's page replayed).
            self.add_error(None, checkout_expired_message())
        data["idempotency_key"] = key
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
