"""The places recommendation blocks are shown, each with a default variant naming its block.

Editors reorder them (change which block a place's default shows), switch one off (untick the
default's "active": the place is left out) and test blocks against each other (a slot
experiment whose arm's variant names another block)."""

from django.db import migrations

SLOTS = [
    ("home-recs-1", "Home: recommendations 1", "continue"),
    ("home-recs-2", "Home: recommendations 2", "popular-near-you"),
    ("home-recs-3", "Home: recommendations 3", "because-you-bought"),
    ("home-recs-4", "Home: recommendations 4", "for-your-pet"),
    ("product-recs-1", "Product page: recommendations 1", "bought-together"),
    ("product-recs-2", "Product page: recommendations 2", "for-your-pet"),
    ("product-recs-3", "Product page: recommendations 3", "recently-viewed"),
    ("basket-recs", "Basket: recommendations", "goes-well-with"),
]


def create(apps, schema_editor):
    Slot = apps.get_model("personalization", "Slot")
    Variant = apps.get_model("personalization", "Variant")
    Build = apps.get_model("recommendations", "Build")
    for name in ("neighbours", "popularity"):
        Build.objects.get_or_create(name=name)
    for key, name, block in SLOTS:
        slot, _created = Slot.objects.get_or_create(
            key=key, defaults={"name": name, "kind": "strip"}
        )
        if not Variant.objects.filter(slot=slot, is_default=True).exists():
            Variant.objects.create(slot=slot, name=f"{name} — default", is_default=True, block=block)


def remove(apps, schema_editor):
    Slot = apps.get_model("personalization", "Slot")
    Slot.objects.filter(key__in=[key for key, _name, _block in SLOTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
        ("personalization", "0008_variant_block"),
    ]

    operations = [migrations.RunPython(create, remove)]
