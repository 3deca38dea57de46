"""Offer and voucher names in every language (django-modeltranslation: `name_en`, `name_ja`)."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from .models import Offer, PersonalVoucher


@register(Offer)
class OfferTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}


@register(PersonalVoucher)
class PersonalVoucherTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}
