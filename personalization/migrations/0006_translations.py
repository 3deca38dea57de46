"""One column per language for translated content (django-modeltranslation); the next
migration fills the English ones."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('personalization', '0005_snapshot_versions'),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='prompt_en',
            field=models.CharField(max_length=150, null=True, verbose_name='question'),
        ),
        migrations.AddField(
            model_name='variant',
            name='alt_text_en',
            field=models.CharField(blank=True, help_text='Required with an image.', max_length=200, null=True, verbose_name='alt text'),
        ),
        migrations.AddField(
            model_name='variant',
            name='alt_text_ja',
            field=models.CharField(blank=True, help_text='Required with an image.', max_length=200, null=True, verbose_name='alt text'),
        ),
        migrations.AddField(
            model_name='variant',
            name='body_en',
            field=models.TextField(blank=True, help_text='Simple HTML: paragraphs, bold, italic, links, lists.', null=True, verbose_name='text'),
        ),
        migrations.AddField(
            model_name='variant',
            name='body_ja',
            field=models.TextField(blank=True, help_text='Simple HTML: paragraphs, bold, italic, links, lists.', null=True, verbose_name='text'),
        ),
        migrations.AddField(
            model_name='variant',
            name='cta_label_en',
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name='button label'),
        ),
        migrations.AddField(
            model_name='variant',
            name='cta_label_ja',
            field=models.CharField(blank=True, max_length=60, null=True, verbose_name='button label'),
        ),
        migrations.AddField(
            model_name='variant',
            name='headline_en',
            field=models.CharField(blank=True, max_length=120, null=True, verbose_name='headline'),
        ),
        migrations.AddField(
            model_name='variant',
            name='headline_ja',
            field=models.CharField(blank=True, max_length=120, null=True, verbose_name='headline'),
        ),
        migrations.AlterField(
            model_name='question',
            name='prompt_ja',
            field=models.CharField(max_length=150, null=True, verbose_name='question'),
        ),
    ]
