"""What of a store shoppers read in their language (django-modeltranslation: `name_en`, …)."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from .models import Store


@register(Store)
class StoreTranslation(TranslationOptions):
    fields = ("name", "city", "address")
    required_languages = {"en": ("name", "city", "address")}
