"""Nightly housekeeping: expired sessions and anonymous baskets nobody can reach any more leave
the database; a basket someone can still come back to stays."""

from __future__ import annotations

import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from shop.basket.models import Basket, BasketLine
from shop.basket.services import SESSION_KEY, baskets_abandoned_purge
from shop.basket.tasks import purge_abandoned_baskets
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


def basket(*, owner=None, untouched_for: datetime.timedelta, product) -> Basket:
    made = Basket.objects.create(owner=owner)
    BasketLine.objects.create(basket=made, product=product, quantity=1)
    Basket.objects.filter(pk=made.pk).update(updated_at=NOW - untouched_for)
    return made


def session(*, basket: Basket | None = None, expires_in: datetime.timedelta) -> str:
    store = SessionStore()
    if basket is not None:
        store[SESSION_KEY] = basket.pk
    store["seen"] = True
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=NOW + expires_in)
    return store.session_key


def test_expired_sessions_are_deleted_and_live_ones_kept():
    expired = session(expires_in=-DAY)
    live = session(expires_in=DAY)
    baskets_abandoned_purge(now=NOW)
    assert set(Session.objects.values_list("pk", flat=True)) == {live}
    assert expired != live


def test_an_anonymous_basket_untouched_for_a_month_without_a_session_is_deleted(product):
    abandoned = basket(untouched_for=31 * DAY, product=product)
    purged = baskets_abandoned_purge(now=NOW)
    assert not Basket.objects.filter(pk=abandoned.pk).exists()
    assert not BasketLine.objects.filter(basket_id=abandoned.pk).exists()
    assert purged.baskets == 1


def test_a_basket_whose_session_expired_is_deleted_with_the_session(product):
    abandoned = basket(untouched_for=31 * DAY, product=product)
    session(basket=abandoned, expires_in=-DAY)
    purged = baskets_abandoned_purge(now=NOW)
    assert not Basket.objects.filter(pk=abandoned.pk).exists()
    assert purged.sessions == 1


def test_an_old_basket_whose_session_is_still_alive_is_kept(product):
    kept = basket(untouched_for=60 * DAY, product=product)
    session(basket=kept, expires_in=3 * DAY)
    baskets_abandoned_purge(now=NOW)
    assert BasketLine.objects.filter(basket=kept).count() == 1


def test_a_recent_anonymous_basket_is_kept(product):
    recent = basket(untouched_for=5 * DAY, product=product)
    baskets_abandoned_purge(now=NOW)
    assert Basket.objects.filter(pk=recent.pk).exists()


def test_a_signed_in_shoppers_basket_is_kept_however_old(product):
    theirs = basket(owner=UserFactory(), untouched_for=400 * DAY, product=product)
    baskets_abandoned_purge(now=NOW)
    assert BasketLine.objects.filter(basket=theirs).count() == 1


def test_the_nightly_task_purges(product):
    abandoned = basket(untouched_for=31 * DAY, product=product)
    session(expires_in=-DAY)
    result = purge_abandoned_baskets.delay().get()
    assert result == {"sessions": 1, "baskets": 1}
    assert not Basket.objects.filter(pk=abandoned.pk).exists()
    assert not Session.objects.exists()


def test_celery_beat_runs_the_housekeeping_every_night():
    schedules = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    schedule = schedules["shop.basket.tasks.purge_abandoned_baskets"]
    assert isinstance(schedule, crontab)
    assert schedule.hour == {4}
