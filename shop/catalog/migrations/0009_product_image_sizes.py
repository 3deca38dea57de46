"""Fill the width and height of product images saved without them (see ProductImage.save):
otherwise every load of such a row opens its file to measure it."""

from django.db import migrations


def sizes_fill(apps, schema_editor):
    from PIL import Image, UnidentifiedImageError

    ProductImage = apps.get_model("catalog", "ProductImage")
    for image in ProductImage.objects.filter(width__isnull=True).exclude(image="").iterator():
        try:
            with image.image.open("rb") as stored, Image.open(stored) as picture:
                width, height = picture.size
        except (OSError, UnidentifiedImageError):
            continue  # a missing or unreadable file: measured when it is next saved
        ProductImage.objects.filter(pk=image.pk).update(width=width, height=height)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_merge_search_vector")]

    operations = [migrations.RunPython(sizes_fill, migrations.RunPython.noop)]
