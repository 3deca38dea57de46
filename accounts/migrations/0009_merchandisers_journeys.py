"""Merchandisers build lifecycle journeys and their steps; they read no customer's messages."""

from django.db import migrations

from accounts.groups import group_grant

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    group_grant(
        apps,
        "Merchandisers",
        [("journeys", f"{action}_{model}") for model in ("journey", "step") for action in ACTIONS],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_merge_experiments_time_zone"),
        ("journeys", "0001_journeys"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
