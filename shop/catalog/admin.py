from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from kernel.money import money_format

from .models import Category, Product, ProductImage
from .services import image_renditions_queue


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ("name", "parent", "position")
    list_filter = ("parent",)
    search_fields = get_translation_fields("name")
    prepopulated_fields = {"slug": ("name",)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 1
    fields = ("image", "alt_text", "position")


@admin.register(Product)
class ProductAdmin(TranslationAdmin):
    list_display = ("name", "category", "pet_type", "season", "price_display", "stock", "is_active")
    list_filter = ("is_active", "pet_type", "season", "category")
    list_editable = ("stock", "is_active")
    search_fields = (
        *get_translation_fields("name"),
        "slug",
        *get_translation_fields("description"),
    )
    list_select_related = ("category__parent",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ProductImageInline]

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, product: Product) -> str:
        return money_format(product.price)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is ProductImage:
            for image_form in formset.forms:
                if image_form.instance.pk and "image" in image_form.changed_data:
                    image_renditions_queue(image=image_form.instance)
