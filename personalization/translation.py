"""Content and questions in every language (django-modeltranslation: `headline_en`, …).

A question's choices stay in its `choices` JSON, one label per language under the same names
(`{"value": "cat", "label_en": "Cat", "label_ja": "猫"}`).
"""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from .models import Question, Variant


@register(Variant)
class VariantTranslation(TranslationOptions):
    fields = ("headline", "body", "alt_text", "cta_label")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("prompt",)
    required_languages = {"en": ("prompt",)}
