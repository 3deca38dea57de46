"""Write new search vectors straight into their GIN index (`fastupdate = off`).

With PostgreSQL's default, GIN queues new entries in a pending list that every search reads
from start to end until VACUUM merges it; where autovacuum is off or lags behind a bulk load,
that list grew to 25,000 products (half of a 50,000-product catalogue written with
`bulk_create`), every search read it, and the planner, pricing the index by it, preferred
checking every product's vector in a sequential scan: "blanket" took 23 ms in the database
instead of 4. The catalogue is read far more often than written, so each write paying for its
own index entries is the better trade. The list already queued is merged here.
PostgreSQL only, like the index (migration 0006).
"""

from django.db import migrations

NO_PENDING_LIST = """
ALTER INDEX catalog_product_search_vector SET (fastupdate = off);
SELECT gin_clean_pending_list('catalog_product_search_vector'::regclass);
"""
PENDING_LIST = "ALTER INDEX catalog_product_search_vector SET (fastupdate = on);"


def pending_list_off(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_PENDING_LIST)


def pending_list_on(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PENDING_LIST)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_product_season"),
    ]

    operations = [
        migrations.RunPython(pending_list_off, pending_list_on),
    ]
