"""Loading one snapshot may read another (segments read the question facts): it must never wait
on itself."""

from __future__ import annotations

import threading

import pytest

from kernel.snapshot import snapshot, snapshot_bump

pytestmark = pytest.mark.django_db(transaction=True)  # the load runs in a thread


def test_a_snapshot_that_reads_another_while_loading_does_not_deadlock():
    snapshot_bump("test-inner")
    snapshot_bump("test-outer")
    result = {}

    def load_outer():
        return ("outer", snapshot("test-inner", lambda: "inner"))

    worker = threading.Thread(
        target=lambda: result.update(data=snapshot("test-outer", load_outer)), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "loading a nested snapshot waited on itself"
    assert result["data"] == ("outer", "inner")
