"""Content in every language (django-modeltranslation): the text so far becomes English.

The untranslated column stays, as modeltranslation expects; going back writes English to it."""

from django.db import migrations, models

TRANSLATED = {"Store": ("name", "city", "address")}


def to_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("stores", model_name)
        model.objects.update(**{f"{field}_en": models.F(field) for field in fields})


def from_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("stores", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}_en__isnull": False}).update(
                **{field: models.F(f"{field}_en")}
            )


class Migration(migrations.Migration):

    dependencies = [
        ('stores', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='store',
            name='address_en',
            field=models.CharField(max_length=300, null=True, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='store',
            name='address_ja',
            field=models.CharField(max_length=300, null=True, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='store',
            name='city_en',
            field=models.CharField(max_length=100, null=True, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='store',
            name='city_ja',
            field=models.CharField(max_length=100, null=True, verbose_name='city'),
        ),
        migrations.AddField(
            model_name='store',
            name='name_en',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='store',
            name='name_ja',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
        migrations.RunPython(to_english, from_english),
    ]
