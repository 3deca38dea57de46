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


class Migration(migrations.Migration):

    dependencies = [
        ('offers', '0008_remove_offer_personal'),
    ]

    operations = [
        migrations.AddField(
            model_name='offer',
            name='name_en',
            field=models.CharField(help_text='One sentence the shopper understands, e.g. “10% off cat food in Kyushu”.', max_length=120, null=True, verbose_name='name shown to shoppers'),
        ),
        migrations.AddField(
            model_name='personalvoucher',
            name='name_en',
            field=models.CharField(max_length=120, null=True, verbose_name='name shown to shoppers'),
        ),
        migrations.AlterField(
            model_name='offer',
            name='name_ja',
            field=models.CharField(help_text='One sentence the shopper understands, e.g. “10% off cat food in Kyushu”.', max_length=120, null=True, verbose_name='name shown to shoppers'),
        ),
        migrations.AlterField(
            model_name='personalvoucher',
            name='name_ja',
            field=models.CharField(max_length=120, null=True, verbose_name='name shown to shoppers'),
        ),
        migrations.RunPython(to_english, from_english),
    ]
