"""Content in every language (django-modeltranslation): the text so far becomes English.

Japanese prompts were already in `prompt_ja`, the column modeltranslation keeps them in.
Choice labels follow the same naming: `label` becomes `label_en`, `label_ja` stays. The
untranslated column stays, as modeltranslation expects; going back writes English to it."""

from django.db import migrations, models

TRANSLATED = {"Variant": ("headline", "body", "alt_text", "cta_label"), "Question": ("prompt",)}


def to_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("personalization", model_name)
        model.objects.update(**{f"{field}_en": models.F(field) for field in fields})
    Question = apps.get_model("personalization", "Question")
    for question in Question.objects.all():
        question.choices = [
            {**{k: v for k, v in c.items() if k != "label"}, "label_en": c.get("label", "")}
            for c in question.choices
        ]
        question.save(update_fields=["choices"])


def from_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("personalization", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}_en__isnull": False}).update(
                **{field: models.F(f"{field}_en")}
            )
    Question = apps.get_model("personalization", "Question")
    for question in Question.objects.all():
        question.choices = [
            {**{k: v for k, v in c.items() if k != "label_en"}, "label": c.get("label_en", "")}
            for c in question.choices
        ]
        question.save(update_fields=["choices"])


# Apart from the columns' migration: PostgreSQL refuses to alter a table with rows changed
# earlier in the same transaction (on the way back).
class Migration(migrations.Migration):
    dependencies = [("personalization", "0006_translations")]

    operations = [migrations.RunPython(to_english, from_english)]
