"""Editors run experiments on slot content, merchandisers on offers (targeting an offer at an
arm through a segment, which they may now create)."""

from django.db import migrations

from accounts.groups import group_grant

ACTIONS = ("add", "change", "delete", "view")
MODELS = [("experiments", f"{action}_{model}") for model in ("experiment", "arm")
          for action in ACTIONS]  # fmt: skip
READ = [("experiments", "view_enrollment"), ("experiments", "view_experimentevent")]


def grant(apps, schema_editor):
    group_grant(
        apps, "Editors", [*MODELS, *READ, ("experiments", "manage_slot_experiments")]
    )
    group_grant(
        apps,
        "Merchandisers",
        [
            *MODELS,
            *READ,
            ("experiments", "manage_offer_experiments"),
            ("personalization", "add_segment"),
            ("personalization", "change_segment"),
            *[("personalization", f"{action}_condition") for action in ("add", "change", "delete")],
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_editors_questions"),
        ("experiments", "0002_experiment_permissions"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
