"""The stores snapshot, refreshed by the kernel from its declared dependency: another worker
sees a store change once it is committed, never before, and never if it is rolled back.

"Another worker" is a thread with its own database connection and its own per-process
snapshots (`kernel.snapshot._local`), reading through the shared cache like a process would."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from kernel import snapshot
from shop.stores.nearby import STORES, stores_cached
from tests.factories import StoreFactory

pytestmark = pytest.mark.django_db(transaction=True)


class RolledBack(Exception):
    pass


@pytest.fixture
def processes(monkeypatch):
    """Read the stores as this process and as another worker."""
    this_process: dict = {}
    other_worker: dict = {}
    monkeypatch.setattr(snapshot, "_local", this_process)

    def here() -> list[str]:
        return sorted(store.name for store in stores_cached())

    def elsewhere() -> list[str]:
        seen: list[str] = []

        def run() -> None:
            try:
                seen.extend(sorted(store.name for store in stores_cached()))
            finally:
                connection.close()

        monkeypatch.setattr(snapshot, "_local", other_worker)
        try:
            worker = threading.Thread(target=run)
            worker.start()
            worker.join(timeout=30)
        finally:
            monkeypatch.setattr(snapshot, "_local", this_process)
        return seen

    return here, elsewhere


def version() -> str:
    from personalization.models import SnapshotVersion

    return SnapshotVersion.objects.get(name=STORES.name).version


def test_a_store_change_reaches_other_workers_only_once_committed(processes):
    here, elsewhere = processes
    StoreFactory(name="Kobe")
    assert here() == elsewhere() == ["Kobe"]
    with transaction.atomic():
        StoreFactory(name="Osaka")
        assert here() == ["Kobe", "Osaka"]  # the change's own transaction sees it
        assert elsewhere() == ["Kobe"]  # nobody else does yet
    assert elsewhere() == ["Kobe", "Osaka"]
    assert here() == ["Kobe", "Osaka"]


def test_a_rolled_back_store_change_bumps_nothing_anyone_sees(processes):
    here, elsewhere = processes
    StoreFactory(name="Kobe")
    assert here() == elsewhere() == ["Kobe"]
    before = version()
    with pytest.raises(RolledBack), transaction.atomic():
        StoreFactory(name="Osaka")
        assert here() == ["Kobe", "Osaka"]
        raise RolledBack
    assert version() == before
    assert elsewhere() == ["Kobe"]
    assert here() == ["Kobe"]


def test_a_deleted_store_is_gone_for_every_worker(processes):
    here, elsewhere = processes
    kobe, _osaka = StoreFactory(name="Kobe"), StoreFactory(name="Osaka")
    assert here() == elsewhere() == ["Kobe", "Osaka"]
    kobe.delete()
    assert here() == elsewhere() == ["Osaka"]
