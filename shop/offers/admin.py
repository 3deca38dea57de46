from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from kernel.money import money_format
from kernel.scheduling import STATE_LABELS, LocalTimesAdminMixin, ScheduleStateFilter
from personalization.forms import place_choices
from personalization.visitor import resolve_visitor
from shop.catalog.models import Product

from .applicator import basket_price, pricing_context
from .forms import OfferForm
from .models import Offer, OrderDiscount, PersonalVoucher
from .preview import offer_compile, offer_preview, preview_samples

# The fields the price preview reads: while one of them has an error, it says which instead.
PRICED_FIELDS = ("kind", "value", "buy_quantity", "get_quantity", "scope", "categories",
                 "products", "pet_types", "min_subtotal", "priority", "exclusive")  # fmt: skip

# The kernel's schedule states, and the one only offers have (their usage limit is reached).
OFFER_STATE_LABELS = {**STATE_LABELS, "used up": _("used up")}


@admin.register(Offer)
class OfferAdmin(LocalTimesAdminMixin, TranslationAdmin):
    form = OfferForm
    list_display = ("name", "kind", "value", "code", "state", "uses", "priority", "is_active")
    list_filter = (ScheduleStateFilter, "kind", "scope", "exclusive", "area")
    search_fields = (*get_translation_fields("name"), "code")
    # Stacked: beside the price preview, the form is too narrow for the two boxes side by side.
    filter_vertical = ("categories", "products")
    autocomplete_fields = ()
    readonly_fields = ("times_used",)
    change_list_template = "admin/offers/offer/change_list.html"
    fieldsets = (
        (None, {"fields": ("name", "kind", "value", "buy_quantity", "get_quantity",
                           "is_active")}),
        (_("Applies to"), {"fields": ("scope", "categories", "products", "pet_types",
                                      "min_subtotal")}),
        (_("Who gets it"), {"fields": ("countries", "regions", "area", "segment",
                                       "signed_in_only", "first_order_only")}),
        (_("When and how often"), {
            "fields": ("starts_at", "ends_at", "priority", "exclusive", "code", "store_only",
                       "store", "usage_limit", "per_customer_limit", "times_used"),
        }),
    )  # fmt: skip

    @admin.display(description=_("state"))
    def state(self, offer: Offer) -> str:
        return str(OFFER_STATE_LABELS[offer.status(timezone.now())])

    @admin.display(description=_("uses"), ordering="times_used")
    def uses(self, offer: Offer) -> str:
        if offer.usage_limit is None:
            return str(offer.times_used)
        return f"{offer.times_used} / {offer.usage_limit}"

    class Media:
        # htmx (served by django-htmx) for the price preview beside the form.
        js = ("django_htmx/htmx-2.min.js", "js/offer_form.js")
        css = {"all": ("css/admin_offer_form.css",)}

    def get_urls(self):
        preview = self.admin_site.admin_view(self.price_preview)
        form_preview = self.admin_site.admin_view(self.form_preview)
        return [
            path("preview/", preview, name="offers_offer_preview"),
            path("form-preview/", form_preview, name="offers_offer_form_preview"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.has_change_permission(request):
            url = reverse("admin:offers_offer_form_preview")
            context["form_preview_url"] = f"{url}?offer={obj.pk}" if obj is not None else url
        return super().render_change_form(request, context, add, change, form_url, obj)

    def form_preview(self, request):
        """What the offer as filled in does to sample prices: compiled from the posted form,
        priced by the shop's pricing code, never saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        offer = None
        if request.GET.get("offer"):
            offer = self.get_object(request, request.GET["offer"])
        if not self.has_change_permission(request, offer):
            raise PermissionDenied
        form = self.get_form(request, offer, change=offer is not None)(request.POST, instance=offer)
        form.is_valid()  # validation only: nothing is saved
        problems = [
            (form[name].label, error)
            for name in PRICED_FIELDS
            if name in form.fields
            for error in form.errors.get(name, ())
        ]
        preview = None
        if not problems:
            data = form.cleaned_data
            compiled = offer_compile(
                form.instance,
                category_ids=[c.pk for c in data.get("categories") or ()],
                product_ids=[p.pk for p in data.get("products") or ()],
            )
            preview = offer_preview(
                offer=compiled, products=preview_samples(compiled), now=timezone.now()
            )
        context = {**self.admin_site.each_context(request), "preview": preview,
                   "problems": problems, "title": _("What the offer does to prices"),
                   "opts": self.model._meta, "original": offer}  # fmt: skip
        template = "admin/offers/offer/form_preview.html"
        if request.htmx:
            template = "admin/offers/partials/_offer_preview.html"
        response = TemplateResponse(request, template, context)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def price_preview(self, request):
        """What a shopper from a chosen place would pay for a sample basket."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PricePreviewForm(request.GET or None)
        results = []
        if form.is_valid():
            for place in form.cleaned_data["places"]:
                country = place.split("-")[0]
                visitor = resolve_visitor(
                    overrides={"country": country, "region": place if "-" in place else None}
                )
                price = basket_price(
                    lines=form.lines(),
                    context=pricing_context(visitor),
                    codes=form.cleaned_data["codes"],
                )
                results.append({"place": dict(_flat(place_choices())).get(place, place),
                                 "price": price, "total": money_format(price.total)})  # fmt: skip
        context = {**self.admin_site.each_context(request), "form": form, "results": results,
                   "title": _("Prices as shoppers from different places see them"),
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/offers/price_preview.html", context)


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


class PricePreviewForm(forms.Form):
    places = forms.MultipleChoiceField(label=_("Shoppers from"))
    codes = forms.CharField(label=_("Voucher codes"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["places"]).choices = [
            c for c in place_choices() if c[0]
        ]
        products = Product.objects.active().order_by("name")
        for index in range(4):
            self.fields[f"product_{index}"] = forms.ModelChoiceField(
                queryset=products, required=False, label=_("Product")
            )
            self.fields[f"quantity_{index}"] = forms.IntegerField(
                min_value=1, max_value=99, initial=1, required=False, label=_("Quantity")
            )

    def clean_codes(self) -> list[str]:
        return [code for code in self.cleaned_data["codes"].replace(",", " ").split() if code]

    def lines(self) -> list:
        data = self.cleaned_data
        return [
            (data[f"product_{i}"], data.get(f"quantity_{i}") or 1)
            for i in range(4)
            if data.get(f"product_{i}")
        ]


# Who the shoppers were is order data: only staff who may view orders see it here.
PERSONAL_FIELDS = ("customer_email", "customer")


def _sees_shoppers(request) -> bool:
    return request.user.has_perm("orders.view_order")


@admin.register(OrderDiscount)
class OrderDiscountAdmin(admin.ModelAdmin):
    """The discounts orders got: merchandisers see counts and order numbers, never shoppers."""

    list_display = ("sentence", "code", "amount", "order", "customer_email")
    list_filter = ("offer",)
    search_fields = ("code", "customer_email", "order__number")
    readonly_fields = [f.name for f in OrderDiscount._meta.fields]

    def get_list_display(self, request):
        if _sees_shoppers(request):
            return self.list_display
        return tuple(name for name in self.list_display if name not in PERSONAL_FIELDS)

    def get_search_fields(self, request):
        if _sees_shoppers(request):
            return self.search_fields
        # Searching by e-mail would tell whether someone used an offer.
        return tuple(name for name in self.search_fields if name not in PERSONAL_FIELDS)

    def get_fields(self, request, obj=None):
        if _sees_shoppers(request):
            return self.readonly_fields
        return [name for name in self.readonly_fields if name not in PERSONAL_FIELDS]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PersonalVoucher)
class PersonalVoucherAdmin(admin.ModelAdmin):
    """Thank-you vouchers, to answer a shopper's question about one: read only, and without
    who owns them (staff find a shopper's voucher by its code)."""

    list_display = ("code", "reason", "percent", "created_at", "expires_at", "used_at", "order")
    list_filter = ("reason",)
    search_fields = ("code",)
    fields = ("code", "reason", "percent", "name_en", "name_ja", "created_at", "expires_at",
              "used_at", "order")  # fmt: skip
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False  # earned by shoppers, never handed out by hand

    def has_change_permission(self, request, obj=None) -> bool:
        return False
