from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import CareGuide, Review


@admin.register(CareGuide)
class CareGuideAdmin(TranslationAdmin):
    list_display = ("title", "category", "is_active")
    list_filter = ("is_active",)
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("product", "rating", "author_name", "created_at")
    list_filter = ("rating",)
    search_fields = ("product__name", "comment")
    readonly_fields = ("product", "user", "rating", "comment", "author_name", "created_at")
