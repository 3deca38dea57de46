"""The slots the shop's templates use, each with the default content everyone sees until editors
add variants. Editors change the wording in the admin."""

from django.db import migrations

SLOTS = [
    ("home-hero", "Home page hero", "banner", "Everything your pet needs, delivered across Japan",
     "<p>Food, beds, toys and care for dogs, cats, small pets, birds and fish.</p>",
     "Shop all products", "/products/"),
    ("home-strip", "Home page strip", "strip", "Free standard delivery from ¥5,000.",
     "", "", ""),
    ("category-banner", "Category banner", "strip", "", "", "", ""),
    ("product-aside", "Product page aside", "card", "Questions about this product?",
     "<p>Our stores’ staff are happy to help.</p>", "Find a store", "/stores/"),
    ("basket-notice", "Basket notice", "strip", "Orders placed before 14:00 ship the same day.",
     "", "", ""),
]  # fmt: skip


def create(apps, schema_editor):
    Slot = apps.get_model("personalization", "Slot")
    Variant = apps.get_model("personalization", "Variant")
    for key, name, kind, headline, body, cta_label, cta_url in SLOTS:
        slot, created = Slot.objects.get_or_create(key=key, defaults={"name": name, "kind": kind})
        if not Variant.objects.filter(slot=slot, is_default=True).exists():
            texts = {"headline": headline, "body": body, "cta_label": cta_label}
            # Run again on a later state (tests do), the text goes to the English columns too.
            texts |= {
                f"{field}_en": text for field, text in texts.items()
                if any(f.name == f"{field}_en" for f in Variant._meta.get_fields())
            }
            Variant.objects.create(
                slot=slot, name=f"{name} — default", is_default=True, cta_url=cta_url, **texts
            )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("personalization", "0002_segment_slot_condition_variant")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
