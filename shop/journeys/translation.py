"""What of a journey step is written in every language (django-modeltranslation)."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from .models import Step


@register(Step)
class StepTranslation(TranslationOptions):
    fields = ("subject", "body", "cta")
    required_languages = {"en": ("subject", "body", "cta")}
