from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import Product

from .services import MAX_LINE_QUANTITY


class BasketLineForm(forms.Form):
    product = forms.ModelChoiceField(
        queryset=Product.objects.active(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This product is no longer sold.")},
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=0,
        max_value=MAX_LINE_QUANTITY,
        initial=1,
        error_messages={
            "invalid": _("Enter a whole number."),
            "max_value": _("At most %(limit_value)s per product."),
            "min_value": _("The quantity cannot be negative."),
        },
    )
