"""Content in every language (django-modeltranslation): the text so far becomes English.

The untranslated column stays, as modeltranslation expects; going back writes English to it."""

from django.db import migrations, models

TRANSLATED = {"Category": ("name", "description"), "Product": ("name", "description")}


def to_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("catalog", model_name)
        model.objects.update(**{f"{field}_en": models.F(field) for field in fields})


def from_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("catalog", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}_en__isnull": False}).update(
                **{field: models.F(f"{field}_en")}
            )


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_regional_popularity'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='category',
            name='description_ja',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='category',
            name='name_en',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='category',
            name='name_ja',
            field=models.CharField(max_length=100, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='product',
            name='description_en',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='product',
            name='description_ja',
            field=models.TextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AddField(
            model_name='product',
            name='name_en',
            field=models.CharField(max_length=200, null=True, verbose_name='name'),
        ),
        migrations.AddField(
            model_name='product',
            name='name_ja',
            field=models.CharField(max_length=200, null=True, verbose_name='name'),
        ),
        migrations.RunPython(to_english, from_english),
    ]
