"""Content in every language (django-modeltranslation): the text so far becomes English.

The Japanese names were already in `name_ja`, the column modeltranslation keeps them in.
The untranslated column stays, as modeltranslation expects; going back writes English to it."""

from django.db import migrations, models

TRANSLATED = {"Offer": ("name",), "PersonalVoucher": ("name",)}


def to_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("offers", model_name)
        model.objects.update(**{f"{field}_en": models.F(field) for field in fields})


def from_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("offers", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}_en__isnull": False}).update(
                **{field: models.F(f"{field}_en")}
            )


# Apart from the columns' migration: PostgreSQL refuses to alter a table with rows changed
# earlier in the same transaction (on the way back).
class Migration(migrations.Migration):
    dependencies = [("offers", "0009_translations")]

    operations = [migrations.RunPython(to_english, from_english)]
