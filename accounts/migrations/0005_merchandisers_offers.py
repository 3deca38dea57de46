"""Merchandisers run offers and see the discounts orders got."""

from django.db import migrations

from accounts.groups import group_grant


def grant(apps, schema_editor):
    group_grant(
        apps,
        "Merchandisers",
        [("offers", f"{action}_offer") for action in ("add", "change", "delete", "view")]
        + [("offers", "view_orderdiscount")],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_editors_content"),
        ("offers", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
