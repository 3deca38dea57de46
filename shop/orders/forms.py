from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Order


class OrderFindForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"), max_length=20, help_text=_("e.g. SF-ABCD2345")
    )
    email = forms.EmailField(label=_("E-mail used for the order"))

    # Whether an order was searched for (and so, if the form is invalid, not found).
    looked_up = False
    order: Order | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        number = data.get("number", "").strip().upper()
        email = data.get("email", "")
        if number and email:
            self.looked_up = True
            self.order = Order.objects.filter(number=number, email__iexact=email).first()
            if self.order is None:
                # One message for both cases, so the form does not reveal which orders exist.
                raise forms.ValidationError(
                    _("We found no order with this number and e-mail. Check both and try again.")
                )
        return data
