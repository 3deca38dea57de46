"""Staff groups and what they may do, for the data migrations that set them up."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions


def group_grant(apps, group_name: str, permissions: list[tuple[str, str]]) -> None:
    """Give a group (created if needed) permissions named by (app label, codename).

    Django creates permissions after all migrations; create them now so groups can hold them.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    for app_label, codename in permissions:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission:
            group.permissions.add(permission)
