"""Content kept in every language the shop speaks, and the text one visitor reads.

Translated content has one column per language (`name_en`, `name_ja`, as django-modeltranslation
keeps it). Reading `obj.name` gives the language active at that moment, which is wrong for
anything loaded once and shared by every request of a process (the snapshots): those read every
language with `texts_of` and pick with `text_in` when a page is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def language_codes() -> tuple[str, ...]:
    """The languages the shop speaks, default first as `settings.LANGUAGES` lists them."""
    return tuple(code for code, _name in settings.LANGUAGES)


def default_language() -> str:
    """The language every translated text has, and that an empty translation falls back to."""
    return getattr(settings, "MODELTRANSLATION_DEFAULT_LANGUAGE", settings.LANGUAGE_CODE)


def localized_name(field: str, language: str) -> str:
    """The column holding a field in one language: `name`, `ja` → `name_ja`."""
    return f"{field}_{language.replace('-', '_')}"


def texts_of(source: Any, field: str) -> dict[str, str]:
    """Every language's text of a translated field, from an object's attributes or a mapping's
    keys: `{"en": obj.name_en, "ja": obj.name_ja}`. Missing or empty ones are left out."""
    texts: dict[str, str] = {}
    for language in language_codes():
        name = localized_name(field, language)
        text = source.get(name) if isinstance(source, Mapping) else getattr(source, name, None)
        if text:
            texts[language] = text
    return texts


def text_in(texts: Mapping[str, str], language: str | None = None) -> str:
    """The text in `language` (the active one when not given), else in the default language."""
    language = language or get_language() or default_language()
    return (
        texts.get(language)
        or texts.get(language.split("-")[0])
        or texts.get(default_language())
        or ""
    )
