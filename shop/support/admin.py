from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Closure, SavedReply, Shift


@admin.register(SavedReply)
class SavedReplyAdmin(TranslationAdmin):
    list_display = ("title",)
    search_fields = ("title", "body")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("agent", "weekday", "starts", "ends")
    list_filter = ("weekday", "agent")
    autocomplete_fields = ("agent",)


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    date_hierarchy = "date"
