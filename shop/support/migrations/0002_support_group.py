"""The Support group answers shoppers: conversations, saved replies, shifts and closed days, and
the orders it is asked about. Editors and merchandisers get none of it.

Made with accounts' `group_grant` like the other staff groups, but kept in this app's migrations,
which depend on accounts' own: a group that grants only this app's permissions (and orders')
stays one self-contained change."""

from django.db import migrations

from accounts.groups import group_grant


def grant(apps, schema_editor):
    group_grant(
        apps,
        "Support",
        [("support", "view_conversation"), ("support", "change_conversation")]
        + [("support", f"{action}_savedreply") for action in ("add", "change", "delete", "view")]
        + [("support", f"{action}_shift") for action in ("add", "change", "delete", "view")]
        + [("support", f"{action}_closure") for action in ("add", "change", "delete", "view")]
        + [("orders", "view_order")],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_groups"),
        ("orders", "0001_initial"),
        ("support", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
