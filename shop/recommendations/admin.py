from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Build


@admin.register(Build)
class BuildAdmin(admin.ModelAdmin):
    """When the nightly rebuild last replaced each table, and how many rows it wrote: a stale
    date means the Celery beat is not running. Read-only: the rebuild writes these."""

    list_display = ("name", "built_at", "rows")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Build | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Build | None = None) -> bool:
        return False
