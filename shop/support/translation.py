from modeltranslation.translator import TranslationOptions, register

from .models import SavedReply


@register(SavedReply)
class SavedReplyTranslation(TranslationOptions):
    fields = ("title", "body")
