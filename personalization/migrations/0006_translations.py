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
        migrations.RunPython(to_english, from_english),
    ]
