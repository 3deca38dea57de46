"""Care guides are editor text, kept in every language (django-modeltranslation)."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from .models import CareGuide


@register(CareGuide)
class CareGuideTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
    required_languages = {"en": ("title", "body")}
