"""Planner statistics of the popularity table's (area, season) pairs, exactly (PostgreSQL).

Estimated column by column, the rows of an area and season are misjudged by a factor of 30 (a
pet's year looks like 6 rows, not 200): the planner then joins all 200 best sellers to their
products and sorts them, instead of reading the index in order and stopping at the eighth
product in stock. A few hundred pairs: a most-common-values list of up to 1000 holds them all,
refreshed by the ANALYZE each rebuild runs."""

from django.db import migrations

NAME = "popularity_area_season"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("recommendations", "Popularity")._meta.db_table
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {NAME} (mcv) ON area, season FROM {table}"
    )
    schema_editor.execute(f"ALTER STATISTICS {NAME} SET STATISTICS 1000")
    schema_editor.execute(f"ANALYZE {table}")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0002_recommendation_slots")]

    operations = [migrations.RunPython(create, remove)]
