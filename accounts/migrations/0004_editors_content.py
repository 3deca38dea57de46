"""Editors manage segments, slots and their variants; merchandisers may read segments (offers
will target them)."""

from django.db import migrations

from accounts.groups import group_grant

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    group_grant(
        apps,
        "Editors",
        [
            ("personalization", f"{action}_{model}")
            for model in ("segment", "condition", "slot", "variant")
            for action in ACTIONS
        ],
    )
    group_grant(
        apps,
        "Merchandisers",
        [("personalization", "view_segment"), ("personalization", "view_condition")],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_merchandisers_region_sets"),
        ("personalization", "0003_default_slots"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
