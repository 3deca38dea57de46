from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Store


@admin.register(Store)
class StoreAdmin(TranslationAdmin):
    list_display = ("name", "city", "region", "country", "opens_at", "closes_at", "is_active")
    list_filter = ("country", "is_active", "is_vet_partner")
    search_fields = ("name", "city", "address")
    prepopulated_fields = {"slug": ("name",)}
