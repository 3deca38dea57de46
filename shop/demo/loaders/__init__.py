"""One module per kind of demo data: each reads its files under `data/` and upserts rows."""
