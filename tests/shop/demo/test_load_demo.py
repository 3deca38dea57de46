"""`make run` loads the demo with `load_demo`, on a fresh database and again on every run: the
second run must succeed and change nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from personalization.experiments.models import Experiment, ExperimentStatus
from personalization.models import Variant
from shop.catalog.models import Product

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def noon(monkeypatch):
    """Both loads at one moment, today at noon: the demo customer's orders are dated so many
    days back from the local day, and two loads either side of its turn rightly date them
    afresh (seen once, when a test run crossed it)."""
    moment = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_the_demo_loads_with_pictures_and_loads_again_changing_nothing(noon):
    load_demo()
    products = Product.objects.count()
    assert products > 50
    assert not Product.objects.filter(images__isnull=True).exists()
    assert Variant.objects.exclude(image="").exists()
    assert Experiment.objects.filter(status=ExperimentStatus.RUNNING).exists()
    with translation.override("ja"):
        assert Product.objects.filter(name__regex=r"[\u3040-\u30ff\u4e00-\u9fff]").count() == (
            products
        )

    second = load_demo()  # pictures now stored: each is checked again, none redrawn
    assert Product.objects.count() == products
    assert "Product images: 0 created" in second
    tallies = [line for line in second.splitlines() if "unchanged" in line]
    assert tallies and all(": 0 created, 0 updated," in line for line in tallies), second
