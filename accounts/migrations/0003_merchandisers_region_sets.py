"""Merchandisers manage region sets (the areas offers and content are aimed at)."""

from django.db import migrations

from accounts.groups import group_grant


def grant(apps, schema_editor):
    group_grant(
        apps,
        "Merchandisers",
        [("personalization", f"{action}_regionset") for action in ("add", "change", "delete", "view")],
    )
    group_grant(apps, "Editors", [("personalization", "view_regionset")])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_groups"),
        ("personalization", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
