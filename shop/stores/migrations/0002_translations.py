"""One column per language for translated content (django-modeltranslation); the next
migration fills the English ones."""

from django.db import migrations, models


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
    ]
