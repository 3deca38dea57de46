"""Create the staff groups. Editors manage content (see personalization); Merchandisers manage
products, categories and stores. Neither can touch orders or accounts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Editors": [
        ("catalog", "view_product"),
        ("catalog", "view_category"),
        ("catalog", "view_productimage"),
    ],
    "Merchandisers": [
        *[("catalog", f"{action}_{model}")
          for model in ("product", "category", "productimage")
          for action in ("add", "change", "view")],
        ("stores", "view_store"),
        ("stores", "change_store"),
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission:
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("catalog", "0001_initial"),
        ("stores", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
