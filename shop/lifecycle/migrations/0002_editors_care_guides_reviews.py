"""Editors write the care guides and may take down a review (they can read every review)."""

from django.db import migrations

from accounts.groups import group_grant


def grant(apps, schema_editor):
    group_grant(
        apps,
        "Editors",
        [("lifecycle", f"{action}_careguide") for action in ("add", "change", "delete", "view")]
        + [("lifecycle", f"{action}_review") for action in ("delete", "view")],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
