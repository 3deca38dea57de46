from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import SEARCH_MAX_LENGTH, PetType, ProductQuerySet


class ProductFilterForm(forms.Form):
    """The listing's filters and sort order, read from the query string."""

    SORTS = {
        "name": ("name",),
        "price": ("price", "name"),
        "-price": ("-price", "name"),
        "newest": ("-created_at", "name"),
    }

    # Longer searches are cut, not refused (see clean_q).
    q = forms.CharField(label=_("Search"), required=False)
    pet = forms.ChoiceField(
        label=_("Pet"), required=False, choices=[("", _("All pets")), *PetType.choices]
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Relevance")),
            ("name", _("Name")),
            ("price", _("Price: low to high")),
            ("-price", _("Price: high to low")),
            ("newest", _("Newest")),
        ],
    )

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:SEARCH_MAX_LENGTH]

    def filter(self, products: ProductQuerySet) -> ProductQuerySet:
        # Invalid values are dropped one by one rather than refused: a listing always shows
        # something, and a bad sort does not lose the search.
        self.is_valid()
        data = self.cleaned_data
        query = (data.get("q") or "").strip()
        if query:
            products = products.search(query)
        if data.get("pet"):
            products = products.filter(pet_type=data["pet"])
        if data.get("in_stock"):
            products = products.in_stock()
        sort = data.get("sort") or ("" if query else "name")
        if sort:
            products = products.order_by(*self.SORTS[sort])
        return products

    def active_query_string(self) -> str:
        """The filters without the page number, for pagination links."""
        params = QueryDict(mutable=True)
        params.update(self.data)  # every value of a repeated parameter
        params.pop("page", None)
        return params.urlencode()
