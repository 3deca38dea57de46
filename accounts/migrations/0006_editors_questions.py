"""Editors manage the profiling questions."""

from django.db import migrations

from accounts.groups import group_grant


def grant(apps, schema_editor):
    group_grant(
        apps,
        "Editors",
        [("personalization", f"{action}_question") for action in ("add", "change", "delete", "view")],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_merchandisers_offers"),
        ("personalization", "0004_profiling"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
