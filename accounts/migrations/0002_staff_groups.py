"""Create the staff groups. Editors manage content; Merchandisers manage products, categories
and stores. Neither can touch orders or accounts."""

from django.db import migrations

from accounts.groups import group_grant

MODELS = ("product", "category", "productimage")


def create_groups(apps, schema_editor):
    group_grant(apps, "Editors", [("catalog", f"view_{model}") for model in MODELS])
    group_grant(
        apps,
        "Merchandisers",
        [
            *[("catalog", f"{action}_{model}") for model in MODELS for action in ("add", "change", "view")],
            ("stores", "view_store"),
            ("stores", "change_store"),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("catalog", "0001_initial"),
        ("stores", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
