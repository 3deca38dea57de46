"""Reading the data files, writing rows only when they differ, and counting what happened."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.db import models

DATA_DIR = Path(__file__).resolve().parent / "data"

M = TypeVar("M", bound=models.Model)
R = TypeVar("R")

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def records_read(*, name: str, record: type[R]) -> list[R]:
    """Read `data/<name>.json`, a list of objects, as one `record` per object.

    An unknown or missing key fails here, naming the file and the record, rather than as a
    puzzling row in the shop.
    """
    path = DATA_DIR / f"{name}.json"
    with path.open(encoding="utf-8") as file:
        rows = json.load(file)
    result = []
    for index, row in enumerate(rows):
        try:
            result.append(record(**row))
        except TypeError as error:
            raise ValueError(f"{path.name}, record {index + 1}: {error}") from error
    return result


def _differs(instance: models.Model, field_name: str, value: Any) -> bool:
    field = instance._meta.get_field(field_name)
    if isinstance(field, models.ForeignKey):
        # Compare keys, not objects: no query per row, and a re-fetched parent still matches.
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, field_name) != value


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, str]:
    """Create or update a row, saving only when something differs.

    Unlike `update_or_create`, an unchanged row is not saved, so `auto_now` fields keep their
    value and a second run really changes nothing. `full_clean` catches mistakes in the demo
    data (a compare-at price below the price, an unknown time zone) before they reach the shop.
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance, CREATED
    changed = [name for name, value in values.items() if _differs(instance, name, value)]
    if not changed:
        return instance, UNCHANGED
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()
    return instance, UPDATED


def yen(amount: int | None) -> Decimal | None:
    """Whole yen from a data file as money, keeping "no amount" as None."""
    return None if amount is None else Decimal(amount)


class Tally:
    """Counts of created, updated and unchanged rows per kind, for the summary."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}

    def add(self, kind: str, outcome: str) -> None:
        row = self.counts.setdefault(kind, {CREATED: 0, UPDATED: 0, UNCHANGED: 0})
        row[outcome] += 1

    def lines(self) -> list[str]:
        return [
            f"{kind}: {row[CREATED]} created, {row[UPDATED]} updated, {row[UNCHANGED]} unchanged"
            for kind, row in self.counts.items()
        ]
