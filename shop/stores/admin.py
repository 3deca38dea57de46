from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from .models import Store


@admin.register(Store)
class StoreAdmin(TranslationAdmin):
    list_display = ("name", "city", "region", "country", "opens_at", "closes_at", "is_active")
    list_filter = ("country", "is_active", "is_vet_partner")
    search_fields = [
        *get_translation_fields("name"),
        *get_translation_fields("city"),
        *get_translation_fields("address"),
    ]
    prepopulated_fields = {"slug": ("name",)}
