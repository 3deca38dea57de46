from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from personalization.actions.base import Action

from . import fakes


@pytest.fixture(autouse=True)
def fake_providers(settings):
    settings.PERSONALIZATION_ACTION_PROVIDERS = ["tests.personalization.actions.fakes.provider"]
    settings.PERSONALIZATION_ACTION_STATE = {}
    fakes.PROPOSED.clear()
    fakes.CALLS.clear()
    fakes.LOADS.clear()
    yield fakes.PROPOSED
    fakes.PROPOSED.clear()


def make_action(kind: str = "order-arriving", **fields) -> Action:
    values = {
        "key": f"{kind}:1",
        "title": f"Title of {kind}",
        "url": "/orders/SF-1/",
        "cta": "Go",
        "score": 50.0,
        "why": f"Because of {kind}",
    }
    values.update(fields)
    return Action(kind=kind, **values)


class Clock:
    """Moves the site's clock forward (django.utils.timezone.now, which the visitor reads)."""

    def __init__(self) -> None:
        self.offset = datetime.timedelta(0)

    def shift(self, delta: datetime.timedelta) -> None:
        self.offset += delta


@pytest.fixture
def time_machine(monkeypatch) -> Clock:
    clock = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + clock.offset)
    return clock
