"""What of the catalogue is kept in every language (django-modeltranslation: `name_en`, …)."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from .models import Category, Product


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}
