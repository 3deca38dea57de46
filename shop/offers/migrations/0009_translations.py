"""One column per language for translated content (django-modeltranslation); the next
migration fills the English ones."""

from django.db import migrations, models


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
    ]
